// Wall-clock timing of a per-step function with process.hrtime.bigint: warm up, then time a few
// repeats of `steps` calls and keep the median.

export interface TimingOptions {
  /** Calls per timed repeat. */
  steps: number;
  repeats: number;
  /** Untimed calls first, so the JIT has compiled the hot paths. */
  warmup: number;
}

export const DEFAULT_TIMING: TimingOptions = { steps: 2000, repeats: 5, warmup: 500 };

export interface Timing {
  /** Median microseconds per call over the repeats. */
  median: number;
  /** Every repeat's microseconds per call, in run order. */
  repeats: number[];
}

export function median(xs: readonly number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Times `fn(t)` for t = 0, 1, 2, ... (t keeps counting across warm-up and repeats). */
export function timePerStep(fn: (t: number) => void, opts: TimingOptions = DEFAULT_TIMING): Timing {
  let t = 0;
  for (let i = 0; i < opts.warmup; i++) fn(t++);
  const repeats: number[] = [];
  for (let r = 0; r < opts.repeats; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < opts.steps; i++) fn(t++);
    const ns = Number(process.hrtime.bigint() - start);
    repeats.push(ns / opts.steps / 1000);
  }
  return { median: median(repeats), repeats };
}
