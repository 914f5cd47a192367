// Gradients have the shape of the parameters: one theta-shaped array per layer plus the readout.
// Also the measures gradcheck reports: cosine, norm ratio, sign agreement.
import type { Network, Params } from './network.ts';

export interface Gradient {
  theta: Float64Array[];
  V: Float64Array;
  c: Float64Array;
}

export function zeroGradient(net: Network): Gradient {
  return {
    theta: net.params.theta.map((t) => new Float64Array(t.length)),
    V: new Float64Array(net.params.V.length),
    c: new Float64Array(net.params.c.length),
  };
}

export function scaleGradient(g: Gradient, s: number): void {
  for (const t of g.theta) for (let i = 0; i < t.length; i++) t[i] *= s;
  for (let i = 0; i < g.V.length; i++) g.V[i] *= s;
  for (let i = 0; i < g.c.length; i++) g.c[i] *= s;
}

export function clearGradient(g: Gradient): void {
  for (const t of g.theta) t.fill(0);
  g.V.fill(0);
  g.c.fill(0);
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  if (aa === 0 && bb === 0) return 1;
  if (aa === 0 || bb === 0) return 0;
  return ab / Math.sqrt(aa * bb);
}

export function norm(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/** ||a|| / ||ref||; 1 when both are zero. */
export function normRatio(a: ArrayLike<number>, ref: ArrayLike<number>): number {
  const nr = norm(ref);
  const na = norm(a);
  if (nr === 0) return na === 0 ? 1 : Infinity;
  return na / nr;
}

/** Fraction of the entries where ref is non-zero whose sign a shares. 1 when ref is all zero. */
export function signAgreement(a: ArrayLike<number>, ref: ArrayLike<number>): number {
  let n = 0, same = 0;
  for (let i = 0; i < ref.length; i++) {
    if (ref[i] === 0) continue;
    n++;
    if (Math.sign(a[i]) === Math.sign(ref[i])) same++;
  }
  return n === 0 ? 1 : same / n;
}

/** The readout's exact gradient trace, shared by every forward-in-time engine: dy_t/dV = F_kappa(o^L), dy_t/dc = F_kappa(1). */
export class ReadoutTrace {
  private readonly oBar: Float64Array;
  private oneBar = 0;
  constructor(private readonly net: Network) {
    this.oBar = new Float64Array(net.n[net.L - 1]);
  }
  reset(): void {
    this.oBar.fill(0);
    this.oneBar = 0;
  }
  update(): void {
    const k = this.net.cfg.kappa;
    const oL = this.net.o[this.net.L - 1];
    for (let j = 0; j < this.oBar.length; j++) this.oBar[j] = k * this.oBar[j] + oL[j];
    this.oneBar = k * this.oneBar + 1;
  }
  accumulate(err: ArrayLike<number>, grad: Gradient): void {
    const nL = this.oBar.length;
    for (let k = 0; k < err.length; k++) {
      for (let j = 0; j < nL; j++) grad.V[k * nL + j] += err[k] * this.oBar[j];
      grad.c[k] += err[k] * this.oneBar;
    }
  }
}

export type { Params };
