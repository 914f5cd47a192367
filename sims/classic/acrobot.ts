// Acrobot-v1, step for step as Gymnasium 1.4 (Sutton & Barto's "book" dynamics, as coded in
// Gymnasium: Gym's own fixed-step RK4 over one dt, then angle wrapping and speed bounds).
//
// State [theta1 (rad, 0 = hanging down), theta2 (rad, relative to link 1), dtheta1 (rad/s),
// dtheta2 (rad/s)]. Action [0 | 1 | 2] = torque -1, 0, +1 (N m) on the joint between the links.
// dt = 0.2 s. With link masses m1, m2, lengths l1, centres of mass lc1, lc2, moments I1 = I2:
//   d1 = m1 lc1^2 + m2 (l1^2 + lc2^2 + 2 l1 lc2 cos t2) + I1 + I2
//   d2 = m2 (lc2^2 + l1 lc2 cos t2) + I2
//   phi2 = m2 lc2 g cos(t1 + t2 - pi/2)
//   phi1 = -m2 l1 lc2 dt2^2 sin t2 - 2 m2 l1 lc2 dt2 dt1 sin t2 + (m1 lc1 + m2 l1) g cos(t1 - pi/2) + phi2
//   ddt2 = (a + d2/d1 phi1 - m2 l1 lc2 dt1^2 sin t2 - phi2) / (m2 lc2^2 + I2 - d2^2/d1)
//   ddt1 = -(d2 ddt2 + phi1) / d1
// After the RK4 step: theta1, theta2 wrapped into [-pi, pi]; dtheta1 bounded to +-4 pi, dtheta2 to +-9 pi.
// Observation [cos t1, sin t1, cos t2, sin t2, dt1, dt2] (float32). Terminated: -cos t1 - cos(t1 + t2) > 1.
// Reset: each element uniform in [-0.1, 0.1], rounded to float32 (as Gym does; our PRNG).
// Disturbances: payload = link 2 mass m2 (kg); actuatorGain scales the torque; no friction in this model.
import { BasePlant, mergeParams, newPayload } from '../base.ts';
import type { Rng } from '../random.ts';
import type { Disturbance, PlantOptions } from '../plant.ts';
import { f32, type GymPlant } from './gym.ts';

export interface AcrobotParams {
  dt: number;
  linkLength1: number;
  linkMass1: number;
  linkMass2: number;
  linkComPos1: number;
  linkComPos2: number;
  linkMoi: number;
  g: number;
}

export const acrobotDefaults: AcrobotParams = {
  dt: 0.2,
  linkLength1: 1.0,
  linkMass1: 1.0,
  linkMass2: 1.0,
  linkComPos1: 0.5,
  linkComPos2: 0.5,
  linkMoi: 1.0,
  g: 9.8,
};

const MAX_VEL_1 = 4 * Math.PI;
const MAX_VEL_2 = 9 * Math.PI;
const AVAIL_TORQUE = [-1.0, 0.0, 1];

function wrap(x: number, m: number, M: number): number {
  const diff = M - m;
  while (x > M) x = x - diff;
  while (x < m) x = x + diff;
  return x;
}

const bound = (x: number, m: number, M: number) => Math.min(Math.max(x, m), M);

/** Time derivative of [t1, t2, dt1, dt2, a] (the torque rides along with derivative 0, as in Gym). */
export function acrobotDerivs(p: AcrobotParams, s: Float64Array): Float64Array {
  const { linkMass1: m1, linkMass2: m2, linkLength1: l1, linkComPos1: lc1, linkComPos2: lc2, linkMoi: I1, g } = p;
  const I2 = p.linkMoi;
  const [theta1, theta2, dtheta1, dtheta2, a] = s;
  const d1 = m1 * lc1 ** 2 + m2 * (l1 ** 2 + lc2 ** 2 + 2 * l1 * lc2 * Math.cos(theta2)) + I1 + I2;
  const d2 = m2 * (lc2 ** 2 + l1 * lc2 * Math.cos(theta2)) + I2;
  const phi2 = m2 * lc2 * g * Math.cos(theta1 + theta2 - Math.PI / 2.0);
  const phi1 =
    -m2 * l1 * lc2 * dtheta2 ** 2 * Math.sin(theta2) -
    2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * Math.sin(theta2) +
    (m1 * lc1 + m2 * l1) * g * Math.cos(theta1 - Math.PI / 2) +
    phi2;
  const ddtheta2 = (a + (d2 / d1) * phi1 - m2 * l1 * lc2 * dtheta1 ** 2 * Math.sin(theta2) - phi2) / (m2 * lc2 ** 2 + I2 - d2 ** 2 / d1);
  const ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
  return Float64Array.of(dtheta1, dtheta2, ddtheta1, ddtheta2, 0.0);
}

/** One step of Gym's rk4(derivs, y0, [0, dt]) with the same operation order. */
function gymRk4(f: (y: Float64Array) => Float64Array, y0: Float64Array, dt: number): Float64Array {
  const dt2 = dt / 2.0;
  const axpy = (a: number, k: Float64Array) => y0.map((v, i) => v + a * k[i]);
  const k1 = f(y0);
  const k2 = f(axpy(dt2, k1));
  const k3 = f(axpy(dt2, k2));
  const k4 = f(axpy(dt, k3));
  const h = dt / 6.0;
  return y0.map((v, i) => v + h * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
}

export class Acrobot extends BasePlant<AcrobotParams> implements GymPlant {
  readonly name = 'Acrobot-v1';
  readonly dt: number;
  readonly stateNames = ['theta1', 'theta2', 'dtheta1', 'dtheta2'] as const;
  readonly actionSize = 1;

  constructor(options: PlantOptions<AcrobotParams> = {}) {
    super(mergeParams('Acrobot-v1', acrobotDefaults, options.params), 4, options);
    this.dt = this.nominal.dt;
    this.reset(options.seed ?? 0);
  }

  protected initialState(rng: Rng): Float64Array {
    return Float64Array.from({ length: 4 }, () => f32(rng.uniform(-0.1, 0.1)));
  }

  protected advance(action: ArrayLike<number>): void {
    const a = action[0];
    if (a !== 0 && a !== 1 && a !== 2) throw new Error(`Acrobot-v1: action must be 0, 1 or 2, got ${a}`);
    const torque = AVAIL_TORQUE[a] * this.gain[0];
    const y0 = Float64Array.of(...this.state, torque);
    const ns = gymRk4((y) => acrobotDerivs(this.params, y), y0, this.params.dt);
    this.state = Float64Array.of(
      wrap(ns[0], -Math.PI, Math.PI),
      wrap(ns[1], -Math.PI, Math.PI),
      bound(ns[2], -MAX_VEL_1, MAX_VEL_1),
      bound(ns[3], -MAX_VEL_2, MAX_VEL_2),
    );
  }

  protected applyDisturbance(d: Disturbance): void {
    if (d.kind === 'payload') this.params.linkMass2 = newPayload(this.params.linkMass2, d);
    else super.applyDisturbance(d);
  }

  gymObservation(): Float64Array {
    const [t1, t2, d1, d2] = this.state;
    return Float64Array.of(Math.cos(t1), Math.sin(t1), Math.cos(t2), Math.sin(t2), d1, d2).map(f32);
  }

  terminated(): boolean {
    const [t1, t2] = this.state;
    return -Math.cos(t1) - Math.cos(t2 + t1) > 1.0;
  }
}
