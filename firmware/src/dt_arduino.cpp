/* dt_arduino.cpp: the Arduino entry points (PlatformIO builds; untested here). The same main
 * loop as the POSIX and bare-metal builds (dt_app.c). */
#include <Arduino.h>
#include "dt_app.h"

static bool running;

void setup() { running = dt_app_setup(0, nullptr) == 0; }

void loop()
{
    if (running) dt_app_poll();
}
