// Real-time recurrent learning: exact forward-mode gradients with the full Jacobians.
//
//   M^{l,l}_t = J^l_t M^{l,l}_{t-1} + I^l_t
//   M^{k,l}_t = J^k_t M^{k,l}_{t-1} + D^k_t M^{k-1,l}_t        (k > l)
//   J^k_t = blockdiag(A_j,t) + e R^k G^k_{t-1}     (the neuron's own block plus lateral recurrence)
//   D^k_t = e W^k G^{k-1}_t,   I^l_t[(j,c),(j,p)] = e_c p_p
//   Y^l_t = kappa Y^l_{t-1} + V G^L_t M^{L,l}_t,  g^l = sum_t err_t^T Y^l_t
//
// Equal to bptt up to rounding; memory O(n_k n_l P_l) per pair. Small nets only.
import { ReadoutTrace, type Gradient } from '../gradient.ts';
import { layerInputs, type Network } from '../network.ts';
import { addOutputTraceGradient, type OnlineEngine } from './engine.ts';
import { Sensitivity } from './sensitivity.ts';

export class Rtrl implements OnlineEngine {
  readonly name = 'rtrl' as const;
  private readonly readout: ReadoutTrace;
  /** M[l][k - l] = M^{k,l} for k >= l. */
  private readonly M: Sensitivity[][];
  private readonly Y: Float64Array[];
  private readonly hPrev: Float64Array;
  private readonly h: Float64Array;

  constructor(private readonly net: Network) {
    this.readout = new ReadoutTrace(net);
    const d = net.model.d;
    const cols = net.n.map((n, l) => n * net.P[l]);
    this.M = net.n.map((_, l) => net.n.slice(l).map((nk) => new Sensitivity(nk, cols[l], d)));
    this.Y = cols.map((c) => new Float64Array(net.cfg.nOut * c));
    const maxSize = Math.max(...net.n) * Math.max(...cols);
    this.hPrev = new Float64Array(maxSize);
    this.h = new Float64Array(maxSize);
  }

  get traceSize(): number {
    return this.M.flat().reduce((s, m) => s + m.data.length, 0) + this.Y.reduce((s, y) => s + y.length, 0);
  }

  reset(): void {
    this.readout.reset();
    for (const m of this.M.flat()) m.data.fill(0);
    for (const y of this.Y) y.fill(0);
  }

  update(): void {
    this.readout.update();
    const { net } = this;
    const { leak, uFull, e, d } = net.model;
    const top = net.L - 1;
    for (let l = 0; l < net.L; l++) {
      const P = net.P[l];
      const cols = net.n[l] * P;
      for (let k = l; k < net.L; k++) {
        const Mk = this.M[l][k - l];
        const th = net.params.theta[k];
        const Pk = net.P[k];
        const rec = net.cfg.recurrent[k];
        if (rec) Mk.project(net.gPrev[k], this.hPrev);
        Mk.applySelf(leak, uFull, net.gPrev[k]);
        if (rec) Mk.addCoupled(e, th, Pk, layerInputs(net.cfg, k), net.n[k], this.hPrev);
        if (k === l) {
          const p = net.p[l];
          for (let j = 0; j < net.n[l]; j++) {
            for (let q = 0; q < P; q++) for (let c = 0; c < d; c++) Mk.data[(j * cols + j * P + q) * d + c] += e[c] * p[q];
          }
        } else {
          const hBelow = this.M[l][k - l - 1].project(net.g[k - 1], this.h);
          Mk.addCoupled(e, th, Pk, 0, net.n[k - 1], hBelow);
        }
      }
      const hL = this.M[l][top - l].project(net.g[top], this.h);
      const Y = this.Y[l];
      const nL = net.n[top];
      const { V } = net.params;
      for (let i = 0; i < Y.length; i++) Y[i] *= net.cfg.kappa;
      for (let kOut = 0; kOut < net.cfg.nOut; kOut++) {
        for (let m = 0; m < nL; m++) {
          const v = V[kOut * nL + m];
          if (v === 0) continue;
          for (let col = 0; col < cols; col++) Y[kOut * cols + col] += v * hL[m * cols + col];
        }
      }
    }
  }

  accumulate(err: ArrayLike<number>, grad: Gradient): void {
    this.readout.accumulate(err, grad);
    addOutputTraceGradient(this.Y, err, grad);
  }
}
