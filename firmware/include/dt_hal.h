/* dt_hal.h: the platform layer. Everything the firmware needs from a board goes through these
 * functions; one file per platform implements them (dt_hal_posix.c, dt_hal_mps2.c,
 * dt_hal_arduino.cpp) and nothing else in the firmware touches hardware or the OS. */
#ifndef DT_HAL_H
#define DT_HAL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A read-only byte range for scatter writes. */
typedef struct dt_span {
    const uint8_t *p;
    uint32_t n;
} dt_span;

/* Platform setup (clock, UART / serial port, timers, I/O). argc/argv: the POSIX command line
 * (0/NULL elsewhere). Returns 0, or -1 when the firmware cannot run. */
int dt_hal_init(int argc, char **argv);

/* Monotonic time since boot; both wrap (use differences). */
uint32_t dt_hal_millis(void);
uint32_t dt_hal_micros(void);

/* Serial link to the host. read: up to cap bytes, waiting at most wait_us for the first one;
 * returns the count (0 on timeout) or -1 when the link is gone. write: blocks until queued. */
int dt_hal_read(uint8_t *buf, uint32_t cap, uint32_t wait_us);
void dt_hal_write(const uint8_t *p, uint32_t n);

/* The control loop's I/O (HAL mode). sense: n = n_in + n_out Q12 values, the network's input
 * features then the PD command u_pd (the board computes both from its sensors and reference);
 * returns 0, or -1 when there are no sensors or a reading failed. actuate: n_out Q12 commands.
 * safe: actuators to their safe values (zero command / servo centre / PWM off). */
int dt_hal_sense(int32_t *values, int n);
void dt_hal_actuate(const int32_t *u, int n);
void dt_hal_safe(void);

/* Persistent storage of small named blobs ("cfg0", "snap0", "cfg1", "snap1", "core"). put writes
 * the concatenated parts, atomically (all or nothing) where the platform can (the POSIX HAL: a
 * temporary file renamed); the learned-state store (dt_store.c) does not rely on it, a torn blob
 * fails its CRC and the other slot is used. get reads a whole blob and returns its length, or -1 when it is
 * absent, larger than cap or
 * unreadable. Both return -1 on platforms without storage. */
int dt_hal_store_put(const char *key, const dt_span *parts, int nparts);
int32_t dt_hal_store_get(const char *key, uint8_t *buf, uint32_t cap);

/* A blob written in pieces and read in place, with no RAM copy (the core upload, DT_UPLOAD: an
 * interpreter runs the image from where it is stored). Needs storage that can be read in place
 * (memory-mapped flash on a board, a mapped file on POSIX) and keeps a candidate slot beside the
 * committed blob of the key (A/B slots in flash):
 *   begin(key, size)       prepares (erases) the candidate slot for size bytes; the committed
 *                          blob is untouched
 *   write(key, off, p, n)  programs n bytes at off into the candidate (off + n <= size)
 *   candidate(key, &len)   the candidate's bytes in place, or NULL
 *   commit(key)            atomically makes the candidate the blob under key (also for get())
 *   map(key, &len)         the committed blob in place, or NULL when there is none
 * Bytes from candidate() stay readable until the next begin(key), or, once committed, as the
 * committed blob. Bytes from map() stay readable until the next begin(key) after the commit that
 * replaces them (so a core running from them can be closed after the swap). -1 / NULL on
 * platforms without such storage (then CORE_UPLOAD answers E_UPLOAD_STORE). */
int dt_hal_store_begin(const char *key, uint32_t size);
int dt_hal_store_write(const char *key, uint32_t off, const uint8_t *p, uint32_t n);
const uint8_t *dt_hal_store_candidate(const char *key, uint32_t *o_len);
int dt_hal_store_commit(const char *key);
const uint8_t *dt_hal_store_map(const char *key, uint32_t *o_len);

/* Diagnostics for a human (stderr, semihosting, a debug UART); never the protocol link. */
void dt_hal_log(const char *msg);

/* HAL mode: 1 when this platform runs its own control loop from dt_hal_sense (a real robot),
 * 0 when the host sends SENSOR_FRAMEs. */
int dt_hal_local_loop(void);

#ifdef __cplusplus
}
#endif

#endif /* DT_HAL_H */
