/* dt_session_snapshot.c: the session's SNAPSHOT_GET and SNAPSHOT_PUT (see dt_session.c). */
#include <string.h>
#include "dt_config.h"
#include "dt_session.h"
#include "dt_codes.h"
#include "dt_core.h"
#include "dt_frame.h"
#include "dt_msg.h"
#include "dt_session_internal.h"

/* ---- snapshots ------------------------------------------------------------------------------- */

/* On success the ACK (when asked) goes out before the data, and the caller sends none. */
uint16_t dt_session_on_snapshot_get(const dt_frame *f)
{
    const uint8_t *snap = NULL;
    if (!S.configured) return DTP_E_NOT_CONFIGURED;
    int32_t len = dt_core_snapshot_save(S.core, &snap);
    if (len < 0) return dt_session_core_status(len);
    if (f->flags & DTP_FLAG_ACK_REQUESTED) dt_session_send_ack(f->seq, DTP_OK);
    for (uint32_t off = 0; off < (uint32_t)len; off += DT_SNAPSHOT_CHUNK) {
        uint32_t n = (uint32_t)len - off < DT_SNAPSHOT_CHUNK ? (uint32_t)len - off : DT_SNAPSHOT_CHUNK;
        dt_msg m = { .type = DTP_SNAPSHOT_DATA };
        m.u.snapshot.offset = off;
        m.u.snapshot.total = (uint32_t)len;
        m.u.snapshot.data.p = snap + off;
        m.u.snapshot.data.n = (uint16_t)n;
        dt_session_send_msg(&m);
    }
    return DTP_OK;
}

/* Chunks contiguous from 0 with one total that fits the staging area; the last one loads. */
uint16_t dt_session_on_snapshot_put(const dt_msg *m)
{
    uint32_t cap = 0, off = m->u.snapshot.offset, total = m->u.snapshot.total, n = m->u.snapshot.data.n;
    if (!S.configured) return DTP_E_NOT_CONFIGURED;
    if (S.state == DT_RUNNING) return DTP_E_STATE;
    uint8_t *staging = dt_core_staging(S.core, &cap);
    if (off == 0) {
        S.put_active = 0;
        if (total == 0 || !staging || total > cap) return DTP_E_SNAPSHOT_TOTAL;
        S.put_active = 1;
        S.put_total = total;
        S.put_received = 0;
    } else {
        if (!S.put_active || off != S.put_received) return DTP_E_SNAPSHOT_OFFSET;
        if (total != S.put_total) return DTP_E_SNAPSHOT_TOTAL;
    }
    memcpy(staging + off, m->u.snapshot.data.p, n); /* off + n <= total <= cap (decoder and above) */
    S.put_received += n;
    if (S.put_received < total) return DTP_OK;
    S.put_active = 0;
    int32_t s = dt_core_snapshot_load(S.core, total);
    if (s < 0) return dt_session_core_status(s);
    dt_session_persist();
    return DTP_OK;
}
