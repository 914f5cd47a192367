// Adaptive LIF neuron (Bellec et al. 2020): a LIF whose threshold rises after each spike.
//   q_t = rho q_{t-1} + z_{t-1}
//   A_t = thr + beta q_t
//   v_t = a v_{t-1} + I_t - thr z_{t-1}
//   z_t = H(v_t - A_t)
//   psi_t = (gamma/thr) max(0, 1 - |v_t - A_t| / thr)
// State [v, q], output z, g = [psi, -beta psi] (dz/dv, dz/dq).
// Self block [[a - thr psi', thr beta psi'], [psi', rho - beta psi']] (psi' = psi_{t-1}; the thr
// terms only with the reset path included) = diag(a, rho) + u g_{t-1}^T with u = [-thr, 1].
import type { NetConfig } from '../config.ts';
import { pseudoDerivative, type NeuronModel } from './model.ts';

export function alif(cfg: NetConfig): NeuronModel {
  const { a, thr, gamma, beta, rho } = cfg;
  const reset = cfg.resetGrad === 'included' ? -thr : 0;
  return {
    kind: 'alif',
    d: 2,
    e: [1, 0],
    leak: [a, rho],
    uFull: [reset, 1],
    uStrict: [0, 1],
    s0: [0, 0],
    step(s, g, j, I, oPrev) {
      const q = rho * s[2 * j + 1] + oPrev;
      const v = a * s[2 * j] + I - thr * oPrev;
      const A = thr + beta * q;
      s[2 * j] = v;
      s[2 * j + 1] = q;
      const psi = pseudoDerivative(v - A, thr, gamma);
      g[2 * j] = psi;
      g[2 * j + 1] = -beta * psi;
      return v >= A ? 1 : 0;
    },
  };
}
