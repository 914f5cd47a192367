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
