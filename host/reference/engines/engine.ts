// What every forward-in-time gradient engine looks like, and the small pieces they share.
import type { Gradient } from '../gradient.ts';

export type EngineName = 'bptt' | 'rtrl' | 'eprop' | 'deep-full' | 'deep-fact';
export const ENGINE_NAMES: readonly EngineName[] = ['bptt', 'rtrl', 'eprop', 'deep-full', 'deep-fact'];
export type OnlineEngineName = Exclude<EngineName, 'bptt'>;

/**
 * A forward-in-time engine keeps traces next to the network. After every net.step() call update();
 * then accumulate(err) adds this step's gradient estimate for the error err_t = dE/dy_t (for MSE,
 * y_t - y*_t). Summed over a sequence with fixed weights it is the engine's gradient of
 * E = 1/2 sum_t |y_t - y*_t|^2.
 */
export interface OnlineEngine {
  readonly name: OnlineEngineName;
  reset(): void;
  update(): void;
  accumulate(err: ArrayLike<number>, grad: Gradient): void;
  /** Float64 values of trace state this engine keeps (for memory reports). */
  readonly traceSize: number;
}

/**
 * x <- A x for one neuron's self block A = diag(leak) + u gPrev^T, where x is d consecutive values at
 * xOff and gPrev is the neuron's do/ds at t-1 (d values at gOff).
 */
export function applySelfBlock(
  x: Float64Array, xOff: number, d: number,
  leak: readonly number[], u: readonly number[], gPrev: Float64Array, gOff: number,
): void {
  if (d === 1) {
    x[xOff] *= leak[0] + u[0] * gPrev[gOff];
    return;
  }
  let dot = 0;
  for (let c = 0; c < d; c++) dot += gPrev[gOff + c] * x[xOff + c];
  for (let c = 0; c < d; c++) x[xOff + c] = leak[c] * x[xOff + c] + u[c] * dot;
}

/**
 * grad^l[col] += sum_k err_k T^l[k, col] for every layer: the last step of rtrl (T = Y) and deep-full
 * (T = N), whose per-layer traces hold d y_t / d theta^l (exactly, or deep-full's estimate).
 */
export function addOutputTraceGradient(traces: Float64Array[], err: ArrayLike<number>, grad: Gradient): void {
  traces.forEach((T, l) => {
    const gr = grad.theta[l];
    const cols = gr.length;
    for (let k = 0; k < err.length; k++) {
      const ek = err[k];
      if (ek === 0) continue;
      for (let col = 0; col < cols; col++) gr[col] += ek * T[k * cols + col];
    }
  });
}
