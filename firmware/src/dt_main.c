/* dt_main.c: entry point of the POSIX and bare-metal builds (Arduino has dt_arduino.cpp). */
#include "dt_app.h"

int main(int argc, char **argv)
{
    if (dt_app_setup(argc, argv) != 0) return 1;
    while (dt_app_poll() == 0) {
    }
    return 0;
}
