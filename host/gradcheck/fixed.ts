// gradcheck --fixed: the wasm core's gradient against the float64 reference engine of the same name,
// on the same quantised weights and inputs, the reference following the core's trajectory
// (host/core/shadow.ts explains why).
import { Core, CoreError } from '../core/core.ts';
import { defaultCoreConfig, referenceConfig, type CoreConfig, type CoreEngine } from '../core/config.ts';
import { copyCoreStateInto } from '../core/shadow.ts';
import { defaultConfig } from '../reference/config.ts';
import { makeOnlineEngine } from '../reference/engines/index.ts';
import { cosine, normRatio, signAgreement, zeroGradient, type Gradient } from '../reference/gradient.ts';
import { initParams, Network } from '../reference/network.ts';
import { randomSequence } from '../reference/task.ts';
import type { GradcheckOptions } from './compare.ts';

export interface FixedComparison {
  core: Gradient;
  reference: Gradient;
  /** Fraction of steps on which one float step from the core's state gives the core's output (within 0.005). */
  oneStepAgreement: number;
}

/**
 * Runs one sequence through the core (accumulating) and the reference. shadow = true (the default):
 * the reference follows the core's trajectory (its state is copied from the core every step), so the
 * comparison measures the gradient arithmetic alone; shadow = false: both run free from the same
 * start, so a spike that rounding flips can decorrelate them (what a user comparing two separate
 * runs would see). memoryBytes: the core's memory limit, when the net needs more than one page.
 */
export function compareFixed(base: CoreConfig, seed: number, steps: number, weightSeed = seed, shadow = true, memoryBytes = 0): FixedComparison {
  const cfg: CoreConfig = { ...base, interval: 0, lr: 0 };
  const core = new Core();
  if (memoryBytes) core.memoryLimit(memoryBytes); // nets larger than one page (Core.memoryLimit)
  core.configure(cfg);
  const rc = defaultConfig(cfg.neuron, cfg.units.length, cfg.units[0], { nIn: cfg.nIn, units: cfg.units, nOut: cfg.nOut, recurrent: cfg.recurrent, seed: weightSeed });
  core.setParams(initParams(rc));
  const net = new Network({ ...rc, ...coreConstants(core) }, core.getParams());
  const engine = makeOnlineEngine(cfg.engine, net, { leak: 'diag', feedback: cfg.feedback });
  const reference = zeroGradient(net);
  const seq = randomSequence(seed, steps, cfg.nIn, cfg.nOut);
  let close = 0;
  seq.inputs.forEach((x, t) => {
    const y = core.step(x);
    const yr = Float64Array.from(net.step(x));
    if (shadow) copyCoreStateInto(core, net, x);
    engine.update();
    const err = Array.from(y, (v, k) => v - seq.targets[t][k]);
    engine.accumulate(err, reference);
    core.learn(err);
    if (y.every((v, k) => Math.abs(v - yr[k]) < 0.005)) close++;
  });
  const g = core.gradient();
  return { core: { theta: g.theta, V: g.V, c: g.c }, reference, oneStepAgreement: close / steps };
}

/** The reference's neuron constants as the core quantised them. */
function coreConstants(core: Core) {
  const r = referenceConfig(core.config);
  return { a: r.a, thr: r.thr, gamma: r.gamma, beta: r.beta, rho: r.rho, kappa: r.kappa, resetGrad: r.resetGrad };
}

export interface FixedRow {
  neuron: string;
  layers: number;
  recurrent: boolean;
  kappa: number;
  engine: CoreEngine;
  cosine: number[];
  cosineStd: number[];
  /** The same comparison with the reference running free (no state copied from the core). */
  freeCosine: number[];
  normRatio: number[];
  signAgreement: number[];
  /** Set when the core refused the config (e.g. too large for one page). */
  error?: string;
}

const CORE_ENGINES: CoreEngine[] = ['eprop', 'deep-full', 'deep-fact'];

export function gradcheckFixed(o: GradcheckOptions, onProgress?: (done: number, total: number) => void): FixedRow[] {
  const engines = o.engines.filter((e): e is CoreEngine => (CORE_ENGINES as string[]).includes(e));
  const rows: FixedRow[] = [];
  const total = o.layers.length * engines.length * o.seeds;
  let done = 0;
  for (const L of o.layers) {
    for (const engine of engines) {
      const cfg = defaultCoreConfig({
        neuron: o.neuron, nIn: o.inputs ?? o.units, units: Array(L).fill(o.units), nOut: 2, recurrent: Array(L).fill(o.recurrent), engine, kappa: o.kappa,
        feedback: o.feedback,
      });
      const row: FixedRow = { neuron: o.neuron, layers: L, recurrent: o.recurrent, kappa: o.kappa, engine, cosine: [], cosineStd: [], freeCosine: [], normRatio: [], signAgreement: [] };
      const per: { cos: number[]; free: number[]; ratio: number[]; sign: number[] }[] = [];
      try {
        for (let s = 0; s < o.seeds; s++) {
          const r = compareFixed(cfg, s + 1, o.steps);
          const free = compareFixed(cfg, s + 1, o.steps, s + 1, false);
          per.push({
            cos: r.core.theta.map((t, l) => cosine(t, r.reference.theta[l])),
            free: free.core.theta.map((t, l) => cosine(t, free.reference.theta[l])),
            ratio: r.core.theta.map((t, l) => normRatio(t, r.reference.theta[l])),
            sign: r.core.theta.map((t, l) => signAgreement(t, r.reference.theta[l])),
          });
          onProgress?.(++done, total);
        }
      } catch (err) {
        if (!(err instanceof CoreError)) throw err;
        row.error = err.message;
        done += o.seeds - per.length;
        onProgress?.(done, total);
        rows.push(row);
        continue;
      }
      const stat = (k: 'cos' | 'free' | 'ratio' | 'sign', f: (xs: number[]) => number) => Array.from({ length: L }, (_, l) => f(per.map((p) => p[k][l])));
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const std = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
      row.cosine = stat('cos', mean);
      row.cosineStd = stat('cos', std);
      row.freeCosine = stat('free', mean);
      row.normRatio = stat('ratio', mean);
      row.signAgreement = stat('sign', mean);
      rows.push(row);
    }
  }
  return rows;
}
