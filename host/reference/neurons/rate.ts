// Leaky rate unit in "v-form": the leak acts on the pre-activation, the nonlinearity on the way out.
//   u_t = a u_{t-1} + (1 - a) I_t,   I_t = W o^{l-1}_t + R tanh(u_{t-1}) + b
//   o_t = tanh(u_t),  g = [1 - o_t^2]
// Self block: a (the lateral term R has a zero diagonal, so no self path through the output).
import type { NetConfig } from '../config.ts';
import type { NeuronModel } from './model.ts';

export function rate(cfg: NetConfig): NeuronModel {
  const { a } = cfg;
  return {
    kind: 'rate',
    d: 1,
    e: [1 - a],
    leak: [a],
    uFull: [0],
    uStrict: [0],
    s0: [0],
    step(s, g, j, I) {
      const u = a * s[j] + (1 - a) * I;
      s[j] = u;
      const o = Math.tanh(u);
      g[j] = 1 - o * o;
      return o;
    },
  };
}
