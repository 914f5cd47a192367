import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makePlant, plantNames, gymPlantNames } from '../../sims/index.ts';

test('plantNames lists every plant; makePlant builds each with a matching name', () => {
  assert.equal([...plantNames].sort(), ['Acrobot-v1', 'CartPole-v1', 'MountainCarContinuous-v0', 'Pendulum-v1', 'arm2', 'motor']);
  assert.equal([...gymPlantNames].sort(), ['Acrobot-v1', 'CartPole-v1', 'MountainCarContinuous-v0', 'Pendulum-v1']);
  for (const name of plantNames) {
    const p = makePlant(name);
    assert.is(p.name, name);
    assert.is(p.state.length, p.stateNames.length);
    assert.ok(p.dt > 0 && p.actionSize >= 1);
  }
});

test('an unknown plant name throws, listing the allowed names', () => {
  assert.throws(() => makePlant('arm3'), (e: Error) => e instanceof Error && /unknown plant 'arm3'/.test(e.message) && plantNames.every((n) => e.message.includes(n)));
  assert.throws(() => makePlant('toString'), /unknown plant/);
});

test('params are checked against the plant', () => {
  assert.throws(() => makePlant('arm2', { params: { mass: 1 } }), /unknown parameter 'mass' for plant 'arm2' \(allowed: m1,/);
  assert.throws(() => makePlant('arm2', { params: { m1: 'heavy' } }), /'m1' of plant 'arm2' must be a finite number/);
  assert.throws(() => makePlant('arm2', { params: { tauMax: [1] } }), /array of 2/);
  assert.is(makePlant('motor', { params: { dt: 0.002 } }).dt, 0.002);
});

test('step rejects actions of the wrong size or non-finite values', () => {
  assert.throws(() => makePlant('arm2').step([1]), /arm2: action must have 2/);
  assert.throws(() => makePlant('motor').step([NaN]), /finite/);
  assert.throws(() => makePlant('CartPole-v1').step([2]), /0 or 1/);
  assert.throws(() => makePlant('Acrobot-v1').step([0.5]), /0, 1 or 2/);
});

test.run();
