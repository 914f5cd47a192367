// bptt against central finite differences, on rate networks (smooth, so differences are exact to h^2).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../../host/reference/config.ts';
import { bpttGradient, sequenceLoss } from '../../host/reference/engines/index.ts';
import { Network } from '../../host/reference/network.ts';
import { randomSequence } from '../../host/reference/task.ts';

function fdRelativeError(layers: number, recurrent: boolean, kappa: number, seed: number): number {
  const cfg = defaultConfig('rate', layers, 4, { kappa, seed, recurrent: Array(layers).fill(recurrent) });
  const net = new Network(cfg);
  const seq = randomSequence(seed, 25, cfg.nIn, cfg.nOut);
  const g = bpttGradient(net, seq.inputs, seq.targets);
  const h = 1e-5;
  let num = 0, den = 0;
  const arrays = [...net.params.theta, net.params.V, net.params.c];
  const grads = [...g.theta, g.V, g.c];
  arrays.forEach((arr, a) => {
    for (let i = 0; i < arr.length; i++) {
      const old = arr[i];
      arr[i] = old + h;
      const lp = sequenceLoss(net, seq.inputs, seq.targets);
      arr[i] = old - h;
      const lm = sequenceLoss(net, seq.inputs, seq.targets);
      arr[i] = old;
      const fd = (lp - lm) / (2 * h);
      num += (fd - grads[a][i]) ** 2;
      den += fd * fd;
    }
  });
  assert.ok(den > 1e-6, 'the loss must depend on the parameters');
  return Math.sqrt(num / den);
}

for (const layers of [1, 2, 3]) {
  for (const recurrent of [false, true]) {
    test(`bptt = finite differences: rate, L=${layers}, recurrence ${recurrent ? 'on' : 'off'}`, () => {
      const err = fdRelativeError(layers, recurrent, 0.8, layers * 10 + (recurrent ? 1 : 0));
      assert.ok(err < 1e-6, `relative error ${err}`);
    });
  }
}

test('a perturbed gradient fails the same check (the check can fail)', () => {
  const cfg = defaultConfig('rate', 2, 4, { seed: 5 });
  const net = new Network(cfg);
  const seq = randomSequence(5, 25, cfg.nIn, cfg.nOut);
  const g = bpttGradient(net, seq.inputs, seq.targets);
  const i = 3;
  const old = net.params.theta[0][i];
  net.params.theta[0][i] = old + 1e-5;
  const lp = sequenceLoss(net, seq.inputs, seq.targets);
  net.params.theta[0][i] = old - 1e-5;
  const lm = sequenceLoss(net, seq.inputs, seq.targets);
  net.params.theta[0][i] = old;
  const fd = (lp - lm) / 2e-5;
  assert.ok(Math.abs(fd - g.theta[0][i]) < 1e-6 * Math.max(1, Math.abs(fd)));
  assert.ok(Math.abs(fd - 1.01 * g.theta[0][i]) > 1e-9, 'a 1% error is visible');
});

test.run();
