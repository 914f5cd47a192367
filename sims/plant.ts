// The common interface of every simulated plant, and the disturbances a scenario can apply.

/** Something that happens to the plant at run time. Each plant supports the kinds that make sense for
 * it and throws an Error naming the plant and the kind for the others. */
export type Disturbance =
  /** Payload mass in kg: `mass` sets it, `scale` multiplies the current value (give exactly one). */
  | { kind: 'payload'; mass?: number; scale?: number }
  /** Friction coefficients become nominal x scale (1 = nominal, 0 = frictionless). */
  | { kind: 'friction'; scale: number }
  /** Actuator gain loss: the applied command is gain x command (1 = healthy). One value or one per input. */
  | { kind: 'actuatorGain'; gain: number | readonly number[] }
  /** Standard deviation of the Gaussian noise added by observe(), in state units. One value or one per state. */
  | { kind: 'sensorNoise'; std: number | readonly number[] }
  /** observe() returns the state from `steps` steps ago (integer >= 0). */
  | { kind: 'sensorDelay'; steps: number };

export type DisturbanceKind = Disturbance['kind'];
export const disturbanceKinds: readonly DisturbanceKind[] = ['payload', 'friction', 'actuatorGain', 'sensorNoise', 'sensorDelay'];

/** A simulated plant at a fixed control rate: state, observe(), step(u), disturb(), reset(seed). */
export interface Plant {
  /** e.g. 'CartPole-v1', 'arm2', 'motor' */
  readonly name: string;
  /** seconds per step (MountainCarContinuous: one abstract time unit) */
  readonly dt: number;
  /** state element names, units in each plant's documentation */
  readonly stateNames: readonly string[];
  readonly actionSize: number;
  /** the true state; replay and tests may set it directly */
  state: Float64Array;
  /** seeded initial state; also restores the nominal parameters and sensor (clears disturbances) */
  reset(seed: number): void;
  step(action: ArrayLike<number>): void;
  /** sensor reading: (delayed) true state + seeded Gaussian noise; a fresh array */
  observe(): Float64Array;
  /** apply a disturbance now */
  disturb(d: Disturbance): void;
}

/** Sensor noise and delay of a plant's observation. */
export interface SensorOptions {
  noiseStd?: number | readonly number[];
  delay?: number;
}

/** Construction options shared by every plant. `params` overrides the plant's documented defaults. */
export interface PlantOptions<P = Record<string, unknown>> {
  seed?: number;
  params?: Partial<P>;
  sensor?: SensorOptions;
}

/** Throw for a malformed disturbance (not for an unsupported one: see unsupported()). */
export function validateDisturbance(d: Disturbance): void {
  if (d === null || typeof d !== 'object' || !disturbanceKinds.includes(d.kind)) {
    throw new Error(`disturbance kind must be one of ${disturbanceKinds.join('|')}, got ${JSON.stringify((d as { kind?: unknown })?.kind)}`);
  }
  const finiteNonNeg = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  const vecOk = (v: unknown) => finiteNonNeg(v) || (Array.isArray(v) && v.length > 0 && v.every(finiteNonNeg));
  switch (d.kind) {
    case 'payload':
      if ((d.mass === undefined) === (d.scale === undefined)) throw new Error('payload disturbance needs exactly one of mass, scale');
      if (!finiteNonNeg(d.mass ?? d.scale)) throw new Error(`payload ${d.mass !== undefined ? 'mass' : 'scale'} must be a finite number >= 0`);
      break;
    case 'friction':
      if (!finiteNonNeg(d.scale)) throw new Error('friction scale must be a finite number >= 0');
      break;
    case 'actuatorGain':
      if (!vecOk(d.gain)) throw new Error('actuatorGain gain must be a finite number >= 0 or an array of them');
      break;
    case 'sensorNoise':
      if (!vecOk(d.std)) throw new Error('sensorNoise std must be a finite number >= 0 or an array of them');
      break;
    case 'sensorDelay':
      if (!Number.isSafeInteger(d.steps) || d.steps < 0) throw new Error('sensorDelay steps must be an integer >= 0');
      break;
  }
}

export function unsupported(plant: string, d: Disturbance): Error {
  return new Error(`plant '${plant}' does not support the '${d.kind}' disturbance`);
}

/** Expand a scalar or per-element value to `n` elements (throws on a length mismatch). */
export function perElement(what: string, v: number | readonly number[], n: number): Float64Array {
  if (typeof v === 'number') return new Float64Array(n).fill(v);
  if (v.length !== n) throw new Error(`${what} must have ${n} element(s), got ${v.length}`);
  return Float64Array.from(v);
}
