// One feedback-error-learning step on the core's raw exports, all in Q12 network-output units:
// x -> step() -> y; if learning, err = -u_pd -> learn(); u = u_pd + y clipped to +-8.0.
// The same maths as sims/loop/controllers.ts networkController, done the way firmware does it.
import type { Core } from '../core/core.ts';

export const U_LIMIT = 32767;
const I32_MAX = 0x7fffffff;
const I32_MIN = -0x80000000;

export interface FelStep {
  /** Actuator command u (Q12). */
  u: number[];
  /** Network output y and PD command u_pd (Q12). */
  y: number[];
  uPd: number[];
  clipped: boolean;
  /** sum u_pd^2 in Q12, saturated to i32. */
  loss: number;
}

const sat = (v: number) => Math.max(I32_MIN, Math.min(I32_MAX, v));

/** `values` = nIn features then nOut PD commands. Returns a negative core status on failure. */
export function felStep(core: Core, values: readonly number[], nIn: number, nOut: number, learning: boolean): FelStep | number {
  const x = core.x;
  let mem = new Int32Array(x.memory.buffer);
  const ip = x.input_ptr() >> 2;
  for (let i = 0; i < nIn; i++) mem[ip + i] = values[i];
  const s = x.step();
  if (s < 0) return s;
  mem = new Int32Array(x.memory.buffer);
  const op = x.output_ptr() >> 2;
  const y = Array.from(mem.subarray(op, op + nOut));
  const uPd = values.slice(nIn, nIn + nOut);
  if (learning) {
    const ep = x.error_ptr() >> 2;
    for (let k = 0; k < nOut; k++) mem[ep + k] = sat(-uPd[k]);
    const l = x.learn();
    if (l < 0) return l;
  }
  let clipped = false;
  const u = uPd.map((p, k) => {
    const v = p + y[k];
    if (v > U_LIMIT || v < -U_LIMIT) clipped = true;
    return Math.max(-U_LIMIT, Math.min(U_LIMIT, v));
  });
  const loss = Math.min(I32_MAX, Math.round(uPd.reduce((a, p) => a + (p * p) / 4096, 0)));
  return { u, y, uPd, clipped, loss };
}
