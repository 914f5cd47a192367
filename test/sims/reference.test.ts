import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SumOfSines } from '../../sims/reference.ts';

test('SumOfSines: analytic derivatives match finite differences; periodic', () => {
  const ref = new SumOfSines([
    { offset: 0.3, components: [{ amplitude: 0.5, frequency: 0.25 }, { amplitude: 0.2, frequency: 0.75, phase: 1 }] },
    { components: [{ amplitude: 1, frequency: 1.5, phase: -0.3 }] },
  ]);
  const h = 1e-5;
  for (const t of [0, 0.37, 2.2, 7.9]) {
    const r = ref.at(t), rp = ref.at(t + h), rm = ref.at(t - h);
    for (let i = 0; i < 2; i++) {
      assert.ok(Math.abs((rp.pos[i] - rm.pos[i]) / (2 * h) - r.vel[i]) < 1e-6);
      assert.ok(Math.abs((rp.vel[i] - rm.vel[i]) / (2 * h) - r.acc[i]) < 1e-5);
    }
    const later = ref.at(t + 4); // period 1 / 0.25 Hz
    for (let i = 0; i < 2; i++) assert.ok(Math.abs(later.pos[i] - r.pos[i]) < 1e-12);
  }
  assert.is(ref.at(0).pos[0], 0.3 + 0.2 * Math.sin(1));
  assert.throws(() => new SumOfSines([]), /at least one/);
});

test.run();
