// Online learning on the reference: step with an input, learn with an error vector.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../../host/reference/config.ts';
import { Learner } from '../../host/reference/learner.ts';
import { randomSequence } from '../../host/reference/task.ts';

function trainedMse(optimizer: 'sgd' | 'adam', lr: number, epochs: number, engine: 'eprop' | 'deep-fact' | 'deep-full' = 'deep-fact') {
  const cfg = defaultConfig('lif', 2, 12, { kappa: 0.9, seed: 4, nIn: 8 });
  const learner = new Learner(cfg, { engine, optimizer, lr, interval: 50 });
  const seq = randomSequence(4, 200, cfg.nIn, cfg.nOut);
  const mses: number[] = [];
  const err = new Float64Array(cfg.nOut);
  for (let ep = 0; ep < epochs; ep++) {
    learner.reset();
    let mse = 0;
    seq.inputs.forEach((x, t) => {
      const y = learner.step(x);
      for (let k = 0; k < err.length; k++) {
        err[k] = y[k] - seq.targets[t][k];
        mse += err[k] ** 2 / (seq.inputs.length * err.length);
      }
      learner.learn(err);
    });
    mses.push(mse);
  }
  return mses;
}

test('online deep-fact with Adam lowers the error', () => {
  const m = trainedMse('adam', 0.01, 30);
  assert.ok(m[m.length - 1] < 0.5 * m[0], `first ${m[0]}, last ${m[m.length - 1]}`);
});

test('online deep-full with SGD lowers the error', () => {
  const m = trainedMse('sgd', 1e-4, 20, 'deep-full');
  assert.ok(m[m.length - 1] < 0.8 * m[0], `first ${m[0]}, last ${m[m.length - 1]}`);
});

test('learning rate 0 changes nothing', () => {
  const m = trainedMse('sgd', 0, 3);
  assert.ok(Math.abs(m[2] - m[0]) < 1e-15);
});

test('bad learner options are refused', () => {
  const cfg = defaultConfig('lif', 1, 4);
  assert.throws(() => new Learner(cfg, { engine: 'eprop', lr: -1 }), /lr/);
  assert.throws(() => new Learner(cfg, { engine: 'eprop', lr: 0.1, interval: 0 }), /interval/);
});

test.run();
