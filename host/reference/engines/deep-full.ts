// Deep e-prop with full cross-depth traces (the paper's recursion). For a parameter of layer l:
//
//   E^{l+1,l}_t[m,(j,p)] = A^{l+1}_m E^{l+1,l}_{t-1}[m,(j,p)] + e W^{l+1}_mj elig^l_jp,t     (first hop, D eps)
//   E^{k,l}_t            = A^k E^{k,l}_{t-1} + e W^k (g^{k-1}_t . E^{k-1,l}_t)               (k > l+1)
//   N^l_t                = kappa N^l_{t-1} + F^T (g^L_t . E^{L,l}_t)        (F^T = V, or B^T with random feedback)
//   g^l                  = sum_t err_t^T N^l_t
//
// A^k is the e-prop stand-in for the within-layer Jacobian: each neuron's own block (leak flavour
// strict or diag), no lateral terms. With lateral recurrence off and the diag leak this is RTRL,
// exactly. Memory O(n_k n_l P_l) per layer pair: only for small layers.
import type { EngineOptions } from '../config.ts';
import { ReadoutTrace, type Gradient } from '../gradient.ts';
import type { Network } from '../network.ts';
import { addOutputTraceGradient, type OnlineEngine } from './engine.ts';
import { LocalTrace } from './local-trace.ts';
import { Sensitivity } from './sensitivity.ts';

export class DeepFull implements OnlineEngine {
  readonly name = 'deep-full' as const;
  private readonly local: LocalTrace;
  private readonly readout: ReadoutTrace;
  private readonly u: readonly number[];
  private readonly symmetric: boolean;
  /** E[l][k - l - 1] = E^{k,l} for k > l. */
  private readonly E: Sensitivity[][];
  /** N[l]: nOut x cols_l readout traces. */
  private readonly N: Float64Array[];
  private readonly h: Float64Array[];

  constructor(private readonly net: Network, opts: EngineOptions) {
    this.local = new LocalTrace(net, opts.leak);
    this.readout = new ReadoutTrace(net);
    this.u = opts.leak === 'diag' ? net.model.uFull : net.model.uStrict;
    this.symmetric = opts.feedback === 'symmetric';
    const d = net.model.d;
    const cols = net.n.map((n, l) => n * net.P[l]);
    this.E = net.n.map((_, l) => net.n.slice(l + 1).map((nk) => new Sensitivity(nk, cols[l], d)));
    this.N = cols.map((c) => new Float64Array(net.cfg.nOut * c));
    const maxCols = Math.max(...cols);
    this.h = net.n.map((n) => new Float64Array(n * maxCols));
  }

  get traceSize(): number {
    return this.local.size + this.E.flat().reduce((s, e) => s + e.data.length, 0) + this.N.reduce((s, e) => s + e.length, 0);
  }

  reset(): void {
    this.local.reset();
    this.readout.reset();
    for (const e of this.E.flat()) e.data.fill(0);
    for (const n of this.N) n.fill(0);
  }

  update(): void {
    this.local.update();
    this.readout.update();
    const { net } = this;
    const { leak, e } = net.model;
    const top = net.L - 1;
    for (let l = 0; l < net.L; l++) {
      const P = net.P[l];
      const cols = net.n[l] * P;
      const elig = this.local.elig[l];
      for (let k = l + 1; k < net.L; k++) {
        const Ek = this.E[l][k - l - 1];
        Ek.applySelf(leak, this.u, net.gPrev[k]);
        const th = net.params.theta[k];
        if (k === l + 1) {
          // D^{l+1} eps^l: only source unit j feeds columns (j, p).
          const h = this.h[l];
          h.fill(0, 0, net.n[l] * cols);
          for (let j = 0; j < net.n[l]; j++) for (let q = 0; q < P; q++) h[j * cols + j * P + q] = elig[j * P + q];
          Ek.addCoupled(e, th, net.P[k], 0, net.n[l], h);
        } else {
          const hBelow = this.E[l][k - l - 2].project(net.g[k - 1], this.h[k - 1]);
          Ek.addCoupled(e, th, net.P[k], 0, net.n[k - 1], hBelow);
        }
      }
      // Readout trace N^l.
      const N = this.N[l];
      const nOut = net.cfg.nOut;
      const nL = net.n[top];
      const kappa = net.cfg.kappa;
      for (let i = 0; i < N.length; i++) N[i] *= kappa;
      const { V, B } = net.params;
      const F = (kOut: number, m: number) => (this.symmetric ? V[kOut * nL + m] : B[m * nOut + kOut]);
      if (l === top) {
        for (let kOut = 0; kOut < nOut; kOut++) {
          for (let j = 0; j < nL; j++) {
            const f = F(kOut, j);
            for (let q = 0; q < P; q++) N[kOut * cols + j * P + q] += f * elig[j * P + q];
          }
        }
      } else {
        const hL = this.E[l][top - l - 1].project(net.g[top], this.h[top]);
        for (let kOut = 0; kOut < nOut; kOut++) {
          for (let m = 0; m < nL; m++) {
            const f = F(kOut, m);
            if (f === 0) continue;
            for (let col = 0; col < cols; col++) N[kOut * cols + col] += f * hL[m * cols + col];
          }
        }
      }
    }
  }

  accumulate(err: ArrayLike<number>, grad: Gradient): void {
    this.readout.accumulate(err, grad);
    addOutputTraceGradient(this.N, err, grad);
  }
}
