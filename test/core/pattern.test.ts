// The learning benchmark a reader of the e-prop literature recognises: pattern generation, trained
// online in the wasm core (deep-fact, 2-layer LIF) and in the float64 reference with the same
// hyperparameters, seed and initial weights.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Core } from '../../host/core/core.ts';
import { PATTERN_CONFIG, patternParams, patternTask, trainCore, trainReference, PATTERN_ITERATIONS } from '../../host/tasks/pattern-generation.ts';

test(`pattern generation: wasm deep-fact reaches NMSE <= 0.2 within 1.25x of float64 (${PATTERN_ITERATIONS} iterations)`, () => {
  const seed = 1;
  const task = patternTask(seed);
  const quantised = new Core().configure(PATTERN_CONFIG);
  quantised.setParams(patternParams(PATTERN_CONFIG, seed));
  const params = quantised.getParams();
  const core = trainCore(PATTERN_CONFIG, task, params, PATTERN_ITERATIONS);
  const ref = trainReference(PATTERN_CONFIG, task, params, PATTERN_ITERATIONS);
  assert.ok(core.nmse[0] > 0.5, `the task must start hard (first NMSE ${core.nmse[0]})`);
  assert.ok(core.final <= 0.2, `wasm NMSE ${core.final}`);
  assert.ok(core.final <= 1.25 * ref.final, `wasm ${core.final} vs float64 ${ref.final}`);
});

test.run();
