// Dense sensitivity matrices for rtrl and deep-full: S[i, col, c] = d s_i,c / d theta_col for the
// d state components of each neuron i of a layer, with col running over one layer's parameters
// (j * P + q). Stored neuron-major: index ((i * cols) + col) * d + c, so each neuron's d components sit
// together and a self block applies in place.
import { applySelfBlock } from './engine.ts';

export class Sensitivity {
  readonly data: Float64Array;
  constructor(readonly n: number, readonly cols: number, readonly d: number) {
    this.data = new Float64Array(n * cols * d);
  }

  /** S <- blockdiag(A_i) S, A_i = diag(leak) + u gPrev_i^T. */
  applySelf(leak: readonly number[], u: readonly number[], gPrev: Float64Array): void {
    const { n, cols, d, data } = this;
    const selfBlock = applySelfBlock; // read the import once (see LocalTrace.update)
    for (let i = 0; i < n; i++) for (let col = 0; col < cols; col++) selfBlock(data, (i * cols + col) * d, d, leak, u, gPrev, i * d);
  }

  /** h[i, col] = g_i . S[i, col, :], the sensitivity of the layer's outputs. */
  project(g: Float64Array, h: Float64Array): Float64Array {
    const { n, cols, d, data } = this;
    for (let i = 0; i < n; i++) {
      for (let col = 0; col < cols; col++) {
        let s = 0;
        for (let c = 0; c < d; c++) s += g[i * d + c] * data[(i * cols + col) * d + c];
        h[i * cols + col] = s;
      }
    }
    return h;
  }

  /**
   * S[m, col, c] += e_c sum_i M[m, i] h[i, col] where M[m, i] = mat[m * stride + offset + i] and i runs
   * over nSrc source units (W or R inside a theta matrix).
   */
  addCoupled(e: readonly number[], mat: Float64Array, stride: number, offset: number, nSrc: number, h: Float64Array): void {
    const { n, cols, d, data } = this;
    const row = new Float64Array(cols);
    for (let m = 0; m < n; m++) {
      row.fill(0);
      for (let i = 0; i < nSrc; i++) {
        const w = mat[m * stride + offset + i];
        if (w === 0) continue;
        for (let col = 0; col < cols; col++) row[col] += w * h[i * cols + col];
      }
      for (let col = 0; col < cols; col++) {
        const r = row[col];
        if (r === 0) continue;
        for (let c = 0; c < d; c++) data[(m * cols + col) * d + c] += e[c] * r;
      }
    }
  }
}
