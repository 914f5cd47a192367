import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makePlant, plantNames } from '../../sims/index.ts';
import { Rng } from '../../sims/random.ts';
import type { Plant } from '../../sims/plant.ts';

/** A valid action for step k on any plant (discrete Gym actions are indices). */
function action(plant: Plant, k: number): number[] {
  if (plant.name === 'CartPole-v1') return [k % 2];
  if (plant.name === 'Acrobot-v1') return [k % 3];
  if (plant.name === 'motor') return [6 * Math.sin(k / 50)];
  if (plant.name === 'arm2') return [3 * Math.sin(k / 20), Math.cos(k / 30)];
  return [Math.sin(k / 10)];
}

function trajectory(name: string, seed: number, steps = 50): number[] {
  const plant = makePlant(name, { seed, sensor: { noiseStd: 0.01 } });
  const out: number[] = [...plant.state];
  for (let k = 0; k < steps; k++) {
    plant.step(action(plant, k));
    out.push(...plant.state, ...plant.observe());
  }
  return out;
}

for (const name of plantNames) {
  test(`${name}: same seed, same trajectory and readings; different seed, different`, () => {
    const a = trajectory(name, 7);
    assert.equal(trajectory(name, 7), a);
    assert.not.equal(trajectory(name, 8), a);
  });

  test(`${name}: reset(seed) reproduces the run after a disturbance`, () => {
    const plant = makePlant(name, { seed: 3 });
    const run = () => {
      const out: number[] = [];
      for (let k = 0; k < 30; k++) {
        plant.step(action(plant, k));
        out.push(...plant.observe());
      }
      return out;
    };
    plant.reset(3);
    const first = run();
    plant.disturb({ kind: 'actuatorGain', gain: 0.5 });
    plant.disturb({ kind: 'sensorNoise', std: 0.1 });
    plant.reset(3);
    assert.equal(run(), first);
  });
}

test('initial states of the randomly initialised plants depend on the seed', () => {
  for (const name of ['CartPole-v1', 'Pendulum-v1', 'Acrobot-v1', 'MountainCarContinuous-v0', 'arm2']) {
    assert.not.equal([...makePlant(name, { seed: 1 }).state], [...makePlant(name, { seed: 2 }).state], name);
  }
});

test('Gym plants reset into Gymnasium ranges', () => {
  for (let seed = 0; seed < 50; seed++) {
    assert.ok(makePlant('CartPole-v1', { seed }).state.every((v) => Math.abs(v) <= 0.05));
    const [th, thd] = makePlant('Pendulum-v1', { seed }).state;
    assert.ok(Math.abs(th) <= Math.PI && Math.abs(thd) <= 1);
    assert.ok(makePlant('Acrobot-v1', { seed }).state.every((v) => Math.abs(v) <= 0.1 && Math.fround(v) === v));
    const [x, v] = makePlant('MountainCarContinuous-v0', { seed }).state;
    assert.ok(x >= -0.6 && x <= -0.4 && v === 0);
  }
});

test('Rng: reproducible, uniform in [0, 1), Gaussian with mean 0 and variance 1', () => {
  const a = new Rng(42), b = new Rng(42), c = new Rng(42, 1);
  const xs = Array.from({ length: 20000 }, () => a.next());
  assert.equal(Array.from({ length: 20000 }, () => b.next()), xs);
  assert.not.equal(c.next(), xs[0]);
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.01, `uniform mean ${mean}`);
  const g = new Rng(5);
  const zs = Array.from({ length: 40000 }, () => g.gauss());
  const m = zs.reduce((s, x) => s + x, 0) / zs.length;
  const v = zs.reduce((s, x) => s + (x - m) ** 2, 0) / zs.length;
  assert.ok(Math.abs(m) < 0.02 && Math.abs(v - 1) < 0.03, `gauss mean ${m} var ${v}`);
  assert.throws(() => new Rng(1.5), /seed/);
});

test.run();
