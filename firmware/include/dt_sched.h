/* dt_sched.h: the fixed-rate control-loop scheduler. Ticks are due every period on a fixed grid
 * (next = start + k * period), so jitter does not accumulate; when the loop falls more than one
 * period behind, the missed ticks are counted as overruns and skipped instead of bursting. All
 * times are wrapping microseconds (compared by signed difference). */
#ifndef DT_SCHED_H
#define DT_SCHED_H

#include <stdint.h>

typedef struct dt_sched {
    uint32_t period_us;
    uint32_t next_us;  /* when the next tick is due */
    uint32_t ticks;    /* ticks run */
    uint32_t overruns; /* ticks skipped because the loop was late */
} dt_sched;

void dt_sched_init(dt_sched *s, uint32_t hz, uint32_t now_us);
/* 1 when a tick is due now (and books it), else 0. */
int dt_sched_due(dt_sched *s, uint32_t now_us);
/* Microseconds until the next tick (0 when due). */
uint32_t dt_sched_wait_us(const dt_sched *s, uint32_t now_us);

#endif /* DT_SCHED_H */
