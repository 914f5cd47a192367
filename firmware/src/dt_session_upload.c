/* dt_session_upload.c: the session's CORE_UPLOAD_BEGIN/CHUNK/END (WASM3 backend; refused by the
 * AOT build) and the core the device boots with (see dt_session.c). */
#include <string.h>
#include "dt_config.h"
#include "dt_session.h"
#include "dt_codes.h"
#include "dt_core.h"
#include "dt_crc32.h"
#include "dt_hal.h"
#include "dt_image.h"
#include "dt_msg.h"
#include "dt_session_internal.h"

/* ---- core upload ----------------------------------------------------------------------------- */

#if DT_UPLOAD
/* Two image buffers: the one backing an uploaded running core and the one receiving the next. */
static uint8_t up_images[2][DT_UPLOAD_MAX];
static const uint8_t *running_image; /* NULL: the built-in core */
#endif

#if DT_UPLOAD
/* Hands the learned state of core `from` to core `to` (same version and config): by snapshot, or,
 * when the state is too large to stage beside itself (E_NO_ROOM), copied into place and accepted
 * only if `to`'s own snapshot then equals `from`'s byte for byte. 0 or a negative core status. */
static int32_t hand_over(dt_core *from, dt_core *to)
{
    const uint8_t *snap = NULL, *check = NULL;
    uint32_t cap = 0, size = 0;
    int32_t len = dt_core_snapshot_save(from, &snap);
    if (len < 32) return len < 0 ? len : DT_E_SNAPSHOT_SIZE;
    uint8_t *staging = dt_core_staging(to, &cap);
    if (staging && (uint32_t)len <= cap) {
        memcpy(staging, snap, (uint32_t)len);
        return dt_core_snapshot_load(to, (uint32_t)len);
    }
    int32_t sp = 0, none[1] = { 0 };
    uint8_t *mem = dt_core_memory(to, &size);
    if (dt_core_call(to, "snapshot_ptr", 0, none, &sp) != DT_OK || !mem || (uint32_t)sp > size || (uint32_t)len > size - (uint32_t)sp)
        return DT_E_NO_ROOM;
    memcpy(mem + sp + 32, snap + 32, (uint32_t)len - 32);
    int32_t len2 = dt_core_snapshot_save(to, &check);
    return len2 == len && memcmp(check, snap, (uint32_t)len) == 0 ? 0 : DT_E_SNAPSHOT_CRC;
}

static uint16_t upload_end(const char **o_why)
{
    dt_core *c = NULL;
    uint32_t sum = 0, sum2 = 0;
    if (!S.up_active) return DTP_E_UPLOAD_NOT_STARTED;
    S.up_active = 0;
    if (S.up_received != S.up_size) { *o_why = "END before all bytes"; return DTP_E_UPLOAD_SIZE; }
    if (S.up_running_crc != S.up_crc) { *o_why = "the image does not match the CRC-32 of BEGIN"; return DTP_E_UPLOAD_CRC; }
    *o_why = "the image is not a core this device can run";
    if (dt_image_check(S.up_buf, S.up_size) != 0) { *o_why = "not a WASM module importing nothing with one page"; return DTP_E_UPLOAD_SELF_TEST; }
    if (dt_core_open(&c, S.up_buf, S.up_size) != 0) return DTP_E_UPLOAD_SELF_TEST;
    int32_t v = dt_core_version(c);
    /* the self-test runs, twice to the same checksum; a core of the running version must give the
     * running checksum (same version = same maths) */
    if (v < 0 || dt_core_self_test(c, &sum) != DT_OK || dt_core_self_test(c, &sum2) != DT_OK || sum != sum2 ||
        (v == S.version && sum != S.checksum)) {
        *o_why = "the new core failed its self-test";
        dt_core_close(c);
        return DTP_E_UPLOAD_SELF_TEST;
    }
    if (S.configured) {
        int same = v == S.version;
        if (dt_session_configure_core(c, S.cfg_bytes, !same, NULL) != DTP_OK) {
            *o_why = "the new core refuses the running configuration";
            dt_core_close(c);
            return DTP_E_UPLOAD_SELF_TEST;
        }
        if (same && hand_over(S.core, c) != 0) {
            *o_why = "the new core refuses the running core's state";
            dt_core_close(c);
            return DTP_E_UPLOAD_SELF_TEST;
        }
    }
    dt_span part = { S.up_buf, S.up_size };
    if (dt_hal_store_put("core", &part, 1) != 0) {
        *o_why = "could not store the new core";
        dt_core_close(c);
        return DTP_E_UPLOAD_STORE;
    }
    dt_core_close(S.core); /* the swap, between two control steps */
    S.core = c;
    S.version = v;
    S.checksum = sum;
    running_image = S.up_buf;
    return DTP_OK;
}

uint16_t dt_session_on_upload(const dt_msg *m, const char **o_why)
{
    if (m->type == DTP_CORE_UPLOAD_BEGIN) {
        S.up_active = 0; /* an unfinished transfer is dropped */
        if (m->u.upload_begin.size == 0 || m->u.upload_begin.size > DT_UPLOAD_MAX) return DTP_E_UPLOAD_SIZE;
        S.up_active = 1;
        S.up_size = m->u.upload_begin.size;
        S.up_crc = m->u.upload_begin.crc;
        S.up_received = 0;
        S.up_running_crc = 0;
        S.up_buf = running_image == up_images[0] ? up_images[1] : up_images[0];
        return DTP_OK;
    }
    if (m->type == DTP_CORE_UPLOAD_CHUNK) {
        uint32_t off = m->u.upload_chunk.offset, n = m->u.upload_chunk.data.n;
        if (!S.up_active) return DTP_E_UPLOAD_NOT_STARTED;
        if (off != S.up_received) return DTP_E_UPLOAD_OFFSET;
        if (n > S.up_size - off) return DTP_E_UPLOAD_SIZE;
        memcpy(S.up_buf + off, m->u.upload_chunk.data.p, n);
        S.up_running_crc = dt_crc32_update(S.up_running_crc, m->u.upload_chunk.data.p, n);
        S.up_received += n;
        return DTP_OK;
    }
    return upload_end(o_why);
}
#else
uint16_t dt_session_on_upload(const dt_msg *m, const char **o_why)
{
    (void)m;
    *o_why = "this device cannot take a new core (AOT build: the core is compiled in)";
    return DTP_E_UNSUPPORTED;
}
#endif

/* ---- the boot core --------------------------------------------------------------------------- */

/* Opens the core the device boots with: a stored uploaded core when it passes the same checks as
 * an upload, else the built-in one. Runs the boot self-test. */
int dt_session_open_boot_core(void)
{
#if DT_UPLOAD
    int32_t n = dt_hal_store_get("core", up_images[0], DT_UPLOAD_MAX);
    if (n > 0 && dt_image_check(up_images[0], (uint32_t)n) == 0 && dt_core_open(&S.core, up_images[0], (uint32_t)n) == 0) {
        uint32_t again = 0;
        if (dt_core_self_test(S.core, &S.checksum) == DT_OK && dt_core_self_test(S.core, &again) == DT_OK && again == S.checksum) {
            running_image = up_images[0];
            S.version = dt_core_version(S.core);
            return 0;
        }
        dt_core_close(S.core);
        dt_hal_log("boot: stored core failed its self-test; using the built-in core");
    }
#endif
    if (dt_core_open(&S.core, NULL, 0) != 0) return -1;
    if (dt_core_self_test(S.core, &S.checksum) != DT_OK) return -1;
    S.version = dt_core_version(S.core);
    return 0;
}
