// Slotine-Li adaptive computed torque for arm2 (Slotine & Li 1987), integrated at the control rate.
//   e = q - qd, de = dq - dqd, s = de + Lambda e
//   qr_d = dqd - Lambda e, qr_dd = ddqd - Lambda de
//   tau = Y(q, dq, qr_d, qr_dd) a_hat - K_D s            (then clipped to +-tauMax if given)
//   a_hat <- a_hat + dt (-Gamma Y^T s)                    (explicit Euler at the control rate)
// Lambda, K_D and Gamma are diagonal. a_hat follows arm2-dynamics.ts's parameter vector.
import { ARM2_NUM_PARAMS, regressor, type Arm2Kinematics } from '../robot/arm2-dynamics.ts';
import type { ReferenceSample } from '../reference.ts';
import { clamp, gains } from './vec.ts';

export interface SlotineLiOptions {
  lambda: number | ArrayLike<number>;
  kd: number | ArrayLike<number>;
  /** adaptation gains (diagonal of Gamma), one or 6 */
  gamma: number | ArrayLike<number>;
  /** initial estimate (default zeros) */
  aHat0?: ArrayLike<number>;
  /** known geometry */
  kinematics: Arm2Kinematics;
  /** control period (s) */
  dt: number;
  tauMax?: number | ArrayLike<number>;
  /** freeze a_hat (then this is computed torque with a fixed model) */
  adapt?: boolean;
}

export class SlotineLi {
  readonly aHat: Float64Array;
  private readonly lambda: Float64Array;
  private readonly kd: Float64Array;
  private readonly gamma: Float64Array;
  private readonly tauMax: Float64Array;
  /** the last sliding variable s */
  readonly s = new Float64Array(2);

  constructor(private readonly options: SlotineLiOptions) {
    this.lambda = gains('lambda', options.lambda, 2);
    this.kd = gains('kd', options.kd, 2);
    this.gamma = gains('gamma', options.gamma, ARM2_NUM_PARAMS);
    this.tauMax = gains('tauMax', options.tauMax ?? Infinity, 2);
    this.aHat = options.aHat0 ? gains('aHat0', options.aHat0, ARM2_NUM_PARAMS) : new Float64Array(ARM2_NUM_PARAMS);
    if (!(options.dt > 0)) throw new Error('SlotineLi dt must be > 0');
  }

  /** Torque for the measured q, dq and the reference sample; then one adaptation step. */
  update(q: ArrayLike<number>, dq: ArrayLike<number>, ref: ReferenceSample): Float64Array {
    const e = [q[0] - ref.pos[0], q[1] - ref.pos[1]];
    const de = [dq[0] - ref.vel[0], dq[1] - ref.vel[1]];
    const qrd = [ref.vel[0] - this.lambda[0] * e[0], ref.vel[1] - this.lambda[1] * e[1]];
    const qrdd = [ref.acc[0] - this.lambda[0] * de[0], ref.acc[1] - this.lambda[1] * de[1]];
    for (let i = 0; i < 2; i++) this.s[i] = de[i] + this.lambda[i] * e[i];
    const Y = regressor(q, dq, qrd, qrdd, this.options.kinematics);
    const P = ARM2_NUM_PARAMS;
    const tau = new Float64Array(2);
    for (let i = 0; i < 2; i++) {
      let ya = 0;
      for (let j = 0; j < P; j++) ya += Y[i * P + j] * this.aHat[j];
      tau[i] = clamp(ya - this.kd[i] * this.s[i], this.tauMax[i]);
    }
    if (this.options.adapt !== false) {
      for (let j = 0; j < P; j++) {
        this.aHat[j] -= this.options.dt * this.gamma[j] * (Y[j] * this.s[0] + Y[P + j] * this.s[1]);
      }
    }
    return tau;
  }
}
