/* dt_store.c: the persisted configuration + snapshot, in two slots (see dt_store.h). */
#include <string.h>
#include "dt_store.h"
#include "dt_crc32.h"
#include "dt_hal.h"
#include "dt_le.h"

#define DT_STORE_MAGIC 0x54535444u /* "DTST" little-endian */
#define DT_STORE_FORMAT 3u

static const char *const cfg_key[DT_STORE_SLOTS] = { "cfg0", "cfg1" };
static const char *const snap_key[DT_STORE_SLOTS] = { "snap0", "snap1" };

/* a is newer than b: sequence numbers compared modulo 2^32 (RFC 1982 style). */
static int newer(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }

/* Slot s's record, when it is intact; 0 or -1. */
static int read_record(uint8_t s, dt_store_rec *o)
{
    uint8_t rec[DT_STORE_CFG_BYTES];
    const uint32_t body = DT_STORE_CFG_BYTES - 4;
    if (dt_hal_store_get(cfg_key[s], rec, sizeof rec) != (int32_t)sizeof rec) return -1;
    if (dt_get_u32(rec) != DT_STORE_MAGIC || dt_get_u32(rec + 4) != DT_STORE_FORMAT) return -1;
    if (dt_get_u32(rec + body) != dt_crc32(rec, body)) return -1;
    o->slot = s;
    o->seq = dt_get_u32(rec + 8);
    memcpy(o->cfg, rec + 12, DT_CONFIGURE_BYTES);
    o->snap_len = dt_get_u32(rec + 12 + DT_CONFIGURE_BYTES);
    o->snap_crc = dt_get_u32(rec + 16 + DT_CONFIGURE_BYTES);
    return 0;
}

int dt_store_records(dt_store_rec o_recs[DT_STORE_SLOTS])
{
    int n = 0;
    for (uint8_t s = 0; s < DT_STORE_SLOTS; s++)
        if (read_record(s, &o_recs[n]) == 0) n++;
    if (n == 2 && newer(o_recs[1].seq, o_recs[0].seq)) {
        dt_store_rec t = o_recs[0];
        o_recs[0] = o_recs[1];
        o_recs[1] = t;
    }
    return n;
}

int dt_store_save(const uint8_t cfg[DT_CONFIGURE_BYTES], const uint8_t *snap, uint32_t snap_len)
{
    dt_store_rec recs[DT_STORE_SLOTS];
    uint8_t rec[DT_STORE_CFG_BYTES];
    const uint32_t body = DT_STORE_CFG_BYTES - 4;
    int n = dt_store_records(recs);
    uint8_t slot = n > 0 ? (uint8_t)(1 - recs[0].slot) : 0;
    uint32_t seq = n > 0 ? recs[0].seq + 1 : 1;
    dt_span part = { snap, snap_len };
    if (dt_hal_store_put(snap_key[slot], &part, 1) != 0) return -1;
    dt_put_u32(rec, DT_STORE_MAGIC);
    dt_put_u32(rec + 4, DT_STORE_FORMAT);
    dt_put_u32(rec + 8, seq);
    memcpy(rec + 12, cfg, DT_CONFIGURE_BYTES);
    dt_put_u32(rec + 12 + DT_CONFIGURE_BYTES, snap_len);
    dt_put_u32(rec + 16 + DT_CONFIGURE_BYTES, dt_crc32(snap, snap_len));
    dt_put_u32(rec + body, dt_crc32(rec, body));
    part.p = rec;
    part.n = sizeof rec;
    return dt_hal_store_put(cfg_key[slot], &part, 1);
}

int dt_store_load_snapshot(const dt_store_rec *r, uint8_t *dst, uint32_t cap)
{
    if (r->slot >= DT_STORE_SLOTS || r->snap_len > cap || r->snap_len > 0x7FFFFFFFu) return -1;
    if (dt_hal_store_get(snap_key[r->slot], dst, r->snap_len) != (int32_t)r->snap_len) return -1;
    return dt_crc32(dst, r->snap_len) == r->snap_crc ? 0 : -1;
}
