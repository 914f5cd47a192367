// Recursive least squares with exponential forgetting, and an indirect adaptive speed controller for
// the motor built on it.
//
// RLS for y[k] = phi[k]^T theta + noise, forgetting factor lambda in (0, 1]:
//   e = y - phi^T theta;  K = P phi / (lambda + phi^T P phi);  theta += K e;  P = (P - K phi^T P) / lambda
// (P is kept symmetric, and its trace is capped at maxTrace so that forgetting without excitation cannot
// blow it up.)
//
// Motor scheme (certainty equivalence, one-step-ahead with a model-following error pole):
//   model      omega[k+1] = a omega[k] + b V[k] + c tanh(omega[k] / omegaS)   (see motorDiscreteModel)
//   identify   theta = [a, b, c] by RLS from (omega[k-1], V[k-1], omega[k]) at every step
//   control    want omega[k+1] = r[k+1] + pole (omega[k] - r[k]), i.e. the reference as feed-forward
//              plus tracking-error decay by `pole` per step; invert the model:
//              V[k] = (r[k+1] + pole (omega[k] - r[k]) - a omega[k] - c tanh(omega[k] / omegaS)) / b
//              clipped to +-vMax (and b floored at bMin so a poor early estimate cannot explode V).
import { clamp } from './vec.ts';

export interface RlsOptions {
  /** forgetting factor in (0, 1], default 1 (no forgetting) */
  lambda?: number;
  /** initial covariance P0 = p0 I, default 1e4 */
  p0?: number;
  theta0?: ArrayLike<number>;
  /** cap on trace(P), default 1e6 */
  maxTrace?: number;
}

export class Rls {
  readonly theta: Float64Array;
  readonly P: Float64Array; // n x n row-major
  readonly lambda: number;
  private readonly maxTrace: number;

  constructor(readonly n: number, options: RlsOptions = {}) {
    this.lambda = options.lambda ?? 1;
    if (!(this.lambda > 0 && this.lambda <= 1)) throw new Error(`RLS forgetting factor must be in (0, 1], got ${this.lambda}`);
    const p0 = options.p0 ?? 1e4;
    this.maxTrace = options.maxTrace ?? 1e6;
    this.theta = options.theta0 ? Float64Array.from(options.theta0) : new Float64Array(n);
    if (this.theta.length !== n) throw new Error(`RLS theta0 must have ${n} elements`);
    this.P = new Float64Array(n * n);
    for (let i = 0; i < n; i++) this.P[i * n + i] = p0;
  }

  predict(phi: ArrayLike<number>): number {
    let y = 0;
    for (let i = 0; i < this.n; i++) y += phi[i] * this.theta[i];
    return y;
  }

  /** One update with regressor phi and measurement y; returns the a-priori prediction error. */
  update(phi: ArrayLike<number>, y: number): number {
    const n = this.n, P = this.P;
    const Pphi = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Pphi[i] += P[i * n + j] * phi[j];
    let denom = this.lambda;
    for (let i = 0; i < n; i++) denom += phi[i] * Pphi[i];
    const e = y - this.predict(phi);
    for (let i = 0; i < n; i++) this.theta[i] += (Pphi[i] / denom) * e;
    let trace = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        const v = (P[i * n + j] - (Pphi[i] * Pphi[j]) / denom) / this.lambda;
        P[i * n + j] = v;
        P[j * n + i] = v;
      }
      trace += P[i * n + i];
    }
    if (trace > this.maxTrace) for (let k = 0; k < n * n; k++) P[k] *= this.maxTrace / trace;
    return e;
  }
}

export interface RlsMotorOptions extends RlsOptions {
  /** Coulomb smoothing speed of the model (rad/s), as in the motor */
  omegaS: number;
  vMax: number;
  /** tracking-error pole per step in [0, 1), default 0.9 */
  pole?: number;
  /** floor on the estimated input gain b, default 1e-3 */
  bMin?: number;
}

export class RlsMotorSpeedController {
  readonly rls: Rls;
  private prev: { omega: number; v: number } | null = null;

  constructor(private readonly options: RlsMotorOptions) {
    this.rls = new Rls(3, { theta0: [0.5, 0.1, 0], ...options });
  }

  /** a, b, c of the identified model */
  get model(): { a: number; b: number; c: number } {
    const [a, b, c] = this.rls.theta;
    return { a, b, c };
  }

  /** Identify from the last step, then the voltage for measured speed omega and references r[k], r[k+1]. */
  update(omega: number, refNow: number, refNext: number): number {
    const { omegaS, vMax, pole = 0.9, bMin = 1e-3 } = this.options;
    if (this.prev) this.rls.update([this.prev.omega, this.prev.v, Math.tanh(this.prev.omega / omegaS)], omega);
    const { a, b, c } = this.model;
    const target = refNext + pole * (omega - refNow);
    const v = clamp((target - a * omega - c * Math.tanh(omega / omegaS)) / Math.max(b, bMin), vMax);
    this.prev = { omega, v };
    return v;
  }

  /** Forget the last step (e.g. after a gap in the measurements). */
  restart(): void {
    this.prev = null;
  }
}
