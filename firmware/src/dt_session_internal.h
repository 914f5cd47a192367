/* dt_session_internal.h: what the session's files share (private to src/dt_session*.c): the one
 * session state and the functions one file defines and another calls.
 *   dt_session.c           states, dispatch, CONFIGURE/START/STOP/LEARN, ERROR/ACK answers,
 *                          retransmission cache, sending, configuration, persistence, init
 *   dt_session_step.c      SENSOR_FRAME -> ACTUATOR_FRAME, feedback-error step, HAL-mode tick,
 *                          TELEMETRY, watchdog
 *   dt_session_snapshot.c  SNAPSHOT_GET / SNAPSHOT_PUT
 *   dt_session_upload.c    CORE_UPLOAD_* and the core the device boots with
 * Include it after every other header: it defines the macro S. */
#ifndef DT_SESSION_INTERNAL_H
#define DT_SESSION_INTERNAL_H

#include <stdint.h>
#include "dt_config.h"
#include "dt_session.h"
#include "dt_codes.h"
#include "dt_core.h"
#include "dt_frame.h"
#include "dt_msg.h"
#include "dt_store.h"

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
    /* CORE_UPLOAD in progress (the bytes go to the storage's candidate slot, not to RAM) */
    int up_active;
    uint32_t up_size, up_crc, up_received;
    uint8_t up_sig[64]; /* CORE_UPLOAD_BEGIN's Ed25519 signature, stored after the image at END */
    /* timing of control steps since START (step + learn), for the log at STOP */
    uint64_t step_us_sum;
    uint32_t step_us_max, step_count;
    /* link */
    uint8_t tx_seq;
    dt_rx rx;
    uint8_t body[DTP_MAX_BODY];
    uint8_t wire[DTP_MAX_WIRE];
} dt_session;

/* The one session (defined in dt_session.c); every session file calls it S. */
extern dt_session dt_session_s;
#define S dt_session_s

/* dt_session.c */
void dt_session_send_msg(const dt_msg *m);
void dt_session_send_ack(uint8_t seq, uint16_t status);
void dt_session_send_error(uint16_t code, const char *text);
uint16_t dt_session_core_status(int32_t s);
uint16_t dt_session_configure_core(dt_core *c, const uint8_t *p, int weights, int32_t *o_cfg);
void dt_session_go_safe(void);
void dt_session_persist(void);

/* The handlers on_message() in dt_session.c dispatches to (described where they are defined). */
uint16_t dt_session_on_sensor_frame(const dt_msg *m);               /* dt_session_step.c */
uint16_t dt_session_on_snapshot_get(const dt_frame *f);             /* dt_session_snapshot.c */
uint16_t dt_session_on_snapshot_put(const dt_msg *m);               /* dt_session_snapshot.c */
uint16_t dt_session_on_upload(const dt_msg *m, const char **o_why); /* dt_session_upload.c */

/* dt_session_upload.c: opens S.core for boot and runs the boot self-test; 0, or -1 when no core runs. */
int dt_session_open_boot_core(void);

#endif /* DT_SESSION_INTERNAL_H */
