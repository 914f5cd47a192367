/* dt_session.c: the device session of docs/protocol.md section 9 (see dt_session.h), the same
 * behaviour as the TypeScript virtual device (host/device/):
 *  - a failure is explained in an ERROR, then (ACK_REQUESTED) the ACK carries the status;
 *  - a command repeated with the same seq, type and payload (a retransmission: our ACK was lost)
 *    gets the same ACK again and is not done twice (SENSOR_FRAMEs are never de-duplicated);
 *  - frames the receiver rejects (COBS, length, CRC, version, type, payload) are only counted:
 *    they never reach this logic (DT_REPORT_REJECTS = 1 also reports them in an ERROR);
 *  - the watchdog runs from START and is re-armed by every accepted SENSOR_FRAME.
 *
 * This file: states, dispatch, CONFIGURE/START/STOP/LEARN, the ERROR/ACK answers, the
 * retransmission cache, configuration and persistence, init. The step, telemetry and watchdog are
 * in dt_session_step.c, snapshots in dt_session_snapshot.c, the core upload and the boot core in
 * dt_session_upload.c; dt_session_internal.h has what they share. */
#include <stdio.h>
#include <string.h>
#include "dt_config.h"
#include "dt_session.h"
#include "dt_codes.h"
#include "dt_core.h"
#include "dt_crc32.h"
#include "dt_frame.h"
#include "dt_hal.h"
#include "dt_le.h"
#include "dt_msg.h"
#include "dt_store.h"
#include "dt_session_internal.h"

#ifndef DT_REPORT_REJECTS
#define DT_REPORT_REJECTS 0 /* 1: an ERROR E_FRAME_<reason> for every rejected frame */
#endif

dt_session dt_session_s; /* S (see dt_session_internal.h) */

dt_state dt_session_state(void) { return S.state; }
uint32_t dt_session_checksum(void) { return S.checksum; }

/* ---- sending --------------------------------------------------------------------------------- */

void dt_session_send_msg(const dt_msg *m)
{
    int len = dt_msg_encode(m, S.body + DTP_HEADER);
    if (len < 0) return;
    size_t w = dt_frame_build(S.body, (uint16_t)len, m->type, S.tx_seq++, 0, S.wire);
    dt_hal_write(S.wire, (uint32_t)w);
}

void dt_session_send_ack(uint8_t seq, uint16_t status)
{
    dt_msg m = { .type = DTP_ACK };
    m.u.ack.acked_seq = seq;
    m.u.ack.status = status;
    dt_session_send_msg(&m);
}

void dt_session_send_error(uint16_t code, const char *text)
{
    dt_msg m = { .type = DTP_ERROR };
    m.u.error.code = code;
    m.u.error.text.p = (const uint8_t *)text;
    m.u.error.text.n = (uint16_t)strlen(text);
    dt_session_send_msg(&m);
}

static void send_hello(void)
{
    dt_msg m = { .type = DTP_HELLO };
    m.u.hello.protocol_version = DTP_VERSION;
    /* version() is major << 16 | minor; HELLO's u16 carries major << 8 | minor. */
    m.u.hello.core_version = (uint16_t)((((uint32_t)S.version >> 16) & 0xFF) << 8 | ((uint32_t)S.version & 0xFF));
    m.u.hello.checksum = S.checksum;
    m.u.hello.name.p = (const uint8_t *)DT_DEVICE_NAME;
    m.u.hello.name.n = (uint16_t)strlen(DT_DEVICE_NAME);
    dt_session_send_msg(&m);
}

void dt_session_announce(void)
{
    static const uint8_t idle = 0x00;
    dt_hal_write(&idle, 1);
    send_hello();
}

/* The protocol status of a failed core call. */
uint16_t dt_session_core_status(int32_t s) { return s <= DT_CORE_E_TRAP ? DTP_E_INTERNAL : DTP_CORE_STATUS(s); }

/* ---- configuration --------------------------------------------------------------------------- */

/* Applies a CONFIGURE payload to core c: init(), then init_weights() unless weights = 0. Returns a
 * protocol status; on a refusal by init() the core keeps its previous net (docs/core-abi.md). */
uint16_t dt_session_configure_core(dt_core *c, const uint8_t *p, int weights, int32_t *o_cfg)
{
    int32_t cfg[DT_CORE_FIELDS], amp[3];
    for (int i = 0; i < DT_CORE_FIELDS; i++) cfg[i] = dt_get_i32(p + 4 * i);
    for (int i = 0; i < 3; i++) {
        uint32_t a = dt_get_u32(p + 4 * DT_CORE_FIELDS + 8 + 4 * i);
        if (weights && a > 32767u) return DTP_CORE_STATUS(DT_E_ARG); /* before init(): the old net stays */
        amp[i] = (int32_t)a;
    }
    /* the firmware's buffers hold DT_MAX_IN / DT_MAX_OUT values (the core's own limits by default) */
    if (cfg[1] < 1 || cfg[1] > DT_MAX_IN) return DTP_CORE_STATUS(DT_E_CONFIG_FIELD - 1);
    if (cfg[7] < 1 || cfg[7] > DT_MAX_OUT) return DTP_CORE_STATUS(DT_E_CONFIG_FIELD - 7);
    int32_t s = dt_core_init(c, cfg);
    if (s < 0) return dt_session_core_status(s);
    if (weights && (s = dt_core_init_weights(c, amp[0], amp[1], amp[2])) < 0) return dt_session_core_status(s);
    if (o_cfg) memcpy(o_cfg, cfg, sizeof cfg);
    return DTP_OK;
}

void dt_session_go_safe(void)
{
    S.safe = 1;
    dt_hal_safe();
}

static void adopt_config(const uint8_t *p, const int32_t *cfg)
{
    memcpy(S.cfg, cfg, sizeof S.cfg);
    memcpy(S.cfg_bytes, p, DT_CONFIGURE_BYTES);
    S.telemetry_every = dt_get_u32(p + 4 * DT_CORE_FIELDS);
    S.watchdog_ms = dt_get_u32(p + 4 * DT_CORE_FIELDS + 4);
    S.n_in = cfg[1];
    S.n_out = cfg[7];
    S.configured = 1;
    S.learning = 1;
    S.put_active = 0;
    S.state = DT_CONFIGURED;
    dt_session_go_safe();
}

void dt_session_persist(void)
{
#if DT_PERSIST
    const uint8_t *snap = NULL;
    int32_t len = dt_core_snapshot_save(S.core, &snap);
    if (len <= 0 || len > DT_SNAPSHOT_MAX) dt_hal_log("persist: snapshot larger than DT_SNAPSHOT_MAX, not saved");
    else if (dt_store_save(S.cfg_bytes, snap, (uint32_t)len) != 0) dt_hal_log("persist: not saved (no storage, or the write failed)");
#endif
}

/* The newest stored save whose configuration and snapshot both load; when no snapshot loads, the
 * newest accepted configuration with fresh weights. */
static void restore(void)
{
#if DT_PERSIST
    dt_store_rec recs[DT_STORE_SLOTS];
    int32_t cfg[DT_CORE_FIELDS];
    int n = dt_store_records(recs), fallback = -1;
    for (int i = 0; i < n; i++) {
        uint32_t cap = 0;
        if (dt_session_configure_core(S.core, recs[i].cfg, 1, cfg) != DTP_OK) { dt_hal_log("restore: stored configuration refused"); continue; }
        if (fallback < 0) fallback = i;
        uint8_t *staging = dt_core_staging(S.core, &cap);
        if (staging && dt_store_load_snapshot(&recs[i], staging, cap) == 0 && dt_core_snapshot_load(S.core, recs[i].snap_len) == DT_OK) {
            adopt_config(recs[i].cfg, cfg);
            dt_hal_log(i == 0 ? "restore: configuration and learned state restored (newest save)"
                              : "restore: configuration and learned state restored (the save before the newest)");
            return;
        }
        dt_hal_log("restore: a stored snapshot is unusable");
    }
    if (fallback >= 0 && dt_session_configure_core(S.core, recs[fallback].cfg, 1, cfg) == DTP_OK) {
        adopt_config(recs[fallback].cfg, cfg);
        dt_hal_log("restore: configuration restored, no stored snapshot usable (fresh weights)");
    }
#endif
}

/* ---- dispatch -------------------------------------------------------------------------------- */

/* Does what message m (of frame f) asks; returns the status to report. *o_why: the ERROR text on
 * failure. */
static uint16_t on_message(const dt_frame *f, const dt_msg *m, const char **o_why)
{
    switch (m->type) {
    case DTP_HELLO:
        send_hello();
        *o_why = "unsupported protocol version";
        return m->u.hello.protocol_version == DTP_VERSION ? DTP_OK : DTP_E_VERSION_MISMATCH;
    case DTP_CONFIGURE: {
        int32_t cfg[DT_CORE_FIELDS];
        *o_why = "CONFIGURE refused";
        if (S.state == DT_RUNNING) { *o_why = "CONFIGURE while running: send STOP first"; return DTP_E_STATE; }
        if (m->u.configure.config.n != DT_CONFIGURE_BYTES) { *o_why = "CONFIGURE payload must be 108 bytes"; return DTP_E_FRAME_PAYLOAD; }
        uint16_t st = dt_session_configure_core(S.core, m->u.configure.config.p, 1, cfg);
        if (st == DTP_OK) adopt_config(m->u.configure.config.p, cfg);
        return st;
    }
    case DTP_START:
        if (!S.configured) { *o_why = "START before CONFIGURE"; return DTP_E_NOT_CONFIGURED; }
        S.state = DT_RUNNING; /* a START while running restarts the step count */
        S.next_step = 0;
        S.last_rx_ms = dt_hal_millis(); /* the watchdog starts */
        S.step_us_sum = 0;
        S.step_us_max = S.step_count = 0;
        return DTP_OK;
    case DTP_STOP:
        if (S.state == DT_RUNNING) {
            char line[112];
            uint64_t mean_ns = S.step_count ? S.step_us_sum * 1000u / S.step_count : 0;
            S.state = DT_CONFIGURED;
            snprintf(line, sizeof line, "control step (%s): %lu steps, mean %lu.%03lu us, max %lu us",
                     S.learning ? "step + learn" : "step only", (unsigned long)S.step_count,
                     (unsigned long)(mean_ns / 1000u), (unsigned long)(mean_ns % 1000u), (unsigned long)S.step_us_max);
            dt_hal_log(line);
            dt_session_persist();
        }
        dt_session_go_safe();
        return DTP_OK;
    case DTP_LEARN:
        if (!S.configured) { *o_why = "LEARN before CONFIGURE"; return DTP_E_NOT_CONFIGURED; }
        S.learning = m->u.learn.on;
        return DTP_OK;
    case DTP_SENSOR_FRAME:
        *o_why = S.state != DT_RUNNING ? "SENSOR_FRAME while not running" : "SENSOR_FRAME refused";
        return dt_session_on_sensor_frame(m);
    case DTP_SNAPSHOT_GET:
        *o_why = "SNAPSHOT_GET before CONFIGURE";
        return dt_session_on_snapshot_get(f);
    case DTP_SNAPSHOT_PUT:
        *o_why = S.state == DT_RUNNING ? "SNAPSHOT_PUT while running: send STOP first" : "SNAPSHOT_PUT refused";
        return dt_session_on_snapshot_put(m);
    case DTP_CORE_UPLOAD_BEGIN: case DTP_CORE_UPLOAD_CHUNK: case DTP_CORE_UPLOAD_END: {
        uint16_t st = dt_session_on_upload(m, o_why);
        if (st != DTP_OK && *o_why == NULL) *o_why = "CORE_UPLOAD refused";
        return st;
    }
    case DTP_ACK: case DTP_ERROR:
        return DTP_OK; /* nothing to do */
    default:
        *o_why = "not a host-to-device message";
        return DTP_E_UNSUPPORTED;
    }
}

static void on_frame(const dt_frame *f)
{
    dt_msg m;
    int ack = (f->flags & DTP_FLAG_ACK_REQUESTED) != 0;
    if (dt_msg_decode(f->type, f->payload, f->len, &m) != DTP_REJECT_NONE) {
        S.rx.rejected[DTP_REJECT_PAYLOAD]++;
#if DT_REPORT_REJECTS
        dt_session_send_error(DTP_E_FRAME_PAYLOAD, "frame rejected: payload");
#endif
        return;
    }
    int dedupe = ack && m.type != DTP_SENSOR_FRAME;
    uint32_t crc = dedupe ? dt_crc32(f->payload, f->len) : 0;
    if (m.type == DTP_HELLO) S.have_last = 0; /* a (new) host */
    if (dedupe && S.have_last && f->seq == S.last_seq && f->type == S.last_type && crc == S.last_crc) {
        dt_session_send_ack(f->seq, S.last_status); /* a retransmission: same answer, not done twice */
        return;
    }
    const char *why = NULL;
    uint16_t st = on_message(f, &m, &why);
    if (st != DTP_OK) dt_session_send_error(st, why ? why : "refused");
    if (ack && !(m.type == DTP_SNAPSHOT_GET && st == DTP_OK)) dt_session_send_ack(f->seq, st);
    if (dedupe) {
        S.have_last = 1;
        S.last_seq = f->seq;
        S.last_type = f->type;
        S.last_crc = crc;
        S.last_status = st;
    }
    if (m.type == DTP_CORE_UPLOAD_END && st == DTP_OK) send_hello(); /* the new core's checksum */
}

void dt_session_rx(const uint8_t *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        dt_frame f;
        dtp_reject r = DTP_REJECT_NONE;
        int e = dt_rx_push(&S.rx, p[i], &f, &r);
        if (e > 0) on_frame(&f);
#if DT_REPORT_REJECTS
        else if (e < 0) dt_session_send_error(DTP_REJECT_STATUS(r), "frame rejected");
#endif
    }
}

int dt_session_init(int local)
{
    memset(&S, 0, sizeof S);
    S.local = local;
    S.safe = 1;
    dt_rx_init(&S.rx);
    if (dt_session_open_boot_core() != 0) return -1;
    restore();
    if (local && DT_AUTOSTART && S.configured) {
        S.state = DT_RUNNING;
        dt_hal_log("boot: restored configuration, stepping (DT_AUTOSTART)");
    }
    return 0;
}
