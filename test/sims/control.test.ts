import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Arm2, inertialParameters } from '../../sims/robot/arm2.ts';
import { Motor, motorDiscreteModel } from '../../sims/robot/motor.ts';
import { PD } from '../../sims/control/pd.ts';
import { SlotineLi } from '../../sims/control/slotine-li.ts';
import { Rls, RlsMotorSpeedController } from '../../sims/control/rls.ts';
import { SumOfSines, type ReferenceSample } from '../../sims/reference.ts';

const LAMBDA = 8;
const KD = [10, 4];
const GAMMA = [1, 0.3, 0.3, 20, 0.02, 0.02];
const ref = new SumOfSines([
  { offset: -1.2, components: [{ amplitude: 0.5, frequency: 0.25 }, { amplitude: 0.2, frequency: 0.75, phase: 1 }] },
  { offset: 0.8, components: [{ amplitude: 0.4, frequency: 0.5, phase: 0.5 }, { amplitude: 0.2, frequency: 1.25 }] },
]);

type Controller = (q: number[], dq: number[], r: ReferenceSample) => ArrayLike<number>;

/** Run arm2 on the reference; returns the RMS joint error (rad) over the last 4 s. */
function track(arm: Arm2, control: Controller, seconds: number, onStep?: (k: number) => void): number {
  const r0 = ref.at(0);
  arm.state = Float64Array.of(r0.pos[0], r0.pos[1], r0.vel[0], r0.vel[1]);
  const steps = Math.round(seconds / arm.dt);
  let se = 0, n = 0;
  for (let k = 0; k < steps; k++) {
    onStep?.(k);
    const t = k * arm.dt;
    arm.step(control([arm.state[0], arm.state[1]], [arm.state[2], arm.state[3]], ref.at(t)));
    if (t >= seconds - 4) {
      const r = ref.at(t + arm.dt);
      se += (arm.state[0] - r.pos[0]) ** 2 + (arm.state[1] - r.pos[1]) ** 2;
      n++;
    }
  }
  return Math.sqrt(se / n);
}

test('PD holds arm2 near a static setpoint against gravity', () => {
  const arm = new Arm2({ params: { initSpread: 0 } });
  const pd = new PD(2, { kp: [300, 100], kd: [10, 4], uMax: arm.params.tauMax });
  const target = [0.3, 0.5]; // from hanging straight down
  for (let k = 0; k < 500; k++) arm.step(pd.update(target, [arm.state[0], arm.state[1]], [arm.state[2], arm.state[3]]));
  assert.ok(Math.abs(arm.state[0] - target[0]) < 0.1 && Math.abs(arm.state[1] - target[1]) < 0.1, `q ${arm.state}`);
  assert.ok(Math.abs(arm.state[2]) < 1e-3 && Math.abs(arm.state[3]) < 1e-3, 'settled');
  assert.equal(Array.from(new PD(1, { kp: 10, kd: 0, uMax: 2 }).update([5], [0], [0])), [2]);
});

test('Slotine-Li tracks a periodic reference far better than PD with the same K_D after 20 s', () => {
  const pd = new PD(2, { kp: KD.map((k) => k * LAMBDA), kd: KD }); // = -K_D s
  const pdRms = track(new Arm2({ params: { initSpread: 0 } }), (q, dq, r) => pd.update(r.pos, q, dq, r.vel), 20);
  const arm = new Arm2({ params: { initSpread: 0 } });
  const sl = new SlotineLi({ lambda: LAMBDA, kd: KD, gamma: GAMMA, kinematics: arm.params, dt: arm.dt, tauMax: arm.params.tauMax });
  const slRms = track(arm, (q, dq, r) => sl.update(q, dq, r), 20);
  assert.ok(slRms < pdRms / 10, `Slotine-Li ${slRms} rad vs PD ${pdRms} rad`);
  assert.ok(slRms < 0.02, `Slotine-Li RMS ${slRms} rad`);
});

test('Slotine-Li: after the payload doubles, the estimate moves toward the new true parameters', () => {
  const arm = new Arm2({ params: { initSpread: 0 } });
  const sl = new SlotineLi({ lambda: LAMBDA, kd: KD, gamma: GAMMA, kinematics: arm.params, dt: arm.dt, aHat0: inertialParameters(arm.params), tauMax: arm.params.tauMax });
  const change = Math.round(20 / arm.dt);
  let errAtChange: number[] = [];
  const inertial = [0, 1, 2, 3]; // the well-excited inertial and gravity parameters
  const errors = () => {
    const truth = inertialParameters(arm.params);
    return inertial.map((j) => Math.abs(sl.aHat[j] - truth[j]) / truth[j]);
  };
  const rms = track(arm, (q, dq, r) => sl.update(q, dq, r), 60, (k) => {
    if (k === change) {
      arm.disturb({ kind: 'payload', scale: 2 });
      errAtChange = errors();
    }
  });
  const errEnd = errors();
  for (let i = 0; i < inertial.length; i++) {
    assert.ok(errEnd[i] < 0.5 * errAtChange[i], `a[${inertial[i]}]: relative error ${errAtChange[i]} -> ${errEnd[i]}`);
  }
  assert.ok(Math.max(...errEnd) < 0.1, `relative errors ${errEnd}`);
  assert.ok(rms < 0.02, `RMS ${rms}`);
});

test('RLS identifies the motor discrete model on noiseless data', () => {
  const m = new Motor();
  const rls = new Rls(3);
  const omegaS = m.params.omegaS;
  for (let k = 0; k < 5000; k++) {
    const t = k * m.dt;
    const v = 6 * Math.sin(2 * Math.PI * 3 * t) + 4 * Math.sin(2 * Math.PI * 11 * t + 1) + 2 * Math.sin(2 * Math.PI * 0.7 * t);
    const w0 = m.state[1];
    m.step([v]);
    rls.update([w0, v, Math.tanh(w0 / omegaS)], m.state[1]);
  }
  const truth = motorDiscreteModel(m.params);
  const [a, b, c] = rls.theta;
  assert.ok(Math.abs(a - truth.a) < 0.005 * truth.a, `a ${a} vs ${truth.a}`);
  assert.ok(Math.abs(b - truth.b) < 0.01 * truth.b, `b ${b} vs ${truth.b}`);
  assert.ok(Math.abs(c - truth.c) < 0.25 * Math.abs(truth.c), `c ${c} vs ${truth.c}`);
});

test('RLS indirect adaptive speed control tracks a reference and re-adapts after a payload change', () => {
  const m = new Motor();
  const ctl = new RlsMotorSpeedController({ lambda: 0.998, omegaS: m.params.omegaS, vMax: m.params.vMax, pole: 0.8 });
  const speedRef = (t: number) => 8 * Math.sin(2 * Math.PI * 1 * t) + 3 * Math.sin(2 * Math.PI * 2.5 * t);
  const rmsOver = (from: number, to: number) => {
    let se = 0;
    for (let k = from; k < to; k++) {
      const t = k * m.dt;
      m.step([ctl.update(m.state[1], speedRef(t), speedRef(t + m.dt))]);
      se += (m.state[1] - speedRef(t + m.dt)) ** 2;
    }
    return Math.sqrt(se / (to - from));
  };
  rmsOver(0, 2000);
  const settled = rmsOver(2000, 4000);
  assert.ok(settled < 0.05, `RMS speed error ${settled} rad/s`);
  m.disturb({ kind: 'payload', mass: 1 });
  rmsOver(4000, 6000);
  const after = rmsOver(6000, 8000);
  assert.ok(after < 0.05, `RMS speed error after payload change ${after} rad/s`);
  const truth = motorDiscreteModel(m.params);
  assert.ok(Math.abs(ctl.model.a - truth.a) < 0.02 * truth.a, `a ${ctl.model.a} vs ${truth.a}`);
});

test.run();
