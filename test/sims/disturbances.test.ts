import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makePlant } from '../../sims/index.ts';
import type { Disturbance, Plant } from '../../sims/plant.ts';

function runArm(d?: Disturbance, steps = 100): Float64Array {
  const arm = makePlant('arm2', { params: { initSpread: 0, q0: [0, 0] } });
  if (d) arm.disturb(d);
  for (let k = 0; k < steps; k++) arm.step([10, 2]);
  return arm.state;
}

function motorSpeed(d?: Disturbance, volts = 6, steps = 300): number {
  const m = makePlant('motor');
  if (d) m.disturb(d);
  for (let k = 0; k < steps; k++) m.step([volts]);
  return m.state[1];
}

const dist = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.hypot(...Array.from(a, (v, i) => v - b[i]));

test('payload: doubled payload => the arm driven by the same torques ends elsewhere (and lower)', () => {
  const nominal = runArm();
  const heavy = runArm({ kind: 'payload', scale: 2 });
  assert.ok(dist(nominal, heavy) > 0.05, `moved ${dist(nominal, heavy)}`);
  assert.ok(heavy[0] < nominal[0], 'heavier arm lifts less');
  assert.equal(runArm({ kind: 'payload', mass: 1.0 }), heavy, 'mass: 1.0 = scale: 2 of the 0.5 kg default');
});

test('payload: a heavier motor load accelerates more slowly but reaches the same speed', () => {
  const early = motorSpeed(undefined, 6, 10), earlyHeavy = motorSpeed({ kind: 'payload', mass: 1 }, 6, 10);
  assert.ok(earlyHeavy < 0.8 * early, `${earlyHeavy} vs ${early}`);
  assert.ok(Math.abs(motorSpeed({ kind: 'payload', mass: 1 }, 6, 1000) - motorSpeed(undefined, 6, 1000)) < 1e-3);
});

test('friction: more friction => lower steady motor speed; arm friction changes the motion', () => {
  assert.ok(motorSpeed({ kind: 'friction', scale: 20 }) < motorSpeed() - 0.3);
  assert.ok(dist(runArm({ kind: 'friction', scale: 10 }), runArm()) > 0.01);
});

test('actuatorGain: half gain halves the applied command', () => {
  const free = (d?: Disturbance) => {
    const m = makePlant('motor', { params: { tauC: 0, b: 0 } });
    if (d) m.disturb(d);
    for (let k = 0; k < 2000; k++) m.step([8]);
    return m.state[1];
  };
  assert.ok(Math.abs(free({ kind: 'actuatorGain', gain: 0.5 }) - free() / 2) < 1e-6 * free());
  assert.equal(runArm({ kind: 'actuatorGain', gain: [1, 1] }), runArm());
  assert.ok(dist(runArm({ kind: 'actuatorGain', gain: [0.5, 1] }), runArm()) > 0.05);
  const cp = makePlant('CartPole-v1', { seed: 1 });
  cp.disturb({ kind: 'actuatorGain', gain: 0 });
  const x0 = cp.state[1];
  cp.step([1]);
  assert.ok(Math.abs(cp.state[1] - x0) < 0.01, 'no force => small cart acceleration only from the pole');
});

test('sensorDelay k: observe() returns the state from k steps ago', () => {
  for (const name of ['arm2', 'motor', 'Pendulum-v1']) {
    const p: Plant = makePlant(name, { seed: 4 });
    const history: Float64Array[] = [Float64Array.from(p.state)];
    const u = p.actionSize === 2 ? [2, 1] : [1];
    for (let k = 0; k < 20; k++) {
      p.step(u);
      history.push(Float64Array.from(p.state));
    }
    for (const k of [0, 1, 3, 7]) {
      p.disturb({ kind: 'sensorDelay', steps: k });
      assert.equal(Array.from(p.observe()), Array.from(history[history.length - 1 - k]), `${name} delay ${k}`);
    }
    p.disturb({ kind: 'sensorDelay', steps: 100 });
    assert.equal(Array.from(p.observe()), Array.from(history[0]), 'longer than the history: the oldest state kept');
  }
  const fresh = makePlant('arm2', { sensor: { delay: 2 } });
  assert.equal(Array.from(fresh.observe()), Array.from(fresh.state), 'no history yet: the current state');
});

test('sensorNoise: observe() = state + Gaussian noise of the given std, per element', () => {
  const p = makePlant('arm2', { seed: 9 });
  p.disturb({ kind: 'sensorNoise', std: [0.1, 0, 0.2, 0] });
  const n = 20000, sum = [0, 0, 0, 0], sq = [0, 0, 0, 0];
  for (let k = 0; k < n; k++) {
    const o = p.observe();
    for (let i = 0; i < 4; i++) {
      const e = o[i] - p.state[i];
      sum[i] += e;
      sq[i] += e * e;
    }
  }
  const std = sq.map((s, i) => Math.sqrt(s / n - (sum[i] / n) ** 2));
  assert.ok(Math.abs(std[0] - 0.1) < 0.005 && Math.abs(std[2] - 0.2) < 0.01, `std ${std}`);
  assert.is(std[1], 0);
  assert.ok(Math.abs(sum[0] / n) < 0.005);
  assert.throws(() => p.disturb({ kind: 'sensorNoise', std: [0.1] }), /4 element/);
});

test('unsupported disturbances throw a clear Error; malformed ones too', () => {
  assert.throws(() => makePlant('MountainCarContinuous-v0').disturb({ kind: 'payload', mass: 1 }), /plant 'MountainCarContinuous-v0' does not support the 'payload' disturbance/);
  for (const name of ['CartPole-v1', 'Pendulum-v1', 'Acrobot-v1', 'MountainCarContinuous-v0']) {
    assert.throws(() => makePlant(name).disturb({ kind: 'friction', scale: 2 }), new RegExp(`'${name}' does not support the 'friction'`));
  }
  const arm = makePlant('arm2');
  assert.throws(() => arm.disturb({ kind: 'payload' }), /exactly one of mass, scale/);
  assert.throws(() => arm.disturb({ kind: 'payload', mass: -1 }), /payload mass/);
  assert.throws(() => arm.disturb({ kind: 'sensorDelay', steps: 1.5 }), /integer/);
  assert.throws(() => arm.disturb({ kind: 'wind' } as unknown as Disturbance), /kind must be one of payload\|friction/);
});

test('Gym plants: payload changes the pole / pendulum / link mass and the motion', () => {
  for (const name of ['CartPole-v1', 'Pendulum-v1', 'Acrobot-v1']) {
    const a = makePlant(name, { seed: 2 }), b = makePlant(name, { seed: 2 });
    b.disturb({ kind: 'payload', scale: 3 });
    for (let k = 0; k < 20; k++) {
      a.step([1]);
      b.step([1]);
    }
    assert.ok(dist(a.state, b.state) > 1e-3, name);
  }
});

test.run();
