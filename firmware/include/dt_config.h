/* dt_config.h: every build setting of the firmware, each with its default and why.
 *
 * Two layers, like wasm3's m3_config.h / m3_config_platforms.h: dt_config_boards.h sets per-board
 * values first (it is included at the top), then every setting left undefined gets the default
 * below. A -D flag on the compiler command line wins over both.
 */
#ifndef DT_CONFIG_H
#define DT_CONFIG_H

#include "dt_config_boards.h"

/* ---- the core backend ------------------------------------------------------------------------ */

/* Which implementation runs core.wasm: DT_BACKEND_AOT (wasm2c, compiled in, fastest, cannot take
 * a new core over the serial line) or DT_BACKEND_WASM3 (interpreter, ~15x slower per op, accepts
 * CORE_UPLOAD). Boards default to WASM3 (the Arduino library); the Makefile builds AOT. */
#define DT_BACKEND_AOT 1
#define DT_BACKEND_WASM3 2
#ifndef DT_BACKEND
#define DT_BACKEND DT_BACKEND_AOT
#endif

/* WASM3 only: interpreter stack in bytes. The core's deepest call chain is short (no recursion);
 * 8 KiB leaves room for the self-test's three nets. */
#ifndef DT_WASM3_STACK_BYTES
#define DT_WASM3_STACK_BYTES 8192
#endif

/* WASM3 only: cap on the module's linear memory (M3Runtime.memoryLimit). The core declares one
 * 64 KiB page; a board short of RAM may cap it lower as long as the boot self-test and the configs
 * it runs fit (memory_used() of the core, printed by `npm run bench`); an access past the cap
 * traps, which the firmware reports instead of crashing. 0 = no cap. */
#ifndef DT_WASM3_MEMORY_LIMIT
#define DT_WASM3_MEMORY_LIMIT 65536
#endif

/* Accept a new core over CORE_UPLOAD_BEGIN/CHUNK/END. Needs a backend that can run an image given
 * at run time: on by default with WASM3, off with AOT (the device answers E_UNSUPPORTED). */
#ifndef DT_UPLOAD
#define DT_UPLOAD (DT_BACKEND == DT_BACKEND_WASM3)
#endif

/* With DT_UPLOAD: largest core image CORE_UPLOAD accepts (bytes). core.wasm is ~14.3 KB; an uploaded
 * image lives in a static buffer this size, so RAM use is twice this (current + candidate). */
#ifndef DT_UPLOAD_MAX
#define DT_UPLOAD_MAX 24576
#endif

/* ---- the session (docs/protocol.md section 9) ------------------------------------------------- */

/* The name in HELLO (at most 255 bytes of UTF-8). */
#ifndef DT_DEVICE_NAME
#define DT_DEVICE_NAME "deeptrace"
#endif

/* SNAPSHOT_DATA chunk size (bytes); the protocol allows at most 1016, section 9 says <= 1000. */
#ifndef DT_SNAPSHOT_CHUNK
#define DT_SNAPSHOT_CHUNK 1000
#endif

/* Largest snapshot the device persists (bytes): the storage must hold this much. Snapshots are
 * written straight from linear memory, so no RAM buffer of this size exists. */
#ifndef DT_SNAPSHOT_MAX
#define DT_SNAPSHOT_MAX 32768
#endif

/* Largest input / output count of a SENSOR_FRAME (n_in + n_out <= 64 + 8 by the core's ABI). */
#ifndef DT_MAX_IN
#define DT_MAX_IN 64
#endif
#ifndef DT_MAX_OUT
#define DT_MAX_OUT 8
#endif

/* Persist the learned state (config + snapshot) on STOP and after a SNAPSHOT_PUT, and restore it
 * at boot. 1 = on. The HAL decides where (POSIX: a file, Arduino: Preferences / flash). */
#ifndef DT_PERSIST
#define DT_PERSIST 1
#endif

/* ---- the control loop (HAL mode) -------------------------------------------------------------- */

/* Control rate of the firmware's own loop (Hz) when the HAL supplies sensors and actuators. The
 * scheduler runs one step per period and counts overruns instead of drifting. */
#ifndef DT_LOOP_HZ
#define DT_LOOP_HZ 100
#endif

/* HAL mode: start stepping at boot when a persisted configuration was restored (a robot that
 * keeps learning after a power cycle without a host). 0 = wait for START. */
#ifndef DT_AUTOSTART
#define DT_AUTOSTART 0
#endif

/* ---- the serial link -------------------------------------------------------------------------- */

/* UART baud rate where the HAL sets one (Arduino, MPS2's divider). A pty ignores it. */
#ifndef DT_BAUD
#define DT_BAUD 115200
#endif

#endif /* DT_CONFIG_H */
