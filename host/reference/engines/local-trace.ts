// The per-layer e-prop eligibility trace (Bellec et al. 2020), shared by eprop, deep-full and deep-fact.
//
//   eps^l_{jp,t} = A_j,t eps^l_{jp,t-1} + e p_p,t        (d components; A_j,t = diag(leak) + u g_j,t-1^T)
//   elig^l_{jp,t} = g_j,t . eps^l_{jp,t}                  (the eligibility e^l_{jp,t})
//
// With the strict leak the reset path is dropped from u (for LIF: eps = a eps + p, a filtered
// presynaptic trace, one value per input); with the diag leak the whole self block is used.
import type { LeakFlavour } from '../config.ts';
import type { Network } from '../network.ts';
import { applySelfBlock } from './engine.ts';

export class LocalTrace {
  readonly eps: Float64Array[];
  readonly elig: Float64Array[];
  private readonly u: readonly number[];

  constructor(private readonly net: Network, leak: LeakFlavour) {
    const d = net.model.d;
    this.eps = net.n.map((n, l) => new Float64Array(n * net.P[l] * d));
    this.elig = net.n.map((n, l) => new Float64Array(n * net.P[l]));
    this.u = leak === 'diag' ? net.model.uFull : net.model.uStrict;
  }

  get size(): number {
    return this.eps.reduce((s, e) => s + e.length, 0) + this.elig.reduce((s, e) => s + e.length, 0);
  }

  reset(): void {
    for (const e of this.eps) e.fill(0);
    for (const e of this.elig) e.fill(0);
  }

  update(): void {
    const { net } = this;
    const { d, leak, e } = net.model;
    // Read the imported function once: under tsx an imported binding is reached through a getter,
    // and calling through it per synapse kept V8 from inlining it (about 40% of a deep-fact step).
    const selfBlock = applySelfBlock;
    for (let l = 0; l < net.L; l++) {
      const P = net.P[l];
      const p = net.p[l];
      const g = net.g[l];
      const gPrev = net.gPrev[l];
      const eps = this.eps[l];
      const elig = this.elig[l];
      for (let j = 0; j < net.n[l]; j++) {
        for (let q = 0; q < P; q++) {
          const off = (j * P + q) * d;
          selfBlock(eps, off, d, leak, this.u, gPrev, j * d);
          let el = 0;
          for (let c = 0; c < d; c++) {
            eps[off + c] += e[c] * p[q];
            el += g[j * d + c] * eps[off + c];
          }
          elig[j * P + q] = el;
        }
      }
    }
  }
}
