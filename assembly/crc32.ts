// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF), the one
// zlib, PNG and the npm package crc-32 compute. Table built on first use, integer only.
const TABLE: usize = memory.data(256 * 4, 16);
let ready = false;

function build(): void {
  for (let n: u32 = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >> 1) : c >> 1;
    store<u32>(TABLE + (<usize>n << 2), c);
  }
  ready = true;
}

/** Continues a CRC over len bytes at p. Start with crc = 0xFFFFFFFF, finish with ~crc. */
export function crcUpdate(crc: u32, p: usize, len: usize): u32 {
  if (!ready) build();
  for (let i: usize = 0; i < len; i++) crc = load<u32>(TABLE + (<usize>((crc ^ load<u8>(p + i)) & 0xff) << 2)) ^ (crc >> 8);
  return crc;
}

export function crc32(p: usize, len: usize): u32 {
  return ~crcUpdate(0xffffffff, p, len);
}
