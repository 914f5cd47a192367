// The shape every neuron model shares, so that the gradient engines never look at a model's kind.
//
// A neuron j of a layer has a state s_j of d components (d = 1, or 2 for ALIF: [v, q]) and one
// output o_j = g(s_j). Its input current is I_j = theta_j . p (p = [o^{l-1}_t ; o^l_{t-1} ; 1]).
// Linearised, one time step of the neuron is
//
//   ds_j,t / dI_j,t       = e                      (input coupling, constant)
//   do_j,t / ds_j,t       = g_j,t                  (d values, written by step())
//   ds_j,t / ds_j,t-1     = diag(leak) + u g_j,t-1^T   (the neuron's own d x d block)
//
// where u holds how the previous output feeds back into the neuron itself (the reset -thr z_{t-1},
// the adaptation q_t = rho q_{t-1} + z_{t-1}). `uFull` keeps every such path (with the reset path
// only when it is included); `uStrict` drops the reset path (Bellec's lambda = a).

import type { NetConfig } from '../config.ts';

export interface NeuronModel {
  readonly kind: 'lif' | 'alif' | 'rate';
  /** State components per neuron. */
  readonly d: number;
  /** ds/dI, d values. */
  readonly e: readonly number[];
  /** Diagonal of the self block, d values. */
  readonly leak: readonly number[];
  /** Self-feedback through the neuron's own previous output, with every path kept. */
  readonly uFull: readonly number[];
  /** The same with the reset path dropped (the "strict" e-prop leak). */
  readonly uStrict: readonly number[];
  /**
   * Advance neuron j one step: s[j*d .. j*d+d) is updated in place, g[j*d ..] receives do/ds.
   * oPrev is the neuron's own output at t-1. Returns o_j,t.
   */
  step(s: Float64Array, g: Float64Array, j: number, I: number, oPrev: number): number;
  /** Initial state of one neuron. */
  readonly s0: readonly number[];
}

export type ModelFactory = (cfg: NetConfig) => NeuronModel;

/** Triangular surrogate of the spike's derivative: (gamma/thr) max(0, 1 - |x|/thr), x = v - A. */
export function pseudoDerivative(x: number, thr: number, gamma: number): number {
  const r = 1 - Math.abs(x) / thr;
  return r > 0 ? (gamma / thr) * r : 0;
}
