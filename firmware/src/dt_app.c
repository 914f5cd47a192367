/* dt_app.c: setup and one pass of the main loop (see dt_app.h). */
#include <stdio.h>
#include "dt_config.h"
#include "dt_app.h"
#include "dt_hal.h"
#include "dt_sched.h"
#include "dt_session.h"

static dt_sched sched;
static int local;

int dt_app_setup(int argc, char **argv)
{
    char line[64];
    if (dt_hal_init(argc, argv) != 0) return -1;
    local = dt_hal_local_loop();
    if (dt_session_init(local) != 0) {
        dt_hal_log("boot: no core could be started");
        return -1;
    }
    snprintf(line, sizeof line, "self-test 0x%08lx", (unsigned long)dt_session_checksum());
    dt_hal_log(line);
    dt_sched_init(&sched, DT_LOOP_HZ, dt_hal_micros());
    dt_session_announce();
    return 0;
}

int dt_app_poll(void)
{
    uint8_t buf[256];
    uint32_t wait = local ? dt_sched_wait_us(&sched, dt_hal_micros()) : 1000; /* 1 ms: watchdog resolution */
    int n = dt_hal_read(buf, sizeof buf, wait);
    if (n < 0) return -1;
    if (n > 0) dt_session_rx(buf, (uint32_t)n);
    if (local && dt_sched_due(&sched, dt_hal_micros())) dt_session_tick();
    dt_session_poll(dt_hal_millis());
    return 0;
}
