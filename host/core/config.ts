// The core's configuration in host units, and its conversion to the 22-word block (assembly/config.ts
// documents each field). Also the float64 reference config that computes the same thing.
import { NEURON_DEFAULTS, type NetConfig, type NeuronKind } from '../reference/config.ts';

/** A gradient engine of the core: per-layer e-prop, deep e-prop with the full cross-depth traces, or its factorised form. */
export type CoreEngine = 'eprop' | 'deep-full' | 'deep-fact';
/** The gradient engines the core implements. */
export const CORE_ENGINES: readonly CoreEngine[] = ['eprop', 'deep-full', 'deep-fact'];

/** The core's configuration in real units: the reference network's fields plus the learning settings. */
export interface CoreConfig extends Pick<NetConfig, 'neuron' | 'nIn' | 'units' | 'nOut' | 'recurrent' | 'a' | 'thr' | 'gamma' | 'beta' | 'rho' | 'kappa' | 'seed'> {
  engine: CoreEngine;
  feedback: 'symmetric' | 'random';
  /** Learning rate of SGD (quantised to Q32). */
  lr: number;
  /** Apply every `interval` learn() calls; 0 = only accumulate. */
  interval: number;
  /** |weight| limit. */
  clip: number;
  /**
   * sgd (default): steps of lr x gradient; row-rms: normalised steps of about lr per weight
   * (assembly/optim.ts, the float64 reference's RowRms); LIF/rate with eprop or deep-fact on up to
   * two layers and interval 1 only (the core refuses other configs).
   */
  optimizer?: CoreOptimizer;
}

/** The core's optimisers. */
export type CoreOptimizer = 'sgd' | 'row-rms';
/** The optimisers the core implements (config field OPTIM, docs/core-abi.md). */
export const CORE_OPTIMIZERS: readonly CoreOptimizer[] = ['sgd', 'row-rms'];

export const FIELD_NAMES = [
  'neuron', 'nIn', 'layers', 'units[0]', 'units[1]', 'units[2]', 'units[3]', 'nOut', 'recurrent', 'engine', 'feedback',
  'a', 'thr', 'gamma', 'beta', 'rho', 'kappa', 'lr', 'interval', 'clip', 'seed', 'optimizer',
] as const;
export const N_FIELDS = FIELD_NAMES.length;

export const Q12 = 4096;
export const Q15 = 32768;
export const Q32 = 2 ** 32;

const NEURON_CODE: Record<NeuronKind, number> = { lif: 0, alif: 1, rate: 2 };
const ENGINE_CODE: Record<CoreEngine, number> = { eprop: 0, 'deep-full': 1, 'deep-fact': 2 };

/** Q-format rounding used for every constant: nearest integer. */
export const q = (x: number, one: number) => Math.round(x * one);

/** The config block words. Values are not range-checked here: the core does that. */
export function toBlock(c: CoreConfig): Int32Array {
  const b = new Int32Array(N_FIELDS);
  b[0] = NEURON_CODE[c.neuron] ?? -1;
  b[1] = c.nIn;
  b[2] = c.units.length;
  for (let l = 0; l < 4; l++) b[3 + l] = c.units[l] ?? 0;
  b[7] = c.nOut;
  b[8] = c.recurrent.reduce((m, r, l) => m | (r ? 1 << l : 0), 0);
  b[9] = ENGINE_CODE[c.engine] ?? -1;
  b[10] = c.feedback === 'random' ? 1 : 0;
  b[11] = q(c.a, Q15);
  b[12] = q(c.thr, Q12);
  b[13] = q(c.gamma, Q12);
  b[14] = q(c.beta, Q12);
  b[15] = q(c.rho, Q15);
  b[16] = q(c.kappa, Q15);
  b[17] = q(c.lr, Q32);
  b[18] = c.interval;
  b[19] = q(c.clip, Q12);
  b[20] = c.seed | 0;
  b[21] = c.optimizer === undefined || c.optimizer === 'sgd' ? 0 : c.optimizer === 'row-rms' ? 1 : -1;
  return b;
}

/** The float64 reference config computing the same net: constants as the core holds them. */
export function referenceConfig(c: CoreConfig): NetConfig {
  const b = toBlock(c);
  return {
    neuron: c.neuron,
    nIn: c.nIn,
    units: c.units.slice(),
    nOut: c.nOut,
    recurrent: c.recurrent.slice(),
    a: b[11] / Q15,
    thr: b[12] / Q12,
    gamma: b[13] / Q12,
    beta: b[14] / Q12,
    rho: b[15] / Q15,
    kappa: b[16] / Q15,
    resetGrad: 'detached',
    wIn: 0,
    wRec: 0,
    wOut: 0,
    bias: 0,
    seed: c.seed,
  };
}

/** Defaults for a small robot controller. */
export function defaultCoreConfig(overrides: Partial<CoreConfig> = {}): CoreConfig {
  const units = overrides.units ?? [16, 16];
  return {
    neuron: 'lif',
    nIn: 4,
    units,
    nOut: 2,
    recurrent: units.map(() => true),
    engine: 'deep-fact',
    feedback: 'symmetric',
    ...NEURON_DEFAULTS,
    kappa: 0.9,
    lr: 1e-3,
    interval: 1,
    clip: 4,
    seed: 1,
    ...overrides,
  };
}

/** The two reference configurations of the benchmark. */
export const MCU_SMALL: CoreConfig = defaultCoreConfig({ nIn: 4, units: [16, 16], nOut: 2, engine: 'deep-full' });
/** mcu-ref: 8 inputs, 2x32 recurrent LIF, 2 outputs, deep-fact (the benchmark's microcontroller reference). */
export const MCU_REF: CoreConfig = defaultCoreConfig({ nIn: 8, units: [32, 32], nOut: 2, engine: 'deep-fact' });
