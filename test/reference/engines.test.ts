// The exactness claims of the spec, each one a test: rtrl = bptt; deep-full = rtrl without lateral
// recurrence (diag leak); one layer: the three e-prop engines coincide.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig, type NeuronKind, type ResetGrad } from '../../host/reference/config.ts';
import { sequenceGradient, type EngineName } from '../../host/reference/engines/index.ts';
import { cosine, norm } from '../../host/reference/gradient.ts';
import { Network } from '../../host/reference/network.ts';
import { randomSequence } from '../../host/reference/task.ts';

const NEURONS: NeuronKind[] = ['lif', 'alif', 'rate'];

function grads(neuron: NeuronKind, L: number, recurrent: boolean, engines: EngineName[], opts: { kappa?: number; reset?: ResetGrad; seed?: number; units?: number } = {}) {
  const cfg = defaultConfig(neuron, L, opts.units ?? 6, {
    kappa: opts.kappa ?? 0.9,
    recurrent: Array(L).fill(recurrent),
    resetGrad: opts.reset ?? 'included',
    seed: opts.seed ?? 7,
  });
  const net = new Network(cfg);
  const seq = randomSequence(cfg.seed, 50, cfg.nIn, cfg.nOut, 0.3);
  return engines.map((e) => sequenceGradient(e, net, seq.inputs, seq.targets, { leak: 'diag', feedback: 'symmetric' }));
}

function assertAligned(a: Float64Array[], b: Float64Array[], min: number, what: string) {
  a.forEach((t, l) => {
    assert.ok(norm(b[l]) > 0, `${what}: layer ${l + 1} has a non-zero reference gradient`);
    const c = cosine(t, b[l]);
    assert.ok(c > min, `${what}: layer ${l + 1} cosine ${c}`);
  });
}

for (const neuron of NEURONS) {
  for (const recurrent of [false, true]) {
    test(`rtrl = bptt: ${neuron}, recurrence ${recurrent ? 'on' : 'off'}, L=3`, () => {
      const [bptt, rtrl] = grads(neuron, 3, recurrent, ['bptt', 'rtrl']);
      assertAligned(rtrl.theta, bptt.theta, 0.9999, 'rtrl vs bptt');
      assert.ok(cosine(rtrl.V, bptt.V) > 0.9999);
    });
  }
}

for (const neuron of NEURONS) {
  for (const L of [1, 2, 3, 4]) {
    test(`deep-full = rtrl without lateral recurrence: ${neuron}, L=${L}`, () => {
      const [rtrl, full] = grads(neuron, L, false, ['rtrl', 'deep-full']);
      assertAligned(full.theta, rtrl.theta, 0.9999, 'deep-full vs rtrl');
    });
  }
}

test('deep-full = rtrl also with the reset path detached (LIF)', () => {
  const [rtrl, full] = grads('lif', 3, false, ['rtrl', 'deep-full'], { reset: 'detached' });
  assertAligned(full.theta, rtrl.theta, 0.9999, 'deep-full vs rtrl');
});

test('with lateral recurrence deep-full is not exact (the test above can fail)', () => {
  const [rtrl, full] = grads('rate', 3, true, ['rtrl', 'deep-full'], { units: 8 });
  const worst = Math.min(...full.theta.map((t, l) => cosine(t, rtrl.theta[l])));
  assert.ok(worst < 0.9999, `worst cosine ${worst}`);
});

for (const neuron of NEURONS) {
  for (const recurrent of [false, true]) {
    test(`L=1: eprop, deep-full and deep-fact coincide: ${neuron}, recurrence ${recurrent ? 'on' : 'off'}`, () => {
      const [ep, full, fact] = grads(neuron, 1, recurrent, ['eprop', 'deep-full', 'deep-fact']);
      for (const other of [full, fact]) {
        for (let i = 0; i < ep.theta[0].length; i++) {
          assert.ok(Math.abs(ep.theta[0][i] - other.theta[0][i]) <= 1e-9 * (1 + Math.abs(ep.theta[0][i])), `entry ${i}`);
        }
      }
      assert.ok(norm(ep.theta[0]) > 0);
    });
  }
}

test.run();
