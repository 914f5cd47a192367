/* dt_config_boards.h: per-board overrides of dt_config.h, picked by the compiler's predefined
 * macros or by a -DDT_BOARD_* flag (platformio.ini and the Makefile set one). Only what differs from
 * the defaults is here. */
#ifndef DT_CONFIG_BOARDS_H
#define DT_CONFIG_BOARDS_H

#if defined(DT_BOARD_ESP32) || defined(ARDUINO_ARCH_ESP32)
/* 320 KiB of DRAM: the interpreter and a full page of linear memory are no problem. */
#  ifndef DT_BACKEND
#    define DT_BACKEND DT_BACKEND_WASM3
#  endif
#  define DT_DEVICE_NAME "deeptrace-esp32"
#  ifndef DT_CORE_MEMORY_BYTES
#    define DT_CORE_MEMORY_BYTES 65536 /* the whole page: any net the core accepts */
#  endif
#  define DT_WASM3_STACK_BYTES 16384

#elif defined(DT_BOARD_RP2040) || defined(ARDUINO_ARCH_RP2040)
/* 264 KiB of SRAM. */
#  ifndef DT_BACKEND
#    define DT_BACKEND DT_BACKEND_WASM3
#  endif
#  define DT_DEVICE_NAME "deeptrace-rp2040"
#  ifndef DT_CORE_MEMORY_BYTES
#    define DT_CORE_MEMORY_BYTES 65536 /* the whole page */
#  endif

#elif defined(DT_BOARD_SAMD51) || defined(__SAMD51__)
/* Adafruit Feather M4 Express (SAMD51J19, Cortex-M4F 120 MHz, 192 KiB SRAM, 512 KiB flash): the
 * page (64 KiB) and the interpreter fit with room to spare; uploaded images live in flash. */
#  ifndef DT_BACKEND
#    define DT_BACKEND DT_BACKEND_WASM3
#  endif
#  define DT_DEVICE_NAME "deeptrace-samd51"
#  ifndef DT_CORE_MEMORY_BYTES
#    define DT_CORE_MEMORY_BYTES 65536 /* the whole page */
#  endif
#  define DT_SNAPSHOT_MAX 24576

#elif defined(DT_BOARD_MPS2)
/* QEMU mps2-an386 (Cortex-M4, 4 MiB SRAM), bare metal, AOT core by default. Its control loop has no
 * plant: the host drives it with SENSOR_FRAMEs. */
#  define DT_DEVICE_NAME "deeptrace-mps2"
#  define DT_PERSIST 0 /* no persistent storage on the emulated board */
#  if defined(DT_BACKEND) && DT_BACKEND == DT_BACKEND_WASM3
/* The WASM3 build of this board (built outside this repository: README.md "WASM3 for real"),
 * within the 96 KiB budget of issue 10 for static + heap + core memory. Wasm3 keeps the compiled
 * code of every function it has run on the heap (about 3 B per byte of wasm; the self-test runs
 * each phase in a runtime of its own, src/dt_core_wasm3.c, so the running one holds only the
 * mcu-ref path), so the linear memory is exactly what the mcu-ref net needs: memory_used() of
 * mcu-ref, 26,080 B with core 1.4 (static data 6,912 + header 32 + state 19,136; `npm run bench`
 * table 2; test/firmware/boards.test.ts keeps it equal), with no staging area (SNAPSHOT_PUT answers E_SNAPSHOT_TOTAL; a larger net
 * E_TOO_LARGE). The interpreter stack is 2.5 KiB (core 1.1 trapped at 2,000 B). Recompute both for
 * another core or net. */
#    ifndef DT_CORE_MEMORY_BYTES
#      define DT_CORE_MEMORY_BYTES 26080
#    endif
#    ifndef DT_WASM3_STACK_BYTES
#      define DT_WASM3_STACK_BYTES 2560
#    endif
#  else
/* The RAM budget of a small Cortex-M4 part: static + heap + core memory <= 48 KiB for the mcu-ref
 * net (8 in, 2x32 recurrent LIF, 2 out, deep-fact). 40 KiB of linear memory hold the core's static
 * data (6,288 B for core 1.2), the 32-byte header and a state of up to 17,304 B with a staging area
 * beside it for SNAPSHOT_PUT (32 + state), or a state of up to 34,640 B without one (mcu-ref's is
 * 19,008 B: its SNAPSHOT_PUT streams through the free memory twice, verify then apply). */
#    ifndef DT_CORE_MEMORY_BYTES
#      define DT_CORE_MEMORY_BYTES 40960
#    endif
#  endif

#elif defined(DT_BOARD_POSIX)
/* Linux, talking over a pty; persistence to the file given with --store. */
#  define DT_DEVICE_NAME "deeptrace-posix"
#  ifndef DT_CORE_MEMORY_BYTES
#    define DT_CORE_MEMORY_BYTES 65536 /* the whole page: the tests stage the arm2 net's snapshot */
#  endif

#endif

#endif /* DT_CONFIG_BOARDS_H */
