// PD control per joint: u_i = kp_i (target_i - x_i) + kd_i (targetVel_i - v_i), clipped to +-uMax_i.
import { clamp, gains } from './vec.ts';

export interface PDOptions {
  kp: number | ArrayLike<number>;
  kd: number | ArrayLike<number>;
  /** output limit (default none) */
  uMax?: number | ArrayLike<number>;
}

export class PD {
  readonly kp: Float64Array;
  readonly kd: Float64Array;
  readonly uMax: Float64Array;

  constructor(readonly size: number, options: PDOptions) {
    this.kp = gains('PD kp', options.kp, size);
    this.kd = gains('PD kd', options.kd, size);
    this.uMax = gains('PD uMax', options.uMax ?? Infinity, size);
  }

  /** Command for position/velocity targets and measurements (targetVel defaults to 0). */
  update(target: ArrayLike<number>, x: ArrayLike<number>, v: ArrayLike<number>, targetVel?: ArrayLike<number>): Float64Array {
    const u = new Float64Array(this.size);
    for (let i = 0; i < this.size; i++) {
      u[i] = clamp(this.kp[i] * (target[i] - x[i]) + this.kd[i] * ((targetVel?.[i] ?? 0) - v[i]), this.uMax[i]);
    }
    return u;
  }
}
