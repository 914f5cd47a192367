/* dt_session_step.c: the session's control step (see dt_session.c): SENSOR_FRAME -> ACTUATOR_FRAME
 * with the feedback-error step, the HAL-mode tick, TELEMETRY, and the comms watchdog. */
#include <stdint.h>
#include "dt_config.h"
#include "dt_session.h"
#include "dt_codes.h"
#include "dt_core.h"
#include "dt_hal.h"
#include "dt_le.h"
#include "dt_msg.h"
#include "dt_session_internal.h"

#define DT_Q12_LIMIT 32767 /* |u| <= 8.0 in Q12 */

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
    dt_session_send_msg(&m);
}

/* A SENSOR_FRAME: the step, then ACTUATOR_FRAME (and TELEMETRY). Returns the status of a refusal
 * (answered by the caller) or DTP_OK. */
uint16_t dt_session_on_sensor_frame(const dt_msg *m)
{
    int32_t values[DT_MAX_IN + DT_MAX_OUT];
    dt_step_out o;
    if (S.state != DT_RUNNING || S.local) return DTP_E_STATE;
    if (m->u.frame.values.n != 4 * (S.n_in + S.n_out)) return DTP_E_VALUE_COUNT;
    if (m->u.frame.step != S.next_step) return DTP_E_STEP;
    for (int i = 0; i < S.n_in + S.n_out; i++) values[i] = dt_get_i32(m->u.frame.values.p + 4 * i);
    int32_t s = control_step(values, &o);
    if (s < 0) return dt_session_core_status(s);
    S.next_step = m->u.frame.step + 1;
    S.safe = 0; /* a valid SENSOR_FRAME ends SAFE_STATE */
    S.last_rx_ms = dt_hal_millis();
    uint8_t v[4 * DT_MAX_OUT];
    for (int k = 0; k < S.n_out; k++) dt_put_i32(v + 4 * k, o.u[k]);
    dt_msg a = { .type = DTP_ACTUATOR_FRAME };
    a.u.frame.step = m->u.frame.step;
    a.u.frame.values.p = v;
    a.u.frame.values.n = (uint16_t)(4 * S.n_out);
    dt_session_send_msg(&a); /* the host is waiting for this one: before the telemetry */
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
            dt_session_go_safe();
            dt_session_send_error(DTP_E_WATCHDOG, "sensor read failed: actuators in the safe state");
        }
        return;
    }
    int32_t s = control_step(values, &o);
    if (s < 0) {
        dt_session_go_safe();
        dt_session_send_error(dt_session_core_status(s), "core step failed: actuators in the safe state");
        return;
    }
    S.safe = 0;
    dt_hal_actuate(o.u, S.n_out);
    maybe_telemetry(S.next_step, values, &o);
    S.next_step++;
}

/* ---- watchdog -------------------------------------------------------------------------------- */

void dt_session_poll(uint32_t now_ms)
{
    if (S.state != DT_RUNNING || S.local || !S.watchdog_ms || S.safe) return;
    if (now_ms - S.last_rx_ms >= S.watchdog_ms) {
        dt_session_go_safe();
        dt_session_send_error(DTP_E_WATCHDOG, "no sensor frame within watchdogMs: actuators in the safe state");
        if (S.telemetry_every) {
            dt_msg m = { .type = DTP_TELEMETRY };
            m.u.telemetry.step = S.next_step ? S.next_step - 1 : 0;
            m.u.telemetry.flags = tlm_flags(0);
            dt_session_send_msg(&m);
        }
    }
}
