// Learning signals for eprop and deep-fact: what each hidden unit is told about the output error
// at the same time step.
//
//   top layer:     L^L_j = sum_k F_jk err_k,   F = V^T (symmetric) or B (fixed random)
//   layer below:   L^{l-1}_i = sum_m W^l_mi (e . g^l_m,t) L^l_m     (same-time spatial backprop)
import type { Feedback } from '../config.ts';
import type { Network } from '../network.ts';
import { layerInputs } from '../network.ts';

export class LearningSignal {
  readonly L: Float64Array[];
  constructor(private readonly net: Network, private readonly feedback: Feedback) {
    this.L = net.n.map((n) => new Float64Array(n));
  }

  compute(err: ArrayLike<number>): Float64Array[] {
    const { net } = this;
    const top = net.L - 1;
    const nL = net.n[top];
    const nOut = net.cfg.nOut;
    const { V, B } = net.params;
    const sym = this.feedback === 'symmetric';
    for (let j = 0; j < nL; j++) {
      let s = 0;
      for (let k = 0; k < nOut; k++) s += (sym ? V[k * nL + j] : B[j * nOut + k]) * err[k];
      this.L[top][j] = s;
    }
    const { d, e } = net.model;
    for (let l = top; l > 0; l--) {
      const below = this.L[l - 1];
      below.fill(0);
      const P = net.P[l];
      const th = net.params.theta[l];
      const g = net.g[l];
      const nPre = layerInputs(net.cfg, l);
      for (let m = 0; m < net.n[l]; m++) {
        let eg = 0;
        for (let c = 0; c < d; c++) eg += e[c] * g[m * d + c];
        const sm = eg * this.L[l][m];
        if (sm === 0) continue;
        for (let i = 0; i < nPre; i++) below[i] += th[m * P + i] * sm;
      }
    }
    return this.L;
  }
}
