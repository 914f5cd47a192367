// Fixed point against float64: the same engine, the same (quantised) weights and inputs; the core
// accumulates its gradient (interval 0), the reference computes it in float64 on the core's own
// trajectory (host/core/shadow.ts says why), with the same error signal.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MCU_REF, MCU_SMALL, type CoreConfig } from '../../host/core/config.ts';
import { cosine, norm } from '../../host/reference/gradient.ts';
import { compareFixed } from '../../host/gradcheck/fixed.ts';

function agreement(cfg: CoreConfig, seed: number, memoryBytes = 0) {
  const r = compareFixed(cfg, seed, 300, seed + 2, true, memoryBytes);
  const ref = r.reference;
  return {
    cos: r.core.theta.map((t, l) => cosine(t, ref.theta[l])),
    ratio: r.core.theta.map((t, l) => norm(t) / norm(ref.theta[l])),
    cosV: cosine(r.core.V, ref.V),
    closeSteps: r.oneStepAgreement,
  };
}

const CASES: [string, CoreConfig, number?][] = [
  ['mcu-small (LIF, deep-full)', MCU_SMALL],
  ['mcu-ref (LIF, deep-fact)', MCU_REF],
  ['LIF eprop, random feedback', { ...MCU_SMALL, engine: 'eprop', feedback: 'random' }],
  ['rate, deep-full, 3 layers', { ...MCU_SMALL, neuron: 'rate', units: [8, 8, 8], recurrent: [true, false, true] }],
  ['ALIF, deep-fact', { ...MCU_SMALL, neuron: 'alif', engine: 'deep-fact' }],
  ['ALIF, deep-full, 3 layers', { ...MCU_SMALL, neuron: 'alif', engine: 'deep-full', units: [8, 8, 8], recurrent: [true, true, true] }],
  // Larger than one page: the core grows its memory to the limit the host gives it.
  ['mcu-ref shape (2x32 LIF), deep-full, 4 pages', { ...MCU_REF, engine: 'deep-full' }, 4 * 65536],
];

for (const [name, cfg, memoryBytes] of CASES) {
  for (const seed of [1, 2]) {
    test(`fixed vs float gradient, ${name}, seed ${seed}: cosine >= 0.99 on every layer`, () => {
      const r = agreement(cfg, seed, memoryBytes);
      r.cos.forEach((c, l) => assert.ok(c >= 0.99, `layer ${l + 1}: cosine ${c}`));
      r.ratio.forEach((x, l) => assert.ok(x > 0.9 && x < 1.1, `layer ${l + 1}: norm ratio ${x}`));
      assert.ok(r.cosV >= 0.99, `readout cosine ${r.cosV}`);
      assert.ok(r.closeSteps >= 0.95, `one-step outputs agree on only ${r.closeSteps} of the steps`);
    });
  }
}

test.run();
