/* dt_session.h: the device side of the protocol session (docs/protocol.md section 9): a
 * feedback-error-learning service around the core. States IDLE -> CONFIGURED -> RUNNING.
 *
 * The session owns the receiver and the transmit buffers, answers every message, runs the core
 * per SENSOR_FRAME (or per scheduler tick in HAL mode), guards the actuators with the comms
 * watchdog, moves snapshots, and (WASM3 backend) takes a new core over CORE_UPLOAD. One static
 * instance; single-threaded: call everything from the main loop. */
#ifndef DT_SESSION_H
#define DT_SESSION_H

#include <stdint.h>

typedef enum { DT_IDLE = 0, DT_CONFIGURED = 1, DT_RUNNING = 2 } dt_state;

/* Starts the session: opens the core (WASM3: a stored uploaded core if it passes its checks, else
 * the built-in one), runs the boot self-test (its checksum goes into every HELLO), and restores a
 * persisted configuration + snapshot when there is one. local = 1 for HAL mode (the board's own
 * sensors drive the steps at the scheduler's rate). Returns 0, or -1 when no core runs. */
int dt_session_init(int local);

/* Sends the boot announcement: one 0x00 then HELLO. */
void dt_session_announce(void);

/* Feeds bytes received from the host. */
void dt_session_rx(const uint8_t *p, uint32_t n);

/* Housekeeping at any time: the comms watchdog. */
void dt_session_poll(uint32_t now_ms);

/* HAL mode: one control step from dt_hal_sense (call at the fixed rate). */
void dt_session_tick(void);

/* For tests and logs. */
dt_state dt_session_state(void);
uint32_t dt_session_checksum(void);

#endif /* DT_SESSION_H */
