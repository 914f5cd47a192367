// What every plant has in common: nominal/current parameters, action checks, the sensor, the
// sensor and actuator-gain disturbances, and reset. A plant subclass supplies initialState, advance and (optionally)
// applyDisturbance for the physical disturbances it supports.
import { Rng, checkSeed } from './random.ts';
import { Sensor } from './sensor.ts';
import { perElement, unsupported, validateDisturbance, type Disturbance, type Plant, type PlantOptions } from './plant.ts';

type ParamValue = number | readonly number[];

/** Defaults overridden by `overrides`; unknown keys and wrong types throw, naming the allowed keys. */
export function mergeParams<P extends object>(plant: string, defaults: P, overrides: Partial<P> = {}): P {
  const out = { ...defaults } as Record<string, ParamValue>;
  for (const [key, value] of Object.entries(overrides as Record<string, unknown>)) {
    if (!(key in out)) throw new Error(`unknown parameter '${key}' for plant '${plant}' (allowed: ${Object.keys(out).join(', ')})`);
    const def = out[key];
    const ok = typeof def === 'number'
      ? typeof value === 'number' && Number.isFinite(value)
      : Array.isArray(value) && value.length === def.length && value.every((x) => typeof x === 'number' && Number.isFinite(x));
    if (!ok) throw new Error(`parameter '${key}' of plant '${plant}' must be ${typeof def === 'number' ? 'a finite number' : `an array of ${def.length} finite numbers`}`);
    out[key] = Array.isArray(value) ? [...value] : (value as number);
  }
  return out as P;
}

export abstract class BasePlant<P extends object> implements Plant {
  abstract readonly name: string;
  abstract readonly dt: number;
  abstract readonly stateNames: readonly string[];
  abstract readonly actionSize: number;
  state: Float64Array;
  /** current physical parameters (disturbances change these; reset restores `nominal`) */
  params: P;
  protected readonly sensor: Sensor;
  /** actuator gain per input (1 = healthy); applied by advance() as gain x command */
  protected gain: Float64Array = new Float64Array(0);

  protected constructor(readonly nominal: P, stateSize: number, options: PlantOptions<P>) {
    this.params = { ...nominal };
    this.state = new Float64Array(stateSize);
    this.sensor = new Sensor(stateSize, options.sensor);
  }

  reset(seed: number): void {
    checkSeed(seed);
    this.params = { ...this.nominal };
    this.gain = new Float64Array(this.actionSize).fill(1);
    this.restoreNominal();
    this.sensor.restore(seed);
    this.state = this.initialState(new Rng(seed));
  }

  step(action: ArrayLike<number>): void {
    if (action == null || typeof action.length !== 'number' || action.length !== this.actionSize) {
      throw new Error(`${this.name}: action must have ${this.actionSize} element(s)`);
    }
    for (let i = 0; i < this.actionSize; i++) {
      if (!Number.isFinite(action[i])) throw new Error(`${this.name}: action[${i}] must be a finite number, got ${action[i]}`);
    }
    this.sensor.record(this.state);
    this.advance(action);
  }

  observe(): Float64Array {
    return this.sensor.read(this.state);
  }

  disturb(d: Disturbance): void {
    validateDisturbance(d);
    if (d.kind === 'sensorNoise') this.sensor.setNoise(d.std);
    else if (d.kind === 'sensorDelay') this.sensor.setDelay(d.steps);
    else if (d.kind === 'actuatorGain') this.gain = perElement('actuatorGain gain', d.gain, this.actionSize);
    else this.applyDisturbance(d);
  }

  /** Reset plant-specific run-time state other than params and gain (none by default). */
  protected restoreNominal(): void {}
  protected abstract initialState(rng: Rng): Float64Array;
  protected abstract advance(action: ArrayLike<number>): void;
  protected applyDisturbance(d: Disturbance): void {
    throw unsupported(this.name, d);
  }
}

/** payload: the new mass from a set/scale disturbance. */
export function newPayload(current: number, d: Extract<Disturbance, { kind: 'payload' }>): number {
  return d.mass !== undefined ? d.mass : current * (d.scale as number);
}
