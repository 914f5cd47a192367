// motor: a brushed DC motor with a gearbox driving a load, with its armature inductance.
//
// State [theta (rad), omega (rad/s), i (A)]: angle and speed of the OUTPUT shaft, armature current.
// Action [V]: terminal voltage (V), clipped to +-vMax, then multiplied by the actuator gain.
//   L di/dt     = V - R i - ke N omega                       (back-EMF from the motor shaft speed N omega)
//   J domega/dt = eta N kt i - b omega - tauC tanh(omega / omegaS)
//   dtheta/dt   = omega
//   J = N^2 Jm + Jload + payload rLoad^2                     (reflected to the output shaft)
// R (ohm), L (H), kt (N m/A), ke (V s/rad), Jm (kg m^2, rotor), N (gear ratio, motor turns per output
// turn), eta (gearbox efficiency, applied to the motor torque), Jload (kg m^2), payload (kg, a point
// mass at radius rLoad (m) on the output, horizontal so no gravity), b (N m s/rad, viscous friction at
// the output, gearbox included), tauC (N m, Coulomb friction at the output, smoothed by tanh with
// omegaS (rad/s)). Integration: classical RK4, `substeps` per step (default 10 x 0.1 ms), dt 1 ms.
// Reset: theta uniform in [-initSpread, initSpread] (rad), omega = 0, i = 0.
// Disturbances: payload (kg: set/scale), friction (b and tauC = nominal x scale), actuatorGain,
// sensorNoise, sensorDelay.
import { BasePlant, mergeParams, newPayload } from '../base.ts';
import type { Rng } from '../random.ts';
import type { Disturbance, PlantOptions } from '../plant.ts';
import { rk4 } from '../integrate.ts';

export interface MotorParams {
  R: number;
  L: number;
  kt: number;
  ke: number;
  Jm: number;
  N: number;
  eta: number;
  Jload: number;
  payload: number;
  rLoad: number;
  b: number;
  tauC: number;
  omegaS: number;
  vMax: number;
  initSpread: number;
  dt: number;
  substeps: number;
}

/** Physical parameters of the default motor (12 V supply, inertia, friction, 100 Hz control). */
export const motorDefaults: MotorParams = {
  R: 2.0,
  L: 2e-4,
  kt: 0.02,
  ke: 0.02,
  Jm: 2e-6,
  N: 30,
  eta: 0.9,
  Jload: 1e-4,
  payload: 0.1,
  rLoad: 0.05,
  b: 1e-4,
  tauC: 0.01,
  omegaS: 0.05,
  vMax: 12,
  initSpread: 0,
  dt: 1e-3,
  substeps: 10,
};

/** Total inertia at the output shaft (kg m^2). */
export function motorInertia(p: MotorParams): number {
  return p.N ** 2 * p.Jm + p.Jload + p.payload * p.rLoad ** 2;
}

/**
 * The discrete speed model the motor follows when its electrical time constant L/R is negligible
 * (exact zero-order-hold discretisation of the quasi-static model, holding the friction term over a step):
 *   omega[k+1] = a omega[k] + b V[k] + c tanh(omega[k] / omegaS)
 */
export function motorDiscreteModel(p: MotorParams, dt = p.dt): { a: number; b: number; c: number } {
  const J = motorInertia(p);
  const beta = (p.eta * p.N * p.kt) / p.R; // N m per V
  const alpha = (p.eta * p.N ** 2 * p.kt * p.ke) / p.R + p.b; // N m s/rad
  const a = Math.exp((-alpha * dt) / J);
  return { a, b: ((1 - a) * beta) / alpha, c: (-(1 - a) * p.tauC) / alpha };
}

/** A DC motor with load (voltage input; angle and speed outputs), with payload, friction, gain, noise and delay disturbances. */
export class Motor extends BasePlant<MotorParams> {
  readonly name = 'motor';
  readonly dt: number;
  readonly stateNames = ['theta', 'omega', 'current'] as const;
  readonly actionSize = 1;

  constructor(options: PlantOptions<MotorParams> = {}) {
    super(mergeParams('motor', motorDefaults, options.params), 3, options);
    if (!Number.isInteger(this.nominal.substeps) || this.nominal.substeps < 1) throw new Error('motor: substeps must be an integer >= 1');
    if (!(this.nominal.L > 0)) throw new Error('motor: L must be > 0');
    this.dt = this.nominal.dt;
    this.reset(options.seed ?? 0);
  }

  protected initialState(rng: Rng): Float64Array {
    const w = this.params.initSpread;
    return Float64Array.of(rng.uniform(-w, w), 0, 0);
  }

  protected advance(action: ArrayLike<number>): void {
    const p = this.params;
    const v = Math.min(Math.max(action[0], -p.vMax), p.vMax) * this.gain[0];
    const J = motorInertia(p);
    const y = Float64Array.from(this.state);
    rk4((s, out) => {
      const omega = s[1], i = s[2];
      out[0] = omega;
      out[1] = (p.eta * p.N * p.kt * i - p.b * omega - p.tauC * Math.tanh(omega / p.omegaS)) / J;
      out[2] = (v - p.R * i - p.ke * p.N * omega) / p.L;
    }, y, p.dt, p.substeps);
    this.state = y;
  }

  protected applyDisturbance(d: Disturbance): void {
    if (d.kind === 'payload') this.params.payload = newPayload(this.params.payload, d);
    else if (d.kind === 'friction') {
      this.params.b = this.nominal.b * d.scale;
      this.params.tauC = this.nominal.tauC * d.scale;
    } else super.applyDisturbance(d);
  }
}
