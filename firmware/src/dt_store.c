/* dt_store.c: the persisted configuration + snapshot pair (see dt_store.h). */
#include <string.h>
#include "dt_store.h"
#include "dt_crc32.h"
#include "dt_hal.h"
#include "dt_le.h"

#define DT_STORE_MAGIC 0x54535444u /* "DTST" little-endian */
#define DT_STORE_FORMAT 1u

int dt_store_save(const uint8_t cfg[DT_CONFIGURE_BYTES], const uint8_t *snap, uint32_t snap_len)
{
    uint8_t rec[DT_STORE_CFG_BYTES];
    dt_span part = { snap, snap_len };
    if (dt_hal_store_put("snap", &part, 1) != 0) return -1;
    dt_put_u32(rec, DT_STORE_MAGIC);
    dt_put_u32(rec + 4, DT_STORE_FORMAT);
    memcpy(rec + 8, cfg, DT_CONFIGURE_BYTES);
    dt_put_u32(rec + 8 + DT_CONFIGURE_BYTES, snap_len);
    dt_put_u32(rec + 12 + DT_CONFIGURE_BYTES, dt_crc32(snap, snap_len));
    dt_put_u32(rec + 16 + DT_CONFIGURE_BYTES, dt_crc32(rec, 16 + DT_CONFIGURE_BYTES));
    part.p = rec;
    part.n = sizeof rec;
    return dt_hal_store_put("cfg", &part, 1);
}

int dt_store_load_config(uint8_t cfg[DT_CONFIGURE_BYTES], uint32_t *o_snap_len, uint32_t *o_snap_crc)
{
    uint8_t rec[DT_STORE_CFG_BYTES];
    if (dt_hal_store_get("cfg", rec, sizeof rec) != (int32_t)sizeof rec) return -1;
    if (dt_get_u32(rec) != DT_STORE_MAGIC || dt_get_u32(rec + 4) != DT_STORE_FORMAT) return -1;
    if (dt_get_u32(rec + 16 + DT_CONFIGURE_BYTES) != dt_crc32(rec, 16 + DT_CONFIGURE_BYTES)) return -1;
    memcpy(cfg, rec + 8, DT_CONFIGURE_BYTES);
    *o_snap_len = dt_get_u32(rec + 8 + DT_CONFIGURE_BYTES);
    *o_snap_crc = dt_get_u32(rec + 12 + DT_CONFIGURE_BYTES);
    return 0;
}

int dt_store_load_snapshot(uint8_t *dst, uint32_t cap, uint32_t len, uint32_t crc)
{
    if (len > cap || len > 0x7FFFFFFFu) return -1;
    if (dt_hal_store_get("snap", dst, len) != (int32_t)len) return -1;
    return dt_crc32(dst, len) == crc ? 0 : -1;
}
