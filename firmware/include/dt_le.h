/* dt_le.h: little-endian loads and stores on unaligned byte pointers (every multi-byte field of the
 * protocol and of the core's linear memory is little-endian). Byte by byte, so any CPU and any
 * alignment works; compilers turn them into single loads on little-endian targets. */
#ifndef DT_LE_H
#define DT_LE_H

#include <stdint.h>

static inline uint16_t dt_get_u16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t dt_get_u32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline int32_t dt_get_i32(const uint8_t *p) { return (int32_t)dt_get_u32(p); }

static inline void dt_put_u16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void dt_put_u32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline void dt_put_i32(uint8_t *p, int32_t v) { dt_put_u32(p, (uint32_t)v); }

#endif /* DT_LE_H */
