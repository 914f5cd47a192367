// Tracking metrics: RMS error per phase, windowed RMS, time to recover after a change.

/** Times (s) of a run: end of the warm-up, the change (disturbance), the end. */
export interface Phases {
  /** Seconds: learning-only warm-up ends, the disturbance happens, the run ends. */
  warmup: number;
  change: number;
  end: number;
}

/** RMS of err[k] (k = sample index, dt seconds apart) for t in [from, to). */
export function rms(err: Float64Array, dt: number, from: number, to: number): number {
  const a = Math.max(0, Math.round(from / dt));
  const b = Math.min(err.length, Math.round(to / dt));
  if (b <= a) return NaN;
  let s = 0;
  for (let k = a; k < b; k++) s += err[k] * err[k];
  return Math.sqrt(s / (b - a));
}

/** Windowed RMS every `hop` seconds over `window` seconds (value at the window's end). */
export function windowedRms(err: Float64Array, dt: number, window: number, hop: number): { t: number; rms: number }[] {
  const out: { t: number; rms: number }[] = [];
  const T = err.length * dt;
  for (let t = window; t <= T + 1e-9; t += hop) out.push({ t, rms: rms(err, dt, t - window, t) });
  return out;
}

export const RECOVERY_FACTOR = 1.2;

/**
 * Seconds after the change until the RMS error over one reference period (`window` s, so the
 * periodic error of a controller cannot dip by luck) is back within 1.2x of the RMS over the two
 * periods before the change. The time is counted to the end of that window; null if it never
 * happens before the run ends.
 */
export function recoveryTime(err: Float64Array, dt: number, phases: Phases, window: number): number | null {
  const pre = rms(err, dt, Math.max(phases.warmup, phases.change - 2 * window), phases.change);
  const hop = 0.1;
  for (let t = phases.change + window; t <= phases.end + 1e-9; t += hop) {
    if (rms(err, dt, t - window, t) <= RECOVERY_FACTOR * pre) return t - phases.change;
  }
  return null;
}
