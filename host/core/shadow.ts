// Running the float64 reference on the fixed-point core's own trajectory.
//
// Spiking dynamics are chaotic: one spike that rounding moves by a step sends the two nets on
// different trajectories, after which their gradients are not comparable. To compare the trace
// arithmetic itself, the reference is stepped as usual and then its neuron states, outputs and
// pseudo-derivatives are overwritten with the core's (dequantised) ones, and its presynaptic
// vectors rebuilt from them, before its engine updates its traces. Both then integrate the same
// trajectory; what differs is only the fixed-point arithmetic of the traces and signals.
import type { Core } from './core.ts';
import { Q12 } from './config.ts';
import type { Network } from '../reference/network.ts';
import { layerInputs } from '../reference/network.ts';

export function copyCoreStateInto(core: Core, net: Network, x: ArrayLike<number>): void {
  const mem = new Int32Array(core.x.memory.buffer);
  const d = net.model.d;
  const beta = net.cfg.beta;
  for (let l = 0; l < net.L; l++) {
    const n = net.n[l];
    const v = core.x.layer_ptr(l, 2) >> 2;
    const o = core.x.layer_ptr(l, 3) >> 2;
    const psi = core.x.layer_ptr(l, 4) >> 2;
    const q = core.x.layer_ptr(l, 5) >> 2;
    for (let j = 0; j < n; j++) {
      net.o[l][j] = mem[o + j] / Q12;
      net.s[l][j * d] = mem[v + j] / Q12;
      net.g[l][j * d] = mem[psi + j] / Q12;
      if (d === 2) {
        net.s[l][j * d + 1] = mem[q + j] / Q12;
        net.g[l][j * d + 1] = (-beta * mem[psi + j]) / Q12;
      }
    }
    // p^l = [o^{l-1}_t ; o^l_{t-1} ; 1] from the overwritten outputs.
    const p = net.p[l];
    const nPre = layerInputs(net.cfg, l);
    const below = l === 0 ? x : net.o[l - 1];
    for (let i = 0; i < nPre; i++) p[i] = l === 0 ? Math.max(-8, Math.min(32767 / Q12, Math.round(below[i] * Q12) / Q12)) : below[i];
    if (net.cfg.recurrent[l]) p.set(net.oPrev[l], nPre);
  }
  const y = core.x.readout_ptr(5) >> 2;
  for (let k = 0; k < net.cfg.nOut; k++) net.y[k] = mem[y + k] / Q12;
}
