// The paper's central claim on the hard case: 4-layer LIF with lateral recurrence, kappa 0.95,
// diag leak, 10 seeds: deep-full aligns better with bptt than per-layer e-prop on the lowest layer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_GRADCHECK, gradcheck } from '../../host/gradcheck/compare.ts';

test('deep-full beats eprop on layer 1 of a 4-layer recurrent LIF net', () => {
  const { results } = gradcheck({ ...DEFAULT_GRADCHECK, neuron: 'lif', layers: [4], recurrent: true, leak: 'diag', kappa: 0.95, seeds: 10, engines: ['eprop', 'deep-full'] });
  const ep = results.find((r) => r.engine === 'eprop')!;
  const full = results.find((r) => r.engine === 'deep-full')!;
  assert.is(ep.cosine.length, 4);
  assert.ok(full.cosine[0] > ep.cosine[0], `deep-full ${full.cosine[0]} vs eprop ${ep.cosine[0]}`);
  // Both engines agree on the top layer (same learning signal there, symmetric feedback).
  assert.ok(Math.abs(full.cosine[3] - ep.cosine[3]) < 1e-9);
});

test.run();
