// CRC-32 (IEEE 802.3: reflected, polynomial 0xEDB88320, init and final xor 0xFFFFFFFF; the one zlib,
// PNG and the npm package crc-32 compute). Check value: crc32("123456789") = 0xCBF43926.
import CRC32 from 'crc-32';

/**
 * The CRC-32 of data as an unsigned 32-bit integer. Pass the CRC of the preceding bytes as `previous`
 * to continue a running CRC: crc32(b, crc32(a)) === crc32(a followed by b).
 */
export function crc32(data: Uint8Array, previous?: number): number {
  return (previous === undefined ? CRC32.buf(data) : CRC32.buf(data, previous | 0)) >>> 0;
}
