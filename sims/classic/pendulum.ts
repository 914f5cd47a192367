// Pendulum-v1, step for step as Gymnasium 1.4.
//
// State [theta (rad, 0 = upright, not wrapped), theta_dot (rad/s)]. Action [u] torque (N m), clipped
// to [-max_torque, max_torque]. dt = 0.05 s. Semi-implicit Euler with a speed clip:
//   theta_dot' = clip(theta_dot + (3 g / (2 l) sin(theta) + 3 / (m l^2) u) dt, -max_speed, max_speed)
//   theta'     = theta + theta_dot' dt
// Observation [cos(theta), sin(theta), theta_dot] (float32). Never terminates (Gym truncates at 200).
// Reset: theta uniform in [-pi, pi], theta_dot uniform in [-1, 1] (our PRNG).
// Disturbances: payload = the pendulum mass m (kg); actuatorGain scales u after the clip; no friction.
import { BasePlant, mergeParams, newPayload } from '../base.ts';
import type { Rng } from '../random.ts';
import type { Disturbance, PlantOptions } from '../plant.ts';
import { f32, type GymPlant } from './gym.ts';

export interface PendulumParams {
  g: number;
  m: number;
  l: number;
  dt: number;
  maxSpeed: number;
  maxTorque: number;
}

export const pendulumDefaults: PendulumParams = { g: 10.0, m: 1.0, l: 1.0, dt: 0.05, maxSpeed: 8, maxTorque: 2.0 };

const clip = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

export class Pendulum extends BasePlant<PendulumParams> implements GymPlant {
  readonly name = 'Pendulum-v1';
  readonly dt: number;
  readonly stateNames = ['theta', 'theta_dot'] as const;
  readonly actionSize = 1;

  constructor(options: PlantOptions<PendulumParams> = {}) {
    super(mergeParams('Pendulum-v1', pendulumDefaults, options.params), 2, options);
    this.dt = this.nominal.dt;
    this.reset(options.seed ?? 0);
  }

  protected initialState(rng: Rng): Float64Array {
    return Float64Array.of(rng.uniform(-Math.PI, Math.PI), rng.uniform(-1, 1));
  }

  protected advance(action: ArrayLike<number>): void {
    const { g, m, l, dt, maxSpeed, maxTorque } = this.params;
    const [th, thdot] = this.state;
    const u = clip(action[0], -maxTorque, maxTorque) * this.gain[0];
    const newthdot = clip(thdot + (((3 * g) / (2 * l)) * Math.sin(th) + (3.0 / (m * l ** 2)) * u) * dt, -maxSpeed, maxSpeed);
    this.state = Float64Array.of(th + newthdot * dt, newthdot);
  }

  protected applyDisturbance(d: Disturbance): void {
    if (d.kind === 'payload') this.params.m = newPayload(this.params.m, d);
    else super.applyDisturbance(d);
  }

  gymObservation(): Float64Array {
    const [th, thdot] = this.state;
    return Float64Array.of(f32(Math.cos(th)), f32(Math.sin(th)), f32(thdot));
  }

  terminated(): boolean {
    return false;
  }
}
