// The float64 reference network: parameters, state, and one forward step.
//
// Layer l (1..L, index l-1 here) has n_l units and the parameter matrix theta^l = [W^l | R^l | b^l]
// of n_l rows and P_l = n_{l-1} + (recurrent ? n_l : 0) + 1 columns, row-major, acting on the
// presynaptic vector p^l_t = [o^{l-1}_t ; o^l_{t-1} ; 1]. Feed-forward within a step, recurrence
// across steps. Readout y_t = kappa y_{t-1} + V o^L_t + c (V: nOut x n_L, row-major).
// B (n_L x nOut) is a fixed random feedback matrix for engines that use random feedback.
import { validateConfig, type NetConfig } from './config.ts';
import { neuronModel, type NeuronModel } from './neurons/index.ts';
import { Rng } from './random.ts';

/** The parameters of a network: per layer W (input), R (recurrent), b (bias); readout V and c; feedback B. */
export interface Params {
  theta: Float64Array[];
  V: Float64Array;
  c: Float64Array;
  B: Float64Array;
}

export function layerInputs(cfg: NetConfig, l: number): number {
  return l === 0 ? cfg.nIn : cfg.units[l - 1];
}

export function presynapticSize(cfg: NetConfig, l: number): number {
  return layerInputs(cfg, l) + (cfg.recurrent[l] ? cfg.units[l] : 0) + 1;
}

/** Seeded initialisation; the same seed gives the same parameters on every machine. */
export function initParams(cfg: NetConfig): Params {
  validateConfig(cfg);
  const rng = new Rng(cfg.seed);
  const L = cfg.units.length;
  const theta: Float64Array[] = [];
  for (let l = 0; l < L; l++) {
    const n = cfg.units[l];
    const nPre = layerInputs(cfg, l);
    const P = presynapticSize(cfg, l);
    const t = new Float64Array(n * P);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < nPre; i++) t[j * P + i] = (rng.normal() * cfg.wIn) / Math.sqrt(nPre);
      if (cfg.recurrent[l]) {
        for (let i = 0; i < n; i++) t[j * P + nPre + i] = i === j ? 0 : (rng.normal() * cfg.wRec) / Math.sqrt(n);
      }
      t[j * P + P - 1] = cfg.bias;
    }
    theta.push(t);
  }
  const nL = cfg.units[L - 1];
  const V = new Float64Array(cfg.nOut * nL).map(() => (rng.normal() * cfg.wOut) / Math.sqrt(nL));
  const B = new Float64Array(nL * cfg.nOut).map(() => (rng.normal() * cfg.wOut) / Math.sqrt(nL));
  return { theta, V, c: new Float64Array(cfg.nOut), B };
}

/** A deep copy of a parameter set. */
export function cloneParams(p: Params): Params {
  return { theta: p.theta.map((t) => t.slice()), V: p.V.slice(), c: p.c.slice(), B: p.B.slice() };
}

/** Network state and the forward pass. Engines read the public fields after each step. */
export class Network {
  readonly cfg: NetConfig;
  readonly model: NeuronModel;
  readonly L: number;
  readonly n: number[];
  readonly P: number[];
  params: Params;
  /** Per layer: state (n*d), output, previous output, g = do/ds (n*d), previous g, presynaptic p. */
  readonly s: Float64Array[];
  readonly o: Float64Array[];
  readonly oPrev: Float64Array[];
  readonly g: Float64Array[];
  readonly gPrev: Float64Array[];
  readonly p: Float64Array[];
  readonly y: Float64Array;
  /** Steps taken since reset. */
  t = 0;

  constructor(cfg: NetConfig, params?: Params) {
    validateConfig(cfg);
    this.cfg = cfg;
    this.model = neuronModel(cfg);
    this.L = cfg.units.length;
    this.n = cfg.units.slice();
    this.P = this.n.map((_, l) => presynapticSize(cfg, l));
    this.params = params ?? initParams(cfg);
    const d = this.model.d;
    this.s = this.n.map((n) => new Float64Array(n * d));
    this.o = this.n.map((n) => new Float64Array(n));
    this.oPrev = this.n.map((n) => new Float64Array(n));
    this.g = this.n.map((n) => new Float64Array(n * d));
    this.gPrev = this.n.map((n) => new Float64Array(n * d));
    this.p = this.P.map((P) => new Float64Array(P));
    this.y = new Float64Array(cfg.nOut);
    this.reset();
  }

  reset(): void {
    const d = this.model.d;
    for (let l = 0; l < this.L; l++) {
      for (let j = 0; j < this.n[l]; j++) for (let c = 0; c < d; c++) this.s[l][j * d + c] = this.model.s0[c];
      this.o[l].fill(0);
      this.oPrev[l].fill(0);
      this.g[l].fill(0);
      this.gPrev[l].fill(0);
      this.p[l].fill(0);
    }
    this.y.fill(0);
    this.t = 0;
  }

  /** One time step with input x (nIn values); returns the readout y_t (a view, overwritten next step). */
  step(x: ArrayLike<number>): Float64Array {
    const { cfg, model } = this;
    for (let l = 0; l < this.L; l++) {
      const n = this.n[l];
      const P = this.P[l];
      const p = this.p[l];
      this.oPrev[l].set(this.o[l]);
      this.gPrev[l].set(this.g[l]);
      const below = l === 0 ? x : this.o[l - 1];
      const nPre = layerInputs(cfg, l);
      for (let i = 0; i < nPre; i++) p[i] = below[i];
      if (cfg.recurrent[l]) p.set(this.oPrev[l], nPre);
      p[P - 1] = 1;
      const th = this.params.theta[l];
      for (let j = 0; j < n; j++) {
        let I = 0;
        for (let q = 0; q < P; q++) I += th[j * P + q] * p[q];
        this.o[l][j] = model.step(this.s[l], this.g[l], j, I, this.oPrev[l][j]);
      }
    }
    const oL = this.o[this.L - 1];
    const nL = this.n[this.L - 1];
    const { V, c } = this.params;
    for (let k = 0; k < cfg.nOut; k++) {
      let acc = cfg.kappa * this.y[k] + c[k];
      for (let j = 0; j < nL; j++) acc += V[k * nL + j] * oL[j];
      this.y[k] = acc;
    }
    this.t++;
    return this.y;
  }
}
