/* dt_app.h: the firmware's main loop, shared by every platform: dt_main.c (POSIX, MPS2) calls it
 * from main(), dt_arduino.cpp from setup() and loop(). */
#ifndef DT_APP_H
#define DT_APP_H

#ifdef __cplusplus
extern "C" {
#endif

/* HAL, session (core, self-test, restore), scheduler; announces HELLO. 0 or -1. */
int dt_app_setup(int argc, char **argv);
/* One pass: serial bytes in (waiting at most until the next control tick), the tick when due,
 * the watchdog. Returns 0 to go on, -1 when the link closed (POSIX). */
int dt_app_poll(void);

#ifdef __cplusplus
}
#endif

#endif /* DT_APP_H */
