// Pattern generation, the classic e-prop benchmark (Bellec et al. 2020, Fig. 2): two outputs, each
// a sum of sines of 1, 2, 3 and 5 Hz with random phases and amplitudes, 1000 steps of 1 ms, driven
// by a frozen random spike pattern on 8 input channels. The net learns online, every step, with
// the same hyperparameters in the fixed-point core and in the float64 reference. The baseline a
// reader expects next to it, offline BPTT with Adam on the same net and weights, is trainOffline.
import { Core } from '../core/core.ts';
import { referenceConfig, type CoreConfig, defaultCoreConfig } from '../core/config.ts';
import { defaultConfig, type EngineOptions } from '../reference/config.ts';
import { sequenceGradient, sequenceLoss, type EngineName } from '../reference/engines/index.ts';
import type { Gradient } from '../reference/gradient.ts';
import { Learner } from '../reference/learner.ts';
import { cloneParams, initParams, Network, type Params } from '../reference/network.ts';
import { Adam } from '../reference/optim.ts';
import { Rng } from '../reference/random.ts';

export interface PatternTask {
  inputs: Float64Array[];
  targets: Float64Array[];
  /** Variance of the targets (over time and outputs), the NMSE denominator. */
  variance: number;
}

/**
 * The frozen input pattern is 8 channels of smoothed random noise (an Ornstein-Uhlenbeck process,
 * time constant tauIn steps, unit variance), fed to the first layer as analog currents: it gives the
 * net a rich set of slow temporal features to build the targets from.
 */
export function patternTask(seed: number, steps = 1000, nIn = 8, nOut = 2, tauIn = 50): PatternTask {
  const rng = new Rng(seed * 104729 + 7);
  const decay = Math.exp(-1 / tauIn);
  const noise = Math.sqrt(1 - decay * decay);
  const state = Float64Array.from({ length: nIn }, () => rng.normal());
  const inputs = Array.from({ length: steps }, () => {
    for (let c = 0; c < nIn; c++) state[c] = decay * state[c] + noise * rng.normal();
    return state.slice();
  });
  const freqs = [1, 2, 3, 5];
  const comps = Array.from({ length: nOut }, () => freqs.map((f) => ({ f, amp: 0.5 + rng.uniform(), phase: 2 * Math.PI * rng.uniform() })));
  const raw = Array.from({ length: steps }, (_, t) => Float64Array.from(comps, (cs) => cs.reduce((s, c) => s + c.amp * Math.sin(2 * Math.PI * c.f * t * 1e-3 + c.phase), 0)));
  // Scale so that the largest |target| is 0.8.
  const peak = Math.max(...raw.flatMap((r) => Array.from(r, Math.abs)));
  const targets = raw.map((r) => r.map((v) => (0.8 * v) / peak));
  let mean = 0, sq = 0, n = 0;
  for (const r of targets) for (const v of r) { mean += v; sq += v * v; n++; }
  mean /= n;
  return { inputs, targets, variance: sq / n - mean * mean };
}

export const PATTERN_CONFIG: CoreConfig = defaultCoreConfig({
  neuron: 'lif',
  nIn: 8,
  units: [32, 32],
  nOut: 2,
  recurrent: [true, true],
  engine: 'deep-fact',
  thr: 1,
  kappa: 0.95,
  lr: 4e-6,
  interval: 1,
  clip: 7.9,
});

/** Initial weights for the pattern task (the float reference's seeded initialisation). */
export function patternParams(cfg: CoreConfig, seed: number): Params {
  const rc = defaultConfig(cfg.neuron, cfg.units.length, cfg.units[0], { nIn: cfg.nIn, units: cfg.units, nOut: cfg.nOut, recurrent: cfg.recurrent, seed, wIn: 1.5, wOut: 0.1 });
  return initParams(rc);
}

/**
 * The weights every run of the pattern task starts from: patternParams loaded into the core and read
 * back, i.e. quantised to the core's fixed-point format, so the core and the float runs start alike.
 */
export function corePatternParams(cfg: CoreConfig, seed: number): Params {
  const core = new Core().configure(cfg);
  core.setParams(patternParams(cfg, seed));
  return core.getParams();
}

export interface TrainResult {
  /**
   * NMSE every evalEvery iterations, measured on a separate pass with learning frozen: online
   * learning of the readout bias alone can track a slow target while it learns, so only a frozen
   * pass shows what the net has learned.
   */
  nmse: number[];
  /** Mean frozen NMSE over the last FINAL_WINDOW iterations. */
  final: number;
}

function runEpoch(step: (x: Float64Array) => ArrayLike<number>, learn: (err: Float64Array) => void, task: PatternTask, nOut: number): number {
  let se = 0;
  const err = new Float64Array(nOut);
  task.inputs.forEach((x, t) => {
    const y = step(x);
    for (let k = 0; k < nOut; k++) {
      err[k] = y[k] - task.targets[t][k];
      se += err[k] * err[k];
    }
    learn(err);
  });
  return se / (task.inputs.length * nOut) / task.variance;
}

/** Online training in the wasm core; `iterations` passes over the pattern. */
export function trainCore(cfg: CoreConfig, task: PatternTask, params: Params, iterations: number, onIter?: (i: number, nmse: number | null) => void, evalEvery = 10): TrainResult {
  const core = new Core().configure(cfg);
  core.setParams(params);
  return train(
    (x) => core.step(x),
    (e) => core.learn(e),
    () => core.resetState(),
    task, cfg.nOut, iterations, evalEvery, onIter,
  );
}

/** Iterations the test and the benchmark train for (one iteration = one 1000-step pass). */
export const PATTERN_ITERATIONS = 150;

/** Number of final iterations whose frozen NMSE is averaged into `final`. */
export const FINAL_WINDOW = 5;

function train(
  step: (x: Float64Array) => ArrayLike<number>, learn: (e: Float64Array) => void, reset: () => void,
  task: PatternTask, nOut: number, iterations: number, evalEvery: number, onIter?: (i: number, nmse: number | null) => void,
): TrainResult {
  const nmse: number[] = [];
  const tail: number[] = [];
  for (let i = 0; i < iterations; i++) {
    reset();
    runEpoch(step, learn, task, nOut);
    const last = i >= iterations - FINAL_WINDOW;
    let v: number | null = null;
    if (last || (i + 1) % evalEvery === 0) {
      reset();
      v = runEpoch(step, () => {}, task, nOut);
      nmse.push(v);
      if (last) tail.push(v);
    }
    onIter?.(i, v);
  }
  return { nmse, final: tail.reduce((s, x) => s + x, 0) / tail.length };
}

/**
 * Learning rate of the row-RMS rule on the pattern task (RowRms, host/reference/optim.ts): its steps
 * are normalised, so this is about how far a weight moves per step (seeds 1-5, 150 passes: 5e-6 is
 * the best of 3e-6, 5e-6, 8e-6).
 */
export const ROW_RMS_LR = 5e-6;

/**
 * The same in the float64 reference, from the same (quantised) weights: by default SGD with the
 * core's learning rate; with optimizer 'row-rms' the normalised rule RowRms at ROW_RMS_LR.
 */
export function trainReference(cfg: CoreConfig, task: PatternTask, params: Params, iterations: number, onIter?: (i: number, nmse: number | null) => void, evalEvery = 10, optimizer: 'sgd' | 'row-rms' = 'sgd'): TrainResult {
  const lr = optimizer === 'sgd' ? cfg.lr : ROW_RMS_LR;
  const learner = new Learner(referenceConfig(cfg), { engine: cfg.engine, optimizer, lr, interval: Math.max(1, cfg.interval), clip: cfg.clip, engineOptions: { leak: 'diag', feedback: cfg.feedback } }, params);
  return train(
    (x) => learner.step(x),
    (e) => learner.learn(e),
    () => learner.reset(),
    task, cfg.nOut, iterations, evalEvery, onIter,
  );
}

/** Learning rate and passes of the offline baseline (one Adam step per 1000-step pass). */
export const OFFLINE_LR = 3e-3;
export const OFFLINE_PASSES = 150;

export interface OfflineOptions {
  lr?: number;
  evalEvery?: number;
  /** Called after every pass with the gradient it applied and the NMSE measured after the update (null if none). */
  onPass?: (i: number, grad: Gradient, nmse: number | null) => void;
}

/**
 * Offline training in the float64 reference: every pass runs the whole sequence from a reset net
 * with the weights frozen, takes the engine's gradient of E = 1/2 sum_t |y_t - y*_t|^2 over all
 * 1000 steps (bptt: exact; eprop, deep-fact: their forward-in-time estimate, accumulated over the
 * sequence), and applies one Adam step. NMSE as in trainCore: a frozen pass after the update, every
 * evalEvery passes and on each of the last FINAL_WINDOW, whose mean is `final`. No clipping: an Adam
 * step moves a weight by about lr at most (BPTT, seed 1, 150 passes: no weight moved more than 0.27,
 * none ended above 1.46 in magnitude), far inside the core's clip of 7.9.
 */
export function trainOffline(cfg: CoreConfig, task: PatternTask, params: Params, engine: EngineName, passes: number, opts: OfflineOptions = {}): TrainResult {
  const net = new Network(referenceConfig(cfg), cloneParams(params));
  const engineOptions: EngineOptions = { leak: 'diag', feedback: cfg.feedback };
  const adam = new Adam(opts.lr ?? OFFLINE_LR);
  const evalEvery = opts.evalEvery ?? 10;
  const scale = 2 / (task.inputs.length * cfg.nOut * task.variance);
  const nmse: number[] = [];
  const tail: number[] = [];
  for (let i = 0; i < passes; i++) {
    const grad = sequenceGradient(engine, net, task.inputs, task.targets, engineOptions);
    adam.apply(net.params, grad);
    const last = i >= passes - FINAL_WINDOW;
    let v: number | null = null;
    if (last || (i + 1) % evalEvery === 0) {
      v = scale * sequenceLoss(net, task.inputs, task.targets);
      nmse.push(v);
      if (last) tail.push(v);
    }
    opts.onPass?.(i, grad, v);
  }
  return { nmse, final: tail.reduce((s, x) => s + x, 0) / tail.length };
}

/** NMSE of a frozen pass with the given weights (the definition every trainer here uses). */
export function patternNmse(cfg: CoreConfig, task: PatternTask, params: Params): number {
  const net = new Network(referenceConfig(cfg), params);
  return (2 * sequenceLoss(net, task.inputs, task.targets)) / (task.inputs.length * cfg.nOut * task.variance);
}
