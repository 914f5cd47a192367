// arm2: a two-link planar arm in a VERTICAL plane with gravity, a point payload at the tip and viscous
// joint friction. The vertical plane makes a payload change show up in the gravity torques too.
//
// Frame: x horizontal, y up, gravity g along -y. q1 (rad) = angle of link 1 from the +x axis
// (counter-clockwise positive); q2 (rad) = angle of link 2 relative to link 1. So q = [0, 0] is the arm
// stretched out horizontally and q = [-pi/2, 0] is hanging straight down (the stable rest position).
// State [q1, q2, dq1, dq2] (rad, rad, rad/s, rad/s). Action [tau1, tau2] joint torques (N m), each
// clipped to +-tauMax, then multiplied by the actuator gain.
// Link i: mass mi (kg), length li (m), centre of mass at lci (m) from its joint, inertia Ii (kg m^2)
// about its centre of mass (defaults: uniform rods, Ii = mi li^2 / 12). Viscous friction bi (N m s/rad).
// Equations (arm2-dynamics.ts): M(q) qdd + C(q, dq) dq + g(q) + diag(b1, b2) dq = tau.
// Integration: classical RK4, `substeps` per control step (default 4 x 2.5 ms), dt = 10 ms (100 Hz).
// Reset: q = q0 + uniform(-initSpread, initSpread) per joint (rad), dq = 0.
// Disturbances: payload (kg at the tip: set/scale), friction (b = nominal b x scale), actuatorGain
// (one value or [g1, g2]), sensorNoise, sensorDelay.
import { BasePlant, mergeParams, newPayload } from '../base.ts';
import type { Rng } from '../random.ts';
import type { Disturbance, PlantOptions } from '../plant.ts';
import { rk4 } from '../integrate.ts';
import { forwardDynamics, type Arm2Physical } from './arm2-dynamics.ts';

export * from './arm2-dynamics.ts';

export interface Arm2Params extends Arm2Physical {
  tauMax: readonly [number, number];
  q0: readonly [number, number];
  initSpread: number;
  dt: number;
  substeps: number;
}

/** Physical parameters of the default arm (link lengths, masses, inertias, friction, 100 Hz control, torque limits). */
export const arm2Defaults: Arm2Params = {
  m1: 2.0,
  l1: 0.5,
  lc1: 0.25,
  I1: (2.0 * 0.5 ** 2) / 12,
  m2: 1.5,
  l2: 0.4,
  lc2: 0.2,
  I2: (1.5 * 0.4 ** 2) / 12,
  payload: 0.5,
  b1: 0.1,
  b2: 0.1,
  g: 9.81,
  tauMax: [40, 20],
  q0: [-Math.PI / 2, 0],
  initSpread: 0.05,
  dt: 0.01,
  substeps: 4,
};

/** The two-link arm in a vertical plane (torque inputs, joint angle and speed outputs), with payload, friction, gain, noise and delay disturbances. */
export class Arm2 extends BasePlant<Arm2Params> {
  readonly name = 'arm2';
  readonly dt: number;
  readonly stateNames = ['q1', 'q2', 'dq1', 'dq2'] as const;
  readonly actionSize = 2;

  constructor(options: PlantOptions<Arm2Params> = {}) {
    super(mergeParams('arm2', arm2Defaults, options.params), 4, options);
    if (!Number.isInteger(this.nominal.substeps) || this.nominal.substeps < 1) throw new Error('arm2: substeps must be an integer >= 1');
    this.dt = this.nominal.dt;
    this.reset(options.seed ?? 0);
  }

  protected initialState(rng: Rng): Float64Array {
    const { q0, initSpread: w } = this.params;
    return Float64Array.of(q0[0] + rng.uniform(-w, w), q0[1] + rng.uniform(-w, w), 0, 0);
  }

  /** The torque actually applied for a commanded one (saturation, then gain). */
  appliedTorque(action: ArrayLike<number>): Float64Array {
    const lim = this.params.tauMax;
    return Float64Array.from([0, 1], (i) => Math.min(Math.max(action[i], -lim[i]), lim[i]) * this.gain[i]);
  }

  protected advance(action: ArrayLike<number>): void {
    const tau = this.appliedTorque(action);
    const p = this.params;
    const y = Float64Array.from(this.state);
    rk4((s, out) => {
      const qdd = forwardDynamics([s[0], s[1]], [s[2], s[3]], tau, p);
      out[0] = s[2];
      out[1] = s[3];
      out[2] = qdd[0];
      out[3] = qdd[1];
    }, y, p.dt, p.substeps);
    this.state = y;
  }

  protected applyDisturbance(d: Disturbance): void {
    if (d.kind === 'payload') this.params.payload = newPayload(this.params.payload, d);
    else if (d.kind === 'friction') {
      this.params.b1 = this.nominal.b1 * d.scale;
      this.params.b2 = this.nominal.b2 * d.scale;
    } else super.applyDisturbance(d);
  }
}
