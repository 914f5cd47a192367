// What the benchmark runs: the two reference configurations, a seeded input/error workload, and
// the core and float64 reference set up on the same weights.
import { Core } from '../host/core/core.ts';
import { MCU_REF, MCU_SMALL, referenceConfig, type CoreConfig } from '../host/core/config.ts';
import { Learner } from '../host/reference/learner.ts';
import { cloneParams, Network, type Params } from '../host/reference/network.ts';
import { Rng } from '../host/reference/random.ts';

export interface BenchConfig {
  name: string;
  cfg: CoreConfig;
}

export const BENCH_CONFIGS: BenchConfig[] = [
  { name: 'mcu-small', cfg: MCU_SMALL },
  { name: 'mcu-ref', cfg: MCU_REF },
  // mcu-ref with the row-RMS optimiser (assembly/optim.ts); its lr is a step size per weight.
  { name: 'mcu-ref-rms', cfg: { ...MCU_REF, optimizer: 'row-rms', lr: 1e-5 } },
];

/** One-line shape of a config: "4 in, 2x16 LIF rec, 2 out, deep-full". */
export function describe(cfg: CoreConfig): string {
  const same = cfg.units.every((n) => n === cfg.units[0]);
  const units = same ? `${cfg.units.length}x${cfg.units[0]}` : cfg.units.join('-');
  const rec = cfg.recurrent.every(Boolean) ? ' rec' : '';
  return `${cfg.nIn} in, ${units} ${cfg.neuron.toUpperCase()}${rec}, ${cfg.nOut} out, ${cfg.engine}`;
}

/** Input spike probability per input and step, and the target the error is taken against. */
export const SPIKE_P = 0.25;
export const TARGET_AMP = 0.5;
export const TARGET_PERIOD = 200;

/** A periodic, seeded workload: Bernoulli input spikes and a sine target per output. */
export class Workload {
  readonly inputs: Float64Array[];
  readonly targets: Float64Array[];
  private readonly err: Float64Array;

  constructor(readonly cfg: CoreConfig, readonly length = 2000, seed = 7) {
    const rng = new Rng(seed);
    this.inputs = Array.from({ length }, () => Float64Array.from({ length: cfg.nIn }, () => (rng.uniform() < SPIKE_P ? 1 : 0)));
    this.targets = Array.from({ length }, (_, t) =>
      Float64Array.from({ length: cfg.nOut }, (_, k) => TARGET_AMP * Math.sin((2 * Math.PI * t) / TARGET_PERIOD + k)));
    this.err = new Float64Array(cfg.nOut);
  }

  input(t: number): Float64Array {
    return this.inputs[t % this.length];
  }

  /** dE/dy = y - y* for step t (a shared buffer). */
  error(t: number, y: ArrayLike<number>): Float64Array {
    const target = this.targets[t % this.length];
    for (let k = 0; k < this.err.length; k++) this.err[k] = y[k] - target[k];
    return this.err;
  }
}

/** A configured core with its own seeded weights; `module` may be an instrumented copy. */
export function makeCore(cfg: CoreConfig, module?: WebAssembly.Module | Uint8Array): Core {
  return new Core(module).configure(cfg).initWeights();
}

/** The float64 reference on the core's (quantised) weights: inference net and online learner. */
export function makeReference(cfg: CoreConfig, params: Params): { net: Network; learner: Learner } {
  const rc = referenceConfig(cfg);
  const net = new Network(rc, cloneParams(params));
  const learner = new Learner(rc, {
    engine: cfg.engine,
    optimizer: cfg.optimizer ?? 'sgd',
    lr: cfg.lr,
    interval: Math.max(1, cfg.interval),
    clip: cfg.clip,
    engineOptions: { leak: 'diag', feedback: cfg.feedback },
  }, cloneParams(params));
  return { net, learner };
}

/** Fraction of hidden units spiking per step, per layer, over the last run of `fn`. */
export function firingRates(core: Core, steps: number, fn: (t: number) => void): number[] {
  const c = core.config;
  const counts = c.units.map(() => 0);
  for (let t = 0; t < steps; t++) {
    fn(t);
    c.units.forEach((n, l) => {
      const o = new Int32Array(core.x.memory.buffer, core.x.layer_ptr(l, 3), n);
      for (let j = 0; j < n; j++) if (o[j] !== 0) counts[l]++;
    });
  }
  return counts.map((s, l) => s / (steps * c.units[l]));
}
