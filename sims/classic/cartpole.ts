// CartPole-v1, step for step as Gymnasium 1.4 (Barto, Sutton & Anderson 1983; the equations of
// Florian 2007 as coded in Gymnasium, explicit Euler, float64 throughout).
//
// State [x (m), x_dot (m/s), theta (rad, 0 = upright), theta_dot (rad/s)]. Action [0 | 1]: push left
// or right with force_mag (N). dt = tau = 0.02 s.
//   temp      = (F + m_p l theta_dot^2 sin(theta)) / (m_c + m_p)
//   theta_acc = (g sin(theta) - cos(theta) temp) / (l (4/3 - m_p cos^2(theta) / (m_c + m_p)))
//   x_acc     = temp - m_p l theta_acc cos(theta) / (m_c + m_p)
//   x += tau x_dot; x_dot += tau x_acc; theta += tau theta_dot; theta_dot += tau theta_acc
// l is the half pole length. Reset: every element uniform in [-0.05, 0.05] (our PRNG, not numpy's).
// Disturbances: payload = pole mass m_p (kg); actuatorGain scales F; no friction in this model.
import { BasePlant, mergeParams, newPayload } from '../base.ts';
import type { Rng } from '../random.ts';
import type { Disturbance, PlantOptions } from '../plant.ts';
import { f32, type GymPlant } from './gym.ts';

export interface CartPoleParams {
  gravity: number;
  masscart: number;
  masspole: number;
  length: number;
  forceMag: number;
  tau: number;
}

export const cartPoleDefaults: CartPoleParams = { gravity: 9.8, masscart: 1.0, masspole: 0.1, length: 0.5, forceMag: 10.0, tau: 0.02 };

const THETA_LIMIT = (12 * 2 * Math.PI) / 360;
const X_LIMIT = 2.4;

export class CartPole extends BasePlant<CartPoleParams> implements GymPlant {
  readonly name = 'CartPole-v1';
  readonly dt: number;
  readonly stateNames = ['x', 'x_dot', 'theta', 'theta_dot'] as const;
  readonly actionSize = 1;

  constructor(options: PlantOptions<CartPoleParams> = {}) {
    super(mergeParams('CartPole-v1', cartPoleDefaults, options.params), 4, options);
    this.dt = this.nominal.tau;
    this.reset(options.seed ?? 0);
  }

  protected initialState(rng: Rng): Float64Array {
    return Float64Array.from({ length: 4 }, () => rng.uniform(-0.05, 0.05));
  }

  protected advance(action: ArrayLike<number>): void {
    const a = action[0];
    if (a !== 0 && a !== 1) throw new Error(`CartPole-v1: action must be 0 or 1, got ${a}`);
    const p = this.params;
    const totalMass = p.masspole + p.masscart;
    const polemassLength = p.masspole * p.length;
    const [x, xDot, theta, thetaDot] = this.state;
    const force = (a === 1 ? p.forceMag : -p.forceMag) * this.gain[0];
    const costheta = Math.cos(theta);
    const sintheta = Math.sin(theta);
    const temp = (force + polemassLength * (thetaDot * thetaDot) * sintheta) / totalMass;
    const thetaacc = (p.gravity * sintheta - costheta * temp) / (p.length * (4.0 / 3.0 - (p.masspole * (costheta * costheta)) / totalMass));
    const xacc = temp - (polemassLength * thetaacc * costheta) / totalMass;
    this.state = Float64Array.of(x + p.tau * xDot, xDot + p.tau * xacc, theta + p.tau * thetaDot, thetaDot + p.tau * thetaacc);
  }

  protected applyDisturbance(d: Disturbance): void {
    if (d.kind === 'payload') this.params.masspole = newPayload(this.params.masspole, d);
    else super.applyDisturbance(d);
  }

  gymObservation(): Float64Array {
    return this.state.map(f32);
  }

  terminated(): boolean {
    const [x, , theta] = this.state;
    return x < -X_LIMIT || x > X_LIMIT || theta < -THETA_LIMIT || theta > THETA_LIMIT;
  }
}
