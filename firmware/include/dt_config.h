/* dt_config.h: every build setting of the firmware, each with its default and why.
 *
 * Two layers, like wasm3's m3_config.h / m3_config_platforms.h: dt_config_boards.h sets per-board
 * values first (it is included at the top), then every setting left undefined gets the default
 * below. A -D flag on the compiler command line wins over both.
 */
#ifndef DT_CONFIG_H
#define DT_CONFIG_H

/* ---- the core backend ------------------------------------------------------------------------ */

/* Which implementation runs core.wasm: DT_BACKEND_AOT (wasm2c, compiled in, fastest, cannot take
 * a new core over the serial line) or DT_BACKEND_WASM3 (interpreter, ~8x slower than AOT on a
 * Cortex-M4, accepts CORE_UPLOAD). Boards default to WASM3 (the Arduino library); the Makefile
 * builds AOT. (Defined before the board settings, which may depend on the backend.) */
#define DT_BACKEND_AOT 1
#define DT_BACKEND_WASM3 2

#include "dt_config_boards.h"

#ifndef DT_BACKEND
#define DT_BACKEND DT_BACKEND_AOT
#endif

/* WASM3 only: interpreter stack in bytes. The core's deepest call chain is short (no recursion):
 * core 1.1 and 1.2 need 2 KiB (its self-test traps with a stack overflow at 2,000 B, measured under Wasm3
 * 0.5.0); 8 KiB leaves room for later cores. */
#ifndef DT_WASM3_STACK_BYTES
#define DT_WASM3_STACK_BYTES 8192
#endif

/* Bytes of the core's linear memory that RAM really backs (the core's memory_limit(), see
 * docs/core-abi.md): a multiple of 16, at most 65536 (the one page the module declares). dt_core.c
 * tells every core it opens, before init(), so the arena and the snapshot staging area end here.
 * What must fit: the core's static data (static_bytes(), 6,288 B for core 1.2), a 32-byte header,
 * the configured net's state (state_bytes()); and, for SNAPSHOT_PUT and the restore at boot, a
 * staging area of 32 + state bytes after it (the session loads a snapshot in one piece). A net that
 * does not fit is refused by CONFIGURE with E_TOO_LARGE, a snapshot that cannot be staged with
 * E_SNAPSHOT_TOTAL; nothing crashes. AOT: one static buffer of this size per core slot (in .bss)
 * instead of wasm2c's calloc of the whole page, with wasm2c's bounds checks at this size, so an
 * access past it traps. WASM3: M3Runtime.memoryLimit. (This replaces DT_WASM3_MEMORY_LIMIT.) */
#ifndef DT_CORE_MEMORY_BYTES
#define DT_CORE_MEMORY_BYTES 65536
#endif
#if (DT_CORE_MEMORY_BYTES) % 16 != 0 || (DT_CORE_MEMORY_BYTES) > 65536 || (DT_CORE_MEMORY_BYTES) < 4096
#error "DT_CORE_MEMORY_BYTES must be a multiple of 16 in [4096, 65536]"
#endif
#ifdef DT_WASM3_MEMORY_LIMIT
#error "DT_WASM3_MEMORY_LIMIT is now DT_CORE_MEMORY_BYTES (both backends)"
#endif

/* Accept a new core over CORE_UPLOAD_BEGIN/CHUNK/END. Needs a backend that can run an image given
 * at run time: on by default with WASM3, off with AOT (the device answers E_UNSUPPORTED). */
#ifndef DT_UPLOAD
#define DT_UPLOAD (DT_BACKEND == DT_BACKEND_WASM3)
#endif

/* With DT_UPLOAD: largest core image CORE_UPLOAD accepts (bytes); core.wasm is ~25 KB (core 1.3). The
 * image is not buffered in RAM: chunks go straight into the storage's candidate slot for the
 * "core" blob (dt_hal_store_begin/write), which must hold this much, and the interpreter runs the
 * image in place from there (see dt_hal.h and dt_session_upload.c). */
#ifndef DT_UPLOAD_MAX
#define DT_UPLOAD_MAX 32768
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

/* Largest snapshot the device persists (bytes): the storage must hold two of them (dt_store.c keeps
 * the newest save and the one before it, so a power cut mid-save loses nothing). Snapshots are
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
