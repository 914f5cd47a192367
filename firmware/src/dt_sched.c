/* dt_sched.c: fixed-rate scheduler (see dt_sched.h). */
#include "dt_sched.h"

void dt_sched_init(dt_sched *s, uint32_t hz, uint32_t now_us)
{
    s->period_us = hz ? 1000000u / hz : 1000000u;
    s->next_us = now_us;
    s->ticks = 0;
    s->overruns = 0;
}

int dt_sched_due(dt_sched *s, uint32_t now_us)
{
    int32_t late = (int32_t)(now_us - s->next_us);
    if (late < 0) return 0;
    uint32_t missed = (uint32_t)late / s->period_us; /* whole periods beyond this tick */
    s->overruns += missed;
    s->next_us += (missed + 1) * s->period_us;
    s->ticks++;
    return 1;
}

uint32_t dt_sched_wait_us(const dt_sched *s, uint32_t now_us)
{
    int32_t d = (int32_t)(s->next_us - now_us);
    return d > 0 ? (uint32_t)d : 0;
}
