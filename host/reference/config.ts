// Configuration of a reference network and of the gradient engines, with defaults and validation.

/** Neuron model: leaky integrate-and-fire, adaptive LIF, or leaky rate unit. */
export type NeuronKind = 'lif' | 'alif' | 'rate';
export type LeakFlavour = 'strict' | 'diag';
export type Feedback = 'symmetric' | 'random';
export type ResetGrad = 'detached' | 'included';

export const NEURON_KINDS: readonly NeuronKind[] = ['lif', 'alif', 'rate'];
export const LEAK_FLAVOURS: readonly LeakFlavour[] = ['strict', 'diag'];
export const FEEDBACKS: readonly Feedback[] = ['symmetric', 'random'];
export const RESET_GRADS: readonly ResetGrad[] = ['detached', 'included'];

/**
 * Neuron constants, the same for every layer (dimensionless, per time step of dt):
 * | symbol | field | meaning | default |
 * | a      | a     | membrane (or rate-unit) leak, exp(-dt/tau_m)        | exp(-1/20) ~ 0.951 |
 * | thr    | thr   | spike threshold (LIF/ALIF)                          | 0.5 |
 * | gamma  | gamma | pseudo-derivative dampening                         | 0.3 |
 * | beta   | beta  | threshold adaptation strength (ALIF)                | 0.2 |
 * | rho    | rho   | adaptation decay exp(-dt/tau_a) (ALIF)              | exp(-1/200) ~ 0.995 |
 * | kappa  | kappa | readout leak exp(-dt/tau_out)                       | 0 |
 */
export interface NetConfig {
  neuron: NeuronKind;
  nIn: number;
  /** Units per layer, lowest first. */
  units: number[];
  nOut: number;
  /** Lateral recurrence per layer (R^l, zero diagonal) on or off. */
  recurrent: boolean[];
  a: number;
  thr: number;
  gamma: number;
  beta: number;
  rho: number;
  kappa: number;
  /** Whether the gradient flows through the reset term -thr z_{t-1} (LIF/ALIF). */
  resetGrad: ResetGrad;
  /** Initial weight scales: W ~ N(0, (wIn)^2 / fan_in), R ~ N(0, (wRec)^2 / n), V ~ N(0, (wOut)^2 / n_L). */
  wIn: number;
  wRec: number;
  wOut: number;
  /** Initial bias of every hidden unit. */
  bias: number;
  seed: number;
}

/** Variants of a gradient engine: leak flavour, feedback (symmetric or random), reset path. */
export interface EngineOptions {
  leak: LeakFlavour;
  feedback: Feedback;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = { leak: 'diag', feedback: 'symmetric' };

/** Neuron constants shared by the reference and the core's defaults (see the table above). */
export const NEURON_DEFAULTS = {
  a: Math.exp(-1 / 20),
  thr: 0.5,
  gamma: 0.3,
  beta: 0.2,
  rho: Math.exp(-1 / 200),
} as const;

/** Defaults that keep every layer active at initialisation for each neuron model. */
export function defaultConfig(neuron: NeuronKind, layers: number, units: number, overrides: Partial<NetConfig> = {}): NetConfig {
  const spiking = neuron !== 'rate';
  const cfg: NetConfig = {
    neuron,
    nIn: units,
    units: Array.from({ length: layers }, () => units),
    nOut: 2,
    recurrent: Array.from({ length: layers }, () => true),
    ...NEURON_DEFAULTS,
    kappa: 0,
    resetGrad: 'detached',
    wIn: spiking ? 0.6 : 1.2,
    wRec: spiking ? 0.1 : 0.6,
    wOut: 1,
    bias: spiking ? 0.02 : 0,
    seed: 1,
    ...overrides,
  };
  if (overrides.recurrent === undefined && cfg.recurrent.length !== cfg.units.length) {
    cfg.recurrent = cfg.units.map(() => true);
  }
  return cfg;
}

/** Throws an Error naming the first invalid field. */
export function validateConfig(cfg: NetConfig): void {
  const bad = (field: string, allowed: string, got: unknown) => {
    throw new Error(`invalid network config: ${field} must be ${allowed}, got ${JSON.stringify(got)}`);
  };
  if (!NEURON_KINDS.includes(cfg.neuron)) bad('neuron', NEURON_KINDS.join('|'), cfg.neuron);
  const posInt = (x: number) => Number.isInteger(x) && x > 0;
  if (!posInt(cfg.nIn)) bad('nIn', 'a positive integer', cfg.nIn);
  if (!posInt(cfg.nOut)) bad('nOut', 'a positive integer', cfg.nOut);
  if (!Array.isArray(cfg.units) || cfg.units.length < 1 || !cfg.units.every(posInt)) bad('units', 'a non-empty list of positive integers', cfg.units);
  if (cfg.recurrent.length !== cfg.units.length) bad('recurrent', `one flag per layer (${cfg.units.length})`, cfg.recurrent);
  const unit = (f: keyof NetConfig, lo: number, hi: number, hiIncl = false) => {
    const v = cfg[f] as number;
    if (!(Number.isFinite(v) && v >= lo && (hiIncl ? v <= hi : v < hi))) bad(f, `in [${lo}, ${hi}${hiIncl ? ']' : ')'}`, v);
  };
  unit('a', 0, 1);
  unit('kappa', 0, 1);
  unit('rho', 0, 1);
  unit('gamma', 0, 10, true);
  unit('beta', 0, 10, true);
  if (!(cfg.thr > 0)) bad('thr', '> 0', cfg.thr);
  if (!RESET_GRADS.includes(cfg.resetGrad)) bad('resetGrad', RESET_GRADS.join('|'), cfg.resetGrad);
}
