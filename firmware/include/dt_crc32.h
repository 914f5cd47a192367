/* dt_crc32.h: CRC-32 (IEEE 802.3: reflected, polynomial 0xEDB88320, initial value and final XOR
 * 0xFFFFFFFF; the CRC of zlib, PNG and the npm package crc-32). crc32("123456789") = 0xCBF43926.
 * Table-driven, one byte per step, 1 KiB table in flash. */
#ifndef DT_CRC32_H
#define DT_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32 of n bytes. */
uint32_t dt_crc32(const uint8_t *data, size_t n);

/* Running form: crc = dt_crc32_update(crc, chunk, n) over every chunk, starting from 0:
 * dt_crc32_update(dt_crc32(a), b) == dt_crc32(a followed by b). */
uint32_t dt_crc32_update(uint32_t crc, const uint8_t *data, size_t n);

#endif /* DT_CRC32_H */
