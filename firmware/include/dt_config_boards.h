/* dt_config_boards.h: per-board overrides of dt_config.h, picked by the compiler's predefined
 * macros or by a -DDT_BOARD_* flag (platformio.ini and the Makefile set one). Only what differs from
 * the defaults is here. */
#ifndef DT_CONFIG_BOARDS_H
#define DT_CONFIG_BOARDS_H

#if defined(DT_BOARD_ESP32) || defined(ARDUINO_ARCH_ESP32)
/* 320 KiB of DRAM: the interpreter, two core images and a full page are no problem. */
#  ifndef DT_BACKEND
#    define DT_BACKEND DT_BACKEND_WASM3
#  endif
#  define DT_DEVICE_NAME "deeptrace-esp32"
#  define DT_WASM3_STACK_BYTES 16384

#elif defined(DT_BOARD_RP2040) || defined(ARDUINO_ARCH_RP2040)
/* 264 KiB of SRAM. */
#  ifndef DT_BACKEND
#    define DT_BACKEND DT_BACKEND_WASM3
#  endif
#  define DT_DEVICE_NAME "deeptrace-rp2040"

#elif defined(DT_BOARD_SAMD51) || defined(__SAMD51__)
/* Adafruit Feather M4 Express (SAMD51J19, Cortex-M4F 120 MHz, 192 KiB SRAM, 512 KiB flash): the
 * page (64 KiB), the interpreter and two images fit with ~70 KiB to spare. */
#  ifndef DT_BACKEND
#    define DT_BACKEND DT_BACKEND_WASM3
#  endif
#  define DT_DEVICE_NAME "deeptrace-samd51"
#  define DT_SNAPSHOT_MAX 24576

#elif defined(DT_BOARD_MPS2)
/* QEMU mps2-an386 (Cortex-M4, 4 MiB SRAM), bare metal, AOT core. Its control loop has no plant:
 * the host drives it with SENSOR_FRAMEs. */
#  define DT_DEVICE_NAME "deeptrace-mps2"
#  define DT_PERSIST 0 /* no persistent storage on the emulated board */

#elif defined(DT_BOARD_POSIX)
/* Linux, talking over a pty; persistence to the file given with --store. */
#  define DT_DEVICE_NAME "deeptrace-posix"

#endif

#endif /* DT_CONFIG_BOARDS_H */
