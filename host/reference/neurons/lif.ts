// Leaky integrate-and-fire neuron (soft reset by subtraction).
//   v_t = a v_{t-1} + I_t - thr z_{t-1}
//   z_t = H(v_t - thr)
//   psi_t = (gamma/thr) max(0, 1 - |v_t - thr| / thr)
// State [v], output z, g = [psi]; self block a - thr psi_{t-1} when the reset path is included.
import type { NetConfig } from '../config.ts';
import { pseudoDerivative, type NeuronModel } from './model.ts';

export function lif(cfg: NetConfig): NeuronModel {
  const { a, thr, gamma } = cfg;
  const reset = cfg.resetGrad === 'included' ? -thr : 0;
  return {
    kind: 'lif',
    d: 1,
    e: [1],
    leak: [a],
    uFull: [reset],
    uStrict: [0],
    s0: [0],
    step(s, g, j, I, oPrev) {
      const v = a * s[j] + I - thr * oPrev;
      s[j] = v;
      g[j] = pseudoDerivative(v - thr, thr, gamma);
      return v >= thr ? 1 : 0;
    },
  };
}
