/* dt_image.c: section walk of a WASM binary (see dt_image.h). Known sections must come in the
 * binary format's order (data count, id 12, sits between element and code); custom sections
 * (id 0) may appear anywhere. */
#include "dt_image.h"

/* Reads an unsigned LEB128 of at most 5 bytes (u32); returns bytes used, 0 when malformed. */
static uint32_t leb_u32(const uint8_t *p, uint32_t n, uint32_t *o)
{
    uint32_t v = 0;
    for (uint32_t i = 0; i < 5 && i < n; i++) {
        v |= (uint32_t)(p[i] & 0x7F) << (7 * i);
        if (!(p[i] & 0x80)) {
            if (i == 4 && p[i] > 0x0F) return 0; /* more than 32 bits */
            *o = v;
            return i + 1;
        }
    }
    return 0;
}

/* The memory section: count, then limits (flag, min[, max]). One memory, starting at one page; the
 * core declares a maximum of DT_IMAGE_MAX_PAGES (a host may let it grow for nets larger than one
 * page; a device's runtime never grows it past DT_CORE_MEMORY_BYTES). */
static int check_memory(const uint8_t *p, uint32_t n)
{
    uint32_t count = 0, at = leb_u32(p, n, &count), used, min = 0, max = 0;
    if (!at) return DT_IMAGE_E_SECTION;
    if (count == 0) return 0;
    if (count > 1 || at >= n) return DT_IMAGE_E_MEMORY;
    uint8_t flag = p[at++];
    if (flag > 1 || !(used = leb_u32(p + at, n - at, &min))) return DT_IMAGE_E_SECTION;
    at += used;
    if (flag == 1 && !leb_u32(p + at, n - at, &max)) return DT_IMAGE_E_SECTION;
    if (min > 1 || (flag == 1 && max > DT_IMAGE_MAX_PAGES)) return DT_IMAGE_E_MEMORY;
    return 0;
}

int dt_image_check(const uint8_t *p, uint32_t n)
{
    static const uint8_t head[8] = { 0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00 };
    if (n < 8) return DT_IMAGE_E_HEADER;
    for (int i = 0; i < 8; i++)
        if (p[i] != head[i]) return DT_IMAGE_E_HEADER;
    uint32_t at = 8;
    static const uint8_t rank[13] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10 };
    uint8_t last = 0;
    while (at < n) {
        uint8_t id = p[at++];
        uint32_t size = 0, used = leb_u32(p + at, n - at, &size);
        if (!used) return DT_IMAGE_E_SECTION;
        at += used;
        if (size > n - at) return DT_IMAGE_E_SECTION;
        if (id != 0) {
            if (id > 12 || rank[id] <= last) return DT_IMAGE_E_SECTION;
            last = rank[id];
        }
        if (id == 2) {
            uint32_t count = 0;
            if (!leb_u32(p + at, size, &count)) return DT_IMAGE_E_SECTION;
            if (count) return DT_IMAGE_E_IMPORTS;
        }
        if (id == 5) {
            int r = check_memory(p + at, size);
            if (r) return r;
        }
        at += size;
    }
    return 0;
}
