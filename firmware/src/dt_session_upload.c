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
#include "dt_sig.h"

/* ---- core upload ----------------------------------------------------------------------------- */

/* No image buffer in RAM: CORE_UPLOAD_CHUNKs are written straight into the storage's candidate
 * slot of the blob "core" (dt_hal_store_begin/write: flash on a board, a file on POSIX), and END
 * checks, instantiates and self-tests the image in place there (dt_hal_store_candidate). Only when
 * every check passed is the candidate committed and swapped in; the running core (built-in, or an
 * earlier upload running in place from the committed blob) keeps running through all of it.
 *
 * The stored blob is the image followed by its 64-byte Ed25519 signature (from BEGIN), so the boot
 * path checks the signature of a stored core too. The signature is checked first, before the image
 * is parsed or run (dt_sig.h): an image this device's key did not sign never runs an instruction. */

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
    uint32_t sum = 0, sum2 = 0, len = 0;
    if (!S.up_active) return DTP_E_UPLOAD_NOT_STARTED;
    S.up_active = 0;
    if (S.up_received != S.up_size) { *o_why = "END before all bytes"; return DTP_E_UPLOAD_SIZE; }
    if (dt_hal_store_write("core", S.up_size, S.up_sig, DT_SIG_BYTES) != 0) { *o_why = "could not write the signature to storage"; return DTP_E_UPLOAD_STORE; }
    /* the CRC of BEGIN and the signature over the bytes as stored, so a failed write is caught too */
    const uint8_t *img = dt_hal_store_candidate("core", &len);
    if (!img || len != S.up_size + DT_SIG_BYTES) { *o_why = "could not read the candidate core back from storage"; return DTP_E_UPLOAD_STORE; }
    len = S.up_size;
    if (dt_crc32(img, len) != S.up_crc) { *o_why = "the image does not match the CRC-32 of BEGIN"; return DTP_E_UPLOAD_CRC; }
    int sig = dt_sig_verify(img + len, img, len);
    if (sig != DT_SIG_OK) {
        *o_why = sig == DT_SIG_E_NONE ? "this build has no signature verifier: it takes no uploaded core"
                                      : "the image's signature does not verify against this device's public key";
        return DTP_E_UPLOAD_SIGNATURE;
    }
    *o_why = "the image is not a core this device can run";
    if (dt_image_check(img, len) != 0) { *o_why = "not a WASM module importing nothing with one page"; return DTP_E_UPLOAD_SELF_TEST; }
    if (dt_core_open(&c, img, len) != 0) return DTP_E_UPLOAD_SELF_TEST;
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
    /* commit: the candidate becomes the stored core; the bytes the old core may run from stay
     * readable until the next BEGIN (dt_hal.h), so it is closed only after this */
    if (dt_hal_store_commit("core") != 0) {
        *o_why = "could not store the new core";
        dt_core_close(c);
        return DTP_E_UPLOAD_STORE;
    }
    dt_core_close(S.core); /* the swap, between two control steps */
    S.core = c;
    S.version = v;
    S.checksum = sum;
    return DTP_OK;
}

uint16_t dt_session_on_upload(const dt_msg *m, const char **o_why)
{
    if (m->type == DTP_CORE_UPLOAD_BEGIN) {
        S.up_active = 0; /* an unfinished transfer is dropped */
        if (m->u.upload_begin.size == 0 || m->u.upload_begin.size > DT_UPLOAD_MAX) return DTP_E_UPLOAD_SIZE;
        if (dt_hal_store_begin("core", m->u.upload_begin.size + DT_SIG_BYTES) != 0) {
            *o_why = "no storage for a candidate core on this device";
            return DTP_E_UPLOAD_STORE;
        }
        S.up_active = 1;
        S.up_size = m->u.upload_begin.size;
        S.up_crc = m->u.upload_begin.crc;
        memcpy(S.up_sig, m->u.upload_begin.signature.p, DT_SIG_BYTES); /* the codec checked its length */
        S.up_received = 0;
        return DTP_OK;
    }
    if (m->type == DTP_CORE_UPLOAD_CHUNK) {
        uint32_t off = m->u.upload_chunk.offset, n = m->u.upload_chunk.data.n;
        if (!S.up_active) return DTP_E_UPLOAD_NOT_STARTED;
        if (off != S.up_received) return DTP_E_UPLOAD_OFFSET;
        if (n > S.up_size - off) return DTP_E_UPLOAD_SIZE;
        if (dt_hal_store_write("core", off, m->u.upload_chunk.data.p, n) != 0) {
            S.up_active = 0;
            *o_why = "could not write the candidate core to storage";
            return DTP_E_UPLOAD_STORE;
        }
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

/* Opens the core the device boots with: a stored uploaded core (image, then its signature) when
 * it passes the same checks as an upload, signature first, else the built-in one. Runs the boot
 * self-test. */
int dt_session_open_boot_core(void)
{
#if DT_UPLOAD
    uint32_t n = 0;
    const uint8_t *img = dt_hal_store_map("core", &n); /* run in place from storage */
    if (img && n > DT_SIG_BYTES) n -= DT_SIG_BYTES;
    else img = NULL;
    if (img && dt_sig_verify(img + n, img, n) != DT_SIG_OK) {
        dt_hal_log("boot: the stored core's signature does not verify; using the built-in core");
        img = NULL;
    }
    if (img && n <= DT_UPLOAD_MAX && dt_image_check(img, n) == 0 && dt_core_open(&S.core, img, n) == 0) {
        uint32_t again = 0;
        if (dt_core_self_test(S.core, &S.checksum) == DT_OK && dt_core_self_test(S.core, &again) == DT_OK && again == S.checksum) {
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
