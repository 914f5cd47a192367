/* dt_session.c: the device session of docs/protocol.md section 9 (see dt_session.h), the same
 * behaviour as the TypeScript virtual device (host/device/):
 *  - a failure is explained in an ERROR, then (ACK_REQUESTED) the ACK carries the status;
 *  - a command repeated with the same seq, type and payload (a retransmission: our ACK was lost)
 *    gets the same ACK again and is not done twice (SENSOR_FRAMEs are never de-duplicated);
 *  - frames the receiver rejects (COBS, length, CRC, version, type, payload) are only counted:
 *    they never reach this logic (DT_REPORT_REJECTS = 1 also reports them in an ERROR);
 *  - the watchdog runs from START and is re-armed by every accepted SENSOR_FRAME. */
#include <stdio.h>
#include <string.h>
#include "dt_config.h"
#include "dt_session.h"
#include "dt_codes.h"
#include "dt_core.h"
#include "dt_crc32.h"
#include "dt_frame.h"
#include "dt_hal.h"
#include "dt_image.h"
#include "dt_le.h"
#include "dt_msg.h"
#include "dt_store.h"

#define DT_Q12_LIMIT 32767 /* |u| <= 8.0 in Q12 */

#ifndef DT_REPORT_REJECTS
#define DT_REPORT_REJECTS 0 /* 1: an ERROR E_FRAME_<reason> for every rejected frame */
#endif

typedef struct {
    /* the core */
    dt_core *core;
    uint32_t checksum;
    int32_t version;
    /* state */
    dt_state state;
    int configured, learning, safe, local;
    int32_t cfg[DT_CORE_FIELDS];
    uint8_t cfg_bytes[DT_CONFIGURE_BYTES];
    uint32_t telemetry_every, watchdog_ms;
    int n_in, n_out;
    uint32_t next_step;
    uint32_t last_rx_ms;
    /* command de-duplication */
    int have_last;
    uint8_t last_seq, last_type;
    uint16_t last_status;
    uint32_t last_crc;
    /* SNAPSHOT_PUT in progress */
    int put_active;
    uint32_t put_total, put_received;
    /* CORE_UPLOAD in progress */
    int up_active;
    uint32_t up_size, up_crc, up_received, up_running_crc;
    uint8_t *up_buf;
    /* timing of control steps since START (step + learn), for the log at STOP */
    uint64_t step_us_sum;
    uint32_t step_us_max, step_count;
    /* link */
    uint8_t tx_seq;
    dt_rx rx;
    uint8_t body[DTP_MAX_BODY];
    uint8_t wire[DTP_MAX_WIRE];
} dt_session;

static dt_session S;

#if DT_UPLOAD
/* Two image buffers: the one backing an uploaded running core and the one receiving the next. */
static uint8_t up_images[2][DT_UPLOAD_MAX];
static const uint8_t *running_image; /* NULL: the built-in core */
#endif

dt_state dt_session_state(void) { return S.state; }
uint32_t dt_session_checksum(void) { return S.checksum; }

/* ---- sending --------------------------------------------------------------------------------- */

static void send_msg(const dt_msg *m)
{
    int len = dt_msg_encode(m, S.body + DTP_HEADER);
    if (len < 0) return;
    size_t w = dt_frame_build(S.body, (uint16_t)len, m->type, S.tx_seq++, 0, S.wire);
    dt_hal_write(S.wire, (uint32_t)w);
}

static void send_ack(uint8_t seq, uint16_t status)
{
    dt_msg m = { .type = DTP_ACK };
    m.u.ack.acked_seq = seq;
    m.u.ack.status = status;
    send_msg(&m);
}

static void send_error(uint16_t code, const char *text)
{
    dt_msg m = { .type = DTP_ERROR };
    m.u.error.code = code;
    m.u.error.text.p = (const uint8_t *)text;
    m.u.error.text.n = (uint16_t)strlen(text);
    send_msg(&m);
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
    send_msg(&m);
}

void dt_session_announce(void)
{
    static const uint8_t idle = 0x00;
    dt_hal_write(&idle, 1);
    send_hello();
}

/* The protocol status of a failed core call. */
static uint16_t core_status(int32_t s) { return s <= DT_CORE_E_TRAP ? DTP_E_INTERNAL : DTP_CORE_STATUS(s); }

/* ---- configuration --------------------------------------------------------------------------- */

/* Applies a CONFIGURE payload to core c: init(), then init_weights() unless weights = 0. Returns a
 * protocol status; on a refusal by init() the core keeps its previous net (docs/core-abi.md). */
static uint16_t configure_core(dt_core *c, const uint8_t *p, int weights, int32_t *o_cfg)
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
    if (s < 0) return core_status(s);
    if (weights && (s = dt_core_init_weights(c, amp[0], amp[1], amp[2])) < 0) return core_status(s);
    if (o_cfg) memcpy(o_cfg, cfg, sizeof cfg);
    return DTP_OK;
}

static void go_safe(void)
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
    go_safe();
}

static void persist(void)
{
#if DT_PERSIST
    const uint8_t *snap = NULL;
    int32_t len = dt_core_snapshot_save(S.core, &snap);
    if (len <= 0 || len > DT_SNAPSHOT_MAX) dt_hal_log("persist: snapshot larger than DT_SNAPSHOT_MAX, not saved");
    else if (dt_store_save(S.cfg_bytes, snap, (uint32_t)len) != 0) dt_hal_log("persist: not saved (no storage, or the write failed)");
#endif
}

static void restore(void)
{
#if DT_PERSIST
    uint8_t cfgb[DT_CONFIGURE_BYTES];
    int32_t cfg[DT_CORE_FIELDS];
    uint32_t len = 0, crc = 0, cap = 0;
    if (dt_store_load_config(cfgb, &len, &crc) != 0) return;
    if (configure_core(S.core, cfgb, 1, cfg) != DTP_OK) { dt_hal_log("restore: stored configuration refused"); return; }
    adopt_config(cfgb, cfg);
    uint8_t *staging = dt_core_staging(S.core, &cap);
    if (!staging || dt_store_load_snapshot(staging, cap, len, crc) != 0 || dt_core_snapshot_load(S.core, len) != DT_OK)
        dt_hal_log("restore: configuration restored, stored snapshot unusable (fresh weights)");
    else
        dt_hal_log("restore: configuration and learned state restored");
#endif
}

/* ---- one control step ------------------------------------------------------------------------ */

typedef struct {
    int32_t y[DT_MAX_OUT];  /* network output (Q12) */
    int32_t u[DT_MAX_OUT];  /* command u_pd + y, clipped to +-8.0 (Q12) */
    int clipped;
    int32_t loss;           /* sum of u_pd^2 (Q12, rounded, saturating) */
} dt_step_out;

static uint16_t tlm_flags(int clipped)
{
    return (uint16_t)((S.safe ? DTP_TLM_SAFE_STATE : 0) | (S.state == DT_RUNNING ? DTP_TLM_RUNNING : 0) |
                      (S.learning && S.configured ? DTP_TLM_LEARNING : 0) | (clipped ? DTP_TLM_CLIPPED : 0));
}

/* values: n_in features x then n_out PD commands u_pd (Q12). 0, or a negative core status. */
static int32_t control_step(const int32_t *values, dt_step_out *o)
{
    int32_t err[DT_MAX_OUT];
    const int32_t *u_pd = values + S.n_in;
    uint32_t t0 = dt_hal_micros();
    int32_t s = dt_core_step(S.core, values, S.n_in, o->y, S.n_out);
    if (s < 0) return s;
    if (S.learning) {
        /* feedback-error learning: the PD command is the error signal, err = -u_pd */
        for (int k = 0; k < S.n_out; k++) err[k] = u_pd[k] == INT32_MIN ? INT32_MAX : -u_pd[k];
        s = dt_core_learn(S.core, err, S.n_out);
        if (s < 0) return s;
    }
    uint32_t us = dt_hal_micros() - t0;
    S.step_us_sum += us;
    S.step_count++;
    if (us > S.step_us_max) S.step_us_max = us;
    uint64_t q24 = 0; /* sum of u_pd^2 in Q24, saturating at what rounds to INT32_MAX */
    o->clipped = 0;
    for (int k = 0; k < S.n_out; k++) {
        int64_t v = (int64_t)u_pd[k] + o->y[k];
        if (v > DT_Q12_LIMIT || v < -DT_Q12_LIMIT) {
            v = v > 0 ? DT_Q12_LIMIT : -DT_Q12_LIMIT;
            o->clipped = 1;
        }
        o->u[k] = (int32_t)v;
        uint64_t sq = (uint64_t)((int64_t)u_pd[k] * u_pd[k]);
        q24 = q24 + sq < q24 || q24 + sq > ((uint64_t)INT32_MAX << 12) ? (uint64_t)INT32_MAX << 12 : q24 + sq;
    }
    uint64_t loss = (q24 + 2048u) >> 12; /* Q24 -> Q12, round half up */
    o->loss = loss > INT32_MAX ? INT32_MAX : (int32_t)loss;
    return 0;
}

/* TELEMETRY every telemetry_every steps: step, loss, flags, values y then u_pd. */
static void maybe_telemetry(uint32_t step, const int32_t *values, const dt_step_out *o)
{
    if (!S.telemetry_every || (step + 1) % S.telemetry_every != 0) return;
    uint8_t v[4 * 2 * DT_MAX_OUT];
    for (int k = 0; k < S.n_out; k++) {
        dt_put_i32(v + 4 * k, o->y[k]);
        dt_put_i32(v + 4 * (S.n_out + k), values[S.n_in + k]);
    }
    dt_msg m = { .type = DTP_TELEMETRY };
    m.u.telemetry.step = step;
    m.u.telemetry.loss = o->loss;
    m.u.telemetry.flags = tlm_flags(o->clipped);
    m.u.telemetry.values.p = v;
    m.u.telemetry.values.n = (uint16_t)(8 * S.n_out);
    send_msg(&m);
}

/* A SENSOR_FRAME: the step, then ACTUATOR_FRAME (and TELEMETRY). Returns the status of a refusal
 * (answered by the caller) or DTP_OK. */
static uint16_t on_sensor_frame(const dt_msg *m)
{
    int32_t values[DT_MAX_IN + DT_MAX_OUT];
    dt_step_out o;
    if (S.state != DT_RUNNING || S.local) return DTP_E_STATE;
    if (m->u.frame.values.n != 4 * (S.n_in + S.n_out)) return DTP_E_VALUE_COUNT;
    if (m->u.frame.step != S.next_step) return DTP_E_STEP;
    for (int i = 0; i < S.n_in + S.n_out; i++) values[i] = dt_get_i32(m->u.frame.values.p + 4 * i);
    int32_t s = control_step(values, &o);
    if (s < 0) return core_status(s);
    S.next_step = m->u.frame.step + 1;
    S.safe = 0; /* a valid SENSOR_FRAME ends SAFE_STATE */
    S.last_rx_ms = dt_hal_millis();
    uint8_t v[4 * DT_MAX_OUT];
    for (int k = 0; k < S.n_out; k++) dt_put_i32(v + 4 * k, o.u[k]);
    dt_msg a = { .type = DTP_ACTUATOR_FRAME };
    a.u.frame.step = m->u.frame.step;
    a.u.frame.values.p = v;
    a.u.frame.values.n = (uint16_t)(4 * S.n_out);
    send_msg(&a); /* the host is waiting for this one: before the telemetry */
    maybe_telemetry(m->u.frame.step, values, &o);
    return DTP_OK;
}

void dt_session_tick(void)
{
    int32_t values[DT_MAX_IN + DT_MAX_OUT];
    dt_step_out o;
    if (S.state != DT_RUNNING || !S.local) return;
    if (dt_hal_sense(values, S.n_in + S.n_out) != 0) {
        if (!S.safe) {
            go_safe();
            send_error(DTP_E_WATCHDOG, "sensor read failed: actuators in the safe state");
        }
        return;
    }
    int32_t s = control_step(values, &o);
    if (s < 0) {
        go_safe();
        send_error(core_status(s), "core step failed: actuators in the safe state");
        return;
    }
    S.safe = 0;
    dt_hal_actuate(o.u, S.n_out);
    maybe_telemetry(S.next_step, values, &o);
    S.next_step++;
}

/* ---- snapshots ------------------------------------------------------------------------------- */

/* On success the ACK (when asked) goes out before the data, and the caller sends none. */
static uint16_t on_snapshot_get(const dt_frame *f)
{
    const uint8_t *snap = NULL;
    if (!S.configured) return DTP_E_NOT_CONFIGURED;
    int32_t len = dt_core_snapshot_save(S.core, &snap);
    if (len < 0) return core_status(len);
    if (f->flags & DTP_FLAG_ACK_REQUESTED) send_ack(f->seq, DTP_OK);
    for (uint32_t off = 0; off < (uint32_t)len; off += DT_SNAPSHOT_CHUNK) {
        uint32_t n = (uint32_t)len - off < DT_SNAPSHOT_CHUNK ? (uint32_t)len - off : DT_SNAPSHOT_CHUNK;
        dt_msg m = { .type = DTP_SNAPSHOT_DATA };
        m.u.snapshot.offset = off;
        m.u.snapshot.total = (uint32_t)len;
        m.u.snapshot.data.p = snap + off;
        m.u.snapshot.data.n = (uint16_t)n;
        send_msg(&m);
    }
    return DTP_OK;
}

/* Chunks contiguous from 0 with one total that fits the staging area; the last one loads. */
static uint16_t on_snapshot_put(const dt_msg *m)
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
    if (s < 0) return core_status(s);
    persist();
    return DTP_OK;
}

/* ---- core upload ----------------------------------------------------------------------------- */

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
        if (configure_core(c, S.cfg_bytes, !same, NULL) != DTP_OK) {
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

static uint16_t on_upload(const dt_msg *m, const char **o_why)
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
static uint16_t on_upload(const dt_msg *m, const char **o_why)
{
    (void)m;
    *o_why = "this device cannot take a new core (AOT build: the core is compiled in)";
    return DTP_E_UNSUPPORTED;
}
#endif

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
        if (m->u.configure.config.n != DT_CONFIGURE_BYTES) { *o_why = "CONFIGURE payload must be 104 bytes"; return DTP_E_FRAME_PAYLOAD; }
        uint16_t st = configure_core(S.core, m->u.configure.config.p, 1, cfg);
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
            char line[96];
            S.state = DT_CONFIGURED;
            snprintf(line, sizeof line, "control step (step + learn): %lu steps, mean %lu us, max %lu us",
                     (unsigned long)S.step_count, (unsigned long)(S.step_count ? S.step_us_sum / S.step_count : 0),
                     (unsigned long)S.step_us_max);
            dt_hal_log(line);
            persist();
        }
        go_safe();
        return DTP_OK;
    case DTP_LEARN:
        if (!S.configured) { *o_why = "LEARN before CONFIGURE"; return DTP_E_NOT_CONFIGURED; }
        S.learning = m->u.learn.on;
        return DTP_OK;
    case DTP_SENSOR_FRAME:
        *o_why = S.state != DT_RUNNING ? "SENSOR_FRAME while not running" : "SENSOR_FRAME refused";
        return on_sensor_frame(m);
    case DTP_SNAPSHOT_GET:
        *o_why = "SNAPSHOT_GET before CONFIGURE";
        return on_snapshot_get(f);
    case DTP_SNAPSHOT_PUT:
        *o_why = S.state == DT_RUNNING ? "SNAPSHOT_PUT while running: send STOP first" : "SNAPSHOT_PUT refused";
        return on_snapshot_put(m);
    case DTP_CORE_UPLOAD_BEGIN: case DTP_CORE_UPLOAD_CHUNK: case DTP_CORE_UPLOAD_END: {
        uint16_t st = on_upload(m, o_why);
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
        send_error(DTP_E_FRAME_PAYLOAD, "frame rejected: payload");
#endif
        return;
    }
    int dedupe = ack && m.type != DTP_SENSOR_FRAME;
    uint32_t crc = dedupe ? dt_crc32(f->payload, f->len) : 0;
    if (m.type == DTP_HELLO) S.have_last = 0; /* a (new) host */
    if (dedupe && S.have_last && f->seq == S.last_seq && f->type == S.last_type && crc == S.last_crc) {
        send_ack(f->seq, S.last_status); /* a retransmission: same answer, not done twice */
        return;
    }
    const char *why = NULL;
    uint16_t st = on_message(f, &m, &why);
    if (st != DTP_OK) send_error(st, why ? why : "refused");
    if (ack && !(m.type == DTP_SNAPSHOT_GET && st == DTP_OK)) send_ack(f->seq, st);
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
        else if (e < 0) send_error(DTP_REJECT_STATUS(r), "frame rejected");
#endif
    }
}

void dt_session_poll(uint32_t now_ms)
{
    if (S.state != DT_RUNNING || S.local || !S.watchdog_ms || S.safe) return;
    if (now_ms - S.last_rx_ms >= S.watchdog_ms) {
        go_safe();
        send_error(DTP_E_WATCHDOG, "no sensor frame within watchdogMs: actuators in the safe state");
        if (S.telemetry_every) {
            dt_msg m = { .type = DTP_TELEMETRY };
            m.u.telemetry.step = S.next_step ? S.next_step - 1 : 0;
            m.u.telemetry.flags = tlm_flags(0);
            send_msg(&m);
        }
    }
}

/* Opens the core the device boots with: a stored uploaded core when it passes the same checks as
 * an upload, else the built-in one. Runs the boot self-test. */
static int open_boot_core(void)
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

int dt_session_init(int local)
{
    memset(&S, 0, sizeof S);
    S.local = local;
    S.safe = 1;
    dt_rx_init(&S.rx);
    if (open_boot_core() != 0) return -1;
    restore();
    if (local && DT_AUTOSTART && S.configured) {
        S.state = DT_RUNNING;
        dt_hal_log("boot: restored configuration, stepping (DT_AUTOSTART)");
    }
    return 0;
}
