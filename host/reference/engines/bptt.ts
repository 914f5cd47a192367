// Backpropagation through time with the same surrogate derivative: the exact gradient, our gold
// reference. Runs the sequence forward, recording what the backward pass needs, then walks back:
//
//   delta^y_t   = err_t + kappa delta^y_{t+1}
//   dE/do^l_j,t = [l = L] (V^T delta^y_t)_j + (W^{l+1 T} delta^{l+1}_t)_j + (R^{l T} delta^l_{t+1})_j
//   lambda^l_j,t = g_j,t dE/do^l_j,t + A_j,t+1^T lambda^l_j,t+1        (A the neuron's own block, all paths)
//   delta^l_j,t = e . lambda^l_j,t,   dE/dtheta^l_jp += delta^l_j,t p^l_p,t
import { zeroGradient, type Gradient } from '../gradient.ts';
import { layerInputs, type Network } from '../network.ts';

/** Gradient of E = 1/2 sum_t |y_t - target_t|^2 over the sequence, starting from a reset network. */
export function bpttGradient(net: Network, inputs: ArrayLike<number>[], targets: ArrayLike<number>[]): Gradient {
  const T = inputs.length;
  const { L, n, P, cfg } = net;
  const { d, leak, uFull, e } = net.model;
  const nOut = cfg.nOut;
  net.reset();
  const rec = { p: [] as Float64Array[][], g: [] as Float64Array[][], oL: [] as Float64Array[], err: [] as Float64Array[] };
  for (let t = 0; t < T; t++) {
    const y = net.step(inputs[t]);
    rec.p.push(net.p.map((x) => x.slice()));
    rec.g.push(net.g.map((x) => x.slice()));
    rec.oL.push(net.o[L - 1].slice());
    rec.err.push(Float64Array.from({ length: nOut }, (_, k) => y[k] - targets[t][k]));
  }
  const grad = zeroGradient(net);
  const { theta, V } = net.params;
  const nL = n[L - 1];
  const deltaY = new Float64Array(nOut);
  const lamNext = n.map((m) => new Float64Array(m * d)); // lambda_{t+1}
  const lam = n.map((m) => new Float64Array(m * d));
  const deltaNext = n.map((m) => new Float64Array(m)); // delta_{t+1}
  const delta = n.map((m) => new Float64Array(m));
  const dEdo = n.map((m) => new Float64Array(m));
  for (let t = T - 1; t >= 0; t--) {
    for (let k = 0; k < nOut; k++) deltaY[k] = rec.err[t][k] + cfg.kappa * deltaY[k];
    for (let k = 0; k < nOut; k++) {
      for (let j = 0; j < nL; j++) grad.V[k * nL + j] += deltaY[k] * rec.oL[t][j];
      grad.c[k] += deltaY[k];
    }
    for (let l = L - 1; l >= 0; l--) {
      const out = dEdo[l];
      out.fill(0);
      if (l === L - 1) for (let k = 0; k < nOut; k++) for (let j = 0; j < nL; j++) out[j] += V[k * nL + j] * deltaY[k];
      if (l < L - 1) {
        const Pu = P[l + 1];
        for (let m = 0; m < n[l + 1]; m++) for (let j = 0; j < n[l]; j++) out[j] += theta[l + 1][m * Pu + j] * delta[l + 1][m];
      }
      if (cfg.recurrent[l]) {
        const off = layerInputs(cfg, l);
        for (let m = 0; m < n[l]; m++) for (let j = 0; j < n[l]; j++) out[j] += theta[l][m * P[l] + off + j] * deltaNext[l][m];
      }
      const g = rec.g[t][l];
      for (let j = 0; j < n[l]; j++) {
        // A_{t+1}^T x = leak o x + g_t (u . x): the block from t to t+1 uses g at t
        let ux = 0;
        for (let c = 0; c < d; c++) ux += uFull[c] * lamNext[l][j * d + c];
        let dl = 0;
        for (let c = 0; c < d; c++) {
          const v = g[j * d + c] * out[j] + leak[c] * lamNext[l][j * d + c] + g[j * d + c] * ux;
          lam[l][j * d + c] = v;
          dl += e[c] * v;
        }
        delta[l][j] = dl;
      }
      const p = rec.p[t][l];
      const gr = grad.theta[l];
      for (let j = 0; j < n[l]; j++) {
        const dj = delta[l][j];
        if (dj === 0) continue;
        for (let q = 0; q < P[l]; q++) gr[j * P[l] + q] += dj * p[q];
      }
    }
    for (let l = 0; l < L; l++) {
      lamNext[l].set(lam[l]);
      deltaNext[l].set(delta[l]);
    }
  }
  return grad;
}
