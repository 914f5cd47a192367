/* dt_crc32.c: table-driven CRC-32 (see dt_crc32.h). The 256-entry table is a constant expression,
 * so it sits in flash, not RAM. The CRC register update is linear over GF(2), so entry k is the
 * XOR of the entries of k's set bits; those eight are the reflected polynomial 0xEDB88320 shifted
 * through 8 rounds from a single bit (entry 128 is the polynomial itself). */
#include "dt_crc32.h"

#define DT_B(k, bit, v) (((k) & (bit)) ? (v) : 0u)
#define DT_E(k)                                                                                   \
    (DT_B(k, 1, 0x77073096u) ^ DT_B(k, 2, 0xEE0E612Cu) ^ DT_B(k, 4, 0x076DC419u) ^                 \
     DT_B(k, 8, 0x0EDB8832u) ^ DT_B(k, 16, 0x1DB71064u) ^ DT_B(k, 32, 0x3B6E20C8u) ^              \
     DT_B(k, 64, 0x76DC4190u) ^ DT_B(k, 128, 0xEDB88320u))
#define DT_E4(k) DT_E(k), DT_E((k) + 1), DT_E((k) + 2), DT_E((k) + 3)
#define DT_E16(k) DT_E4(k), DT_E4((k) + 4), DT_E4((k) + 8), DT_E4((k) + 12)
#define DT_E64(k) DT_E16(k), DT_E16((k) + 16), DT_E16((k) + 32), DT_E16((k) + 48)

static const uint32_t dt_crc_table[256] = { DT_E64(0), DT_E64(64), DT_E64(128), DT_E64(192) };

uint32_t dt_crc32_update(uint32_t crc, const uint8_t *data, size_t n)
{
    uint32_t c = ~crc;
    for (size_t i = 0; i < n; i++) c = dt_crc_table[(c ^ data[i]) & 0xFFu] ^ (c >> 8);
    return ~c;
}

uint32_t dt_crc32(const uint8_t *data, size_t n) { return dt_crc32_update(0, data, n); }
