// gradcheck: how well each engine's gradient aligns with bptt's, per layer, over many seeds.
import { defaultConfig, type EngineOptions, type LeakFlavour, type NeuronKind, type NetConfig, type Feedback, type ResetGrad } from '../reference/config.ts';
import { sequenceGradient, type EngineName } from '../reference/engines/index.ts';
import { cosine, normRatio, signAgreement, type Gradient } from '../reference/gradient.ts';
import { Network } from '../reference/network.ts';
import { randomSequence, type Sequence } from '../reference/task.ts';

export interface GradcheckOptions {
  neuron: NeuronKind;
  layers: number[];
  units: number;
  /** Network inputs (the first layer's fan-in); undefined: the same as units. */
  inputs?: number;
  /** The seed (1-based) whose deepest case --dump writes; undefined: the first. */
  dumpSeed?: number;
  steps: number;
  seeds: number;
  recurrent: boolean;
  leak: LeakFlavour;
  kappa: number;
  feedback: Feedback;
  reset: ResetGrad;
  engines: EngineName[];
}

export const DEFAULT_GRADCHECK: GradcheckOptions = {
  neuron: 'lif',
  layers: [1, 2, 3, 4],
  units: 16,
  steps: 80,
  seeds: 8,
  recurrent: true,
  leak: 'diag',
  kappa: 0.95,
  feedback: 'symmetric',
  reset: 'detached',
  engines: ['rtrl', 'eprop', 'deep-full', 'deep-fact'],
};

export interface GradcheckRow {
  neuron: NeuronKind;
  layers: number;
  recurrent: boolean;
  leak: LeakFlavour;
  kappa: number;
  engine: EngineName;
  /** Per layer, lowest first: mean over seeds. */
  cosine: number[];
  cosineStd: number[];
  normRatio: number[];
  signAgreement: number[];
}

/** One sampled case, complete enough for an independent implementation to recompute every gradient. */
export interface GradcheckCase {
  config: NetConfig;
  engineOptions: EngineOptions;
  loss: string;
  /** E of this case with its parameters (the value the gradients are the derivative of). */
  lossValue: number;
  params: { theta: number[][]; thetaLayout: string; V: number[]; c: number[]; B: number[] };
  inputs: number[][];
  targets: number[][];
  gradients: Record<string, { theta: number[][]; V: number[]; c: number[] }>;
}

export function caseConfig(o: GradcheckOptions, L: number, seed: number): NetConfig {
  return defaultConfig(o.neuron, L, o.units, {
    nIn: o.inputs ?? o.units,
    kappa: o.kappa,
    recurrent: Array.from({ length: L }, () => o.recurrent),
    resetGrad: o.reset,
    seed,
  });
}

export function caseSequence(cfg: NetConfig, steps: number): Sequence {
  return randomSequence(cfg.seed, steps, cfg.nIn, cfg.nOut);
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const std = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length);
};

export interface GradcheckOutput {
  results: GradcheckRow[];
  sample?: GradcheckCase;
}

/** Runs every (depth, seed) case; onProgress(done, total) after each. */
export function gradcheck(o: GradcheckOptions, onProgress?: (done: number, total: number) => void, wantSample = false): GradcheckOutput {
  const engineOptions: EngineOptions = { leak: o.leak, feedback: o.feedback };
  const engines = o.engines.filter((e) => e !== 'bptt');
  const results: GradcheckRow[] = [];
  const total = o.layers.length * o.seeds;
  let done = 0;
  let sample: GradcheckCase | undefined;
  for (const L of o.layers) {
    const per: Record<string, { cos: number[][]; ratio: number[][]; sign: number[][] }> = {};
    for (const e of o.engines) per[e] = { cos: [], ratio: [], sign: [] };
    for (let s = 0; s < o.seeds; s++) {
      const cfg = caseConfig(o, L, s + 1);
      const seq = caseSequence(cfg, o.steps);
      const net = new Network(cfg);
      const ref = sequenceGradient('bptt', net, seq.inputs, seq.targets);
      const grads: Record<string, Gradient> = { bptt: ref };
      for (const e of engines) grads[e] = sequenceGradient(e, net, seq.inputs, seq.targets, engineOptions);
      for (const e of o.engines) {
        const g = grads[e];
        per[e].cos.push(g.theta.map((t, l) => cosine(t, ref.theta[l])));
        per[e].ratio.push(g.theta.map((t, l) => normRatio(t, ref.theta[l])));
        per[e].sign.push(g.theta.map((t, l) => signAgreement(t, ref.theta[l])));
      }
      if (wantSample && !sample && L === Math.max(...o.layers) && s + 1 === (o.dumpSeed ?? 1)) sample = toCase(cfg, engineOptions, net, seq, grads);
      onProgress?.(++done, total);
    }
    for (const e of o.engines) {
      const layerStat = (m: number[][], f: (xs: number[]) => number) => Array.from({ length: L }, (_, l) => f(m.map((row) => row[l])));
      results.push({
        neuron: o.neuron,
        layers: L,
        recurrent: o.recurrent,
        leak: o.leak,
        kappa: o.kappa,
        engine: e,
        cosine: layerStat(per[e].cos, mean),
        cosineStd: layerStat(per[e].cos, std),
        normRatio: layerStat(per[e].ratio, mean),
        signAgreement: layerStat(per[e].sign, mean),
      });
    }
  }
  return { results, sample };
}

/** E = 1/2 sum_t sum_k (y - target)^2 from a fresh zero state, on a copy of the case's network. */
function sequenceLoss(cfg: NetConfig, net: Network, seq: Sequence): number {
  const fresh = new Network(cfg, net.params);
  let e = 0;
  seq.inputs.forEach((x, t) => {
    const y = fresh.step(x);
    for (let k = 0; k < y.length; k++) e += 0.5 * (y[k] - seq.targets[t][k]) ** 2;
  });
  return e;
}

function toCase(cfg: NetConfig, engineOptions: EngineOptions, net: Network, seq: Sequence, grads: Record<string, Gradient>): GradcheckCase {
  const arr = (a: ArrayLike<number>) => Array.from(a);
  return {
    config: cfg,
    engineOptions,
    loss: 'E = 1/2 sum_t sum_k (y_t,k - target_t,k)^2, network reset to zero state at t = 0',
    lossValue: sequenceLoss(cfg, net, seq),
    params: {
      theta: net.params.theta.map(arr),
      thetaLayout: 'per layer, row-major n_l x P_l; row j = [W_j (n_{l-1}) | R_j (n_l, only if recurrent) | b_j]; presynaptic p_t = [o^{l-1}_t ; o^l_{t-1} ; 1]',
      V: arr(net.params.V),
      c: arr(net.params.c),
      B: arr(net.params.B),
    },
    inputs: seq.inputs.map(arr),
    targets: seq.targets.map(arr),
    gradients: Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, { theta: g.theta.map(arr), V: arr(g.V), c: arr(g.c) }])),
  };
}

/** A fixed-width table, one row per (depth, engine), per-layer values lowest first. */
export function formatTable(rows: GradcheckRow[]): string {
  const f = (xs: number[]) => xs.map((x) => x.toFixed(2).replace(/^0/, '')).join('/');
  const lines = [['L', 'engine', 'cosine (mean)', 'cosine (std)', 'norm ratio', 'sign agreement']];
  for (const r of rows) lines.push([String(r.layers), r.engine, f(r.cosine), f(r.cosineStd), f(r.normRatio), f(r.signAgreement)]);
  const w = lines[0].map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  return lines.map((l) => l.map((s, c) => s.padEnd(w[c])).join('  ').trimEnd()).join('\n');
}
