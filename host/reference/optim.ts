// Optimisers for the reference learner, kept apart from the rule that computes the gradient
// (as NEST separates eprop_iaf from its optimiser). Both update params in place from a gradient.
import type { Gradient } from './gradient.ts';
import type { Params } from './network.ts';

export interface Optimizer {
  apply(params: Params, grad: Gradient): void;
}

/** The arrays that learn: every theta^l, then V and c (B is fixed feedback). */
function trainable(params: Params | Gradient): Float64Array[] {
  return [...params.theta, params.V, params.c];
}

export class Sgd implements Optimizer {
  constructor(readonly lr: number) {}
  apply(params: Params, grad: Gradient): void {
    const ps = trainable(params);
    const gs = trainable(grad);
    for (let a = 0; a < ps.length; a++) for (let i = 0; i < ps[a].length; i++) ps[a][i] -= this.lr * gs[a][i];
  }
}

/** Adam (Kingma and Ba 2015) with bias correction. */
export class Adam implements Optimizer {
  private m: Float64Array[] | null = null;
  private v: Float64Array[] | null = null;
  private k = 0;
  constructor(readonly lr: number, readonly beta1 = 0.9, readonly beta2 = 0.999, readonly eps = 1e-8) {}
  apply(params: Params, grad: Gradient): void {
    const ps = trainable(params);
    const gs = trainable(grad);
    this.m ??= ps.map((p) => new Float64Array(p.length));
    this.v ??= ps.map((p) => new Float64Array(p.length));
    this.k++;
    const c1 = 1 - this.beta1 ** this.k;
    const c2 = 1 - this.beta2 ** this.k;
    for (let a = 0; a < ps.length; a++) {
      const m = this.m[a], v = this.v[a], p = ps[a], g = gs[a];
      for (let i = 0; i < p.length; i++) {
        m[i] = this.beta1 * m[i] + (1 - this.beta1) * g[i];
        v[i] = this.beta2 * v[i] + (1 - this.beta2) * g[i] * g[i];
        p[i] -= (this.lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + this.eps);
      }
    }
  }
}

/** Floors and decay of RowRms (see there); the defaults are the core's (assembly/optim.ts). */
export interface RowRmsOptions {
  /** Decay of the second-moment estimates per step (default 32735 / 2^15 = 0.99899: about 1000 steps). */
  beta?: number;
  /** Floor of a hidden row's RMS gradient (default 1e-3). */
  hiddenFloor?: number;
  /** Floor of a readout column's RMS (default 1e-2). */
  readoutFloor?: number;
  /** Floor of an output row's relative RMS A_k (default 0.1). */
  outputFloor?: number;
}

/**
 * Online RMS-normalised steps that cost per row, not per synapse, so that the fixed-point core can
 * run the same rule (assembly/optim.ts, config optimizer 'row-rms'): an RMSprop whose second moments
 * are factored (Adafactor, Shazeer and Stern 2018) and refreshed round-robin. At step t (from 0):
 *   hidden theta^l (n rows x P): row j0 = t mod n samples the mean square of its gradient,
 *     r_j0 <- b_n r_j0 + (1 - b_n) mean_q g_j0q(t)^2, w_j0 <- b_n w_j0 + (1 - b_n), b_n = beta^n
 *     (one row per step, so each row's estimate has the time constant of an EMA refreshed every
 *     step; r_j / w_j is the bias-corrected mean of its samples). Every sampled row steps
 *     theta_jq -= lr g_jq / max(sqrt(r_j / w_j), f_h); a row not yet sampled does not step.
 *   readout [V | c] (nOut x (n_L + 1), the gradient err_k o_q with o = [obar, onebar], so c's
 *     gradient is column n_L): R_k <- beta R_k + (1 - beta) mean_q g_kq^2 and w_R likewise every
 *     step; column q0 = t mod (n_L + 1) samples C_q0 <- b C_q0 + (1 - b) mean_k g_kq0^2 (b =
 *     beta^(n_L + 1)) and w_Cq0; A_k = sqrt(R_k / (mean_k R_k w_R)), B_q = sqrt(C_q / w_Cq); the step
 *     is lr g_kq / (max(A_k, f_a) max(B_q, f_o)) (A_k B_q = sqrt(v_kq), Adafactor's factored second
 *     moment); a column not yet sampled does not step.
 * The step of every weight is about lr whatever the scale of its gradient (the normalisation), which
 * is what closes most of the gap between online SGD and offline Adam on the pattern task.
 */
export class RowRms implements Optimizer {
  private readonly beta: number;
  private readonly fh: number;
  private readonly fo: number;
  private readonly fa: number;
  private t = 0;
  private st: { r: Float64Array[]; w: Float64Array[]; R: Float64Array; C: Float64Array; wC: Float64Array; wR: number } | null = null;
  /** rows[l]: units of hidden layer l (theta^l has rows[l] rows). */
  constructor(readonly lr: number, private readonly rows: readonly number[], opts: RowRmsOptions = {}) {
    this.beta = opts.beta ?? 32735 / 32768;
    this.fh = opts.hiddenFloor ?? 1e-3;
    this.fo = opts.readoutFloor ?? 1e-2;
    this.fa = opts.outputFloor ?? 0.1;
    if (!(this.beta > 0 && this.beta < 1)) throw new Error(`beta must be in (0, 1), got ${this.beta}`);
    if (!(this.fh > 0) || !(this.fo > 0) || !(this.fa > 0)) throw new Error(`floors must be > 0, got ${this.fh}, ${this.fo} and ${this.fa}`);
  }

  apply(params: Params, grad: Gradient): void {
    const t = this.t++;
    const b = this.beta;
    const nOut = params.c.length, nL = params.V.length / nOut, cols = nL + 1;
    const st = (this.st ??= {
      r: params.theta.map((_, l) => new Float64Array(this.rows[l])),
      w: params.theta.map((_, l) => new Float64Array(this.rows[l])),
      R: new Float64Array(nOut), C: new Float64Array(cols), wC: new Float64Array(cols), wR: 0,
    });
    params.theta.forEach((th, l) => {
      const g = grad.theta[l], r = st.r[l], w = st.w[l];
      const n = this.rows[l], P = th.length / n;
      const j0 = t % n;
      const bn = b ** n;
      let m = 0;
      for (let q = 0; q < P; q++) m += g[j0 * P + q] ** 2;
      r[j0] = bn * r[j0] + (1 - bn) * (m / P);
      w[j0] = bn * w[j0] + (1 - bn);
      for (let j = 0; j < n; j++) {
        if (w[j] === 0) continue;
        const s = this.lr / Math.max(Math.sqrt(r[j] / w[j]), this.fh);
        for (let q = 0; q < P; q++) th[j * P + q] -= s * g[j * P + q];
      }
    });
    // The readout as one matrix [V | c]: element (k, q) of the gradient, q = nL is c's.
    const V = params.V, gV = grad.V;
    const gk = (k: number, q: number) => (q < nL ? gV[k * nL + q] : grad.c[k]);
    const { R, C, wC } = st;
    st.wR = b * st.wR + (1 - b);
    let meanR = 0;
    for (let k = 0; k < nOut; k++) {
      let m = 0;
      for (let q = 0; q < cols; q++) m += gk(k, q) ** 2;
      R[k] = b * R[k] + (1 - b) * (m / cols);
      meanR += R[k] / nOut;
    }
    const q0 = t % cols;
    const bc = b ** cols;
    let m = 0;
    for (let k = 0; k < nOut; k++) m += gk(k, q0) ** 2;
    C[q0] = bc * C[q0] + (1 - bc) * (m / nOut);
    wC[q0] = bc * wC[q0] + (1 - bc);
    for (let k = 0; k < nOut; k++) {
      const a = Math.max(meanR > 0 ? Math.sqrt(R[k] / (meanR * st.wR)) : 0, this.fa);
      for (let q = 0; q < cols; q++) {
        if (wC[q] === 0) continue;
        const s = this.lr / (a * Math.max(Math.sqrt(C[q] / wC[q]), this.fo));
        if (q < nL) V[k * nL + q] -= s * gV[k * nL + q];
        else params.c[k] -= s * grad.c[k];
      }
    }
  }
}
