// The fixed-point tanh of the rate units, measured through the real module: a one-unit rate net with
// a = 0, W = 1, V = 1 outputs y = tanh(x).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Core } from '../../host/core/core.ts';
import { defaultCoreConfig } from '../../host/core/config.ts';

test('tanh error is at most 2 LSB of Q12 over [-8, 8)', () => {
  const core = new Core().configure(defaultCoreConfig({ neuron: 'rate', nIn: 1, units: [1], nOut: 1, recurrent: [false], a: 0, kappa: 0, interval: 1 }));
  core.setParams({ theta: [Float64Array.of(1, 0)], V: Float64Array.of(1), c: Float64Array.of(0), B: Float64Array.of(0) });
  let worst = 0;
  for (let i = -32768; i < 32768; i += 7) {
    const x = i / 4096;
    const y = core.step([x])[0];
    worst = Math.max(worst, Math.abs(y - Math.tanh(x)));
  }
  assert.ok(worst <= 2 / 4096, `worst error ${worst}`);
  assert.ok(worst > 0, 'quantisation must show');
});

test.run();
