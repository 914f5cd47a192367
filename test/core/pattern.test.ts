// The learning benchmark a reader of the e-prop literature recognises: pattern generation, trained
// online in the wasm core (deep-fact, 2-layer LIF) and in the float64 reference with the same
// hyperparameters, seed and initial weights. Every seed must hold the bounds, not only the first.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PATTERN_CONFIG, corePatternParams, patternTask, trainCore, trainReference, PATTERN_ITERATIONS } from '../../host/tasks/pattern-generation.ts';

/** Seeds and bounds: wasm NMSE <= MAX_NMSE and <= RATIO x the float64 run of the same rule. */
const SEEDS = [1, 2, 3, 4, 5];
const MAX_NMSE = 0.2;
const RATIO = 1.3;

for (const seed of SEEDS) {
  test(`pattern generation, seed ${seed}: wasm deep-fact reaches NMSE <= ${MAX_NMSE} within ${RATIO}x of float64 (${PATTERN_ITERATIONS} iterations)`, () => {
    const task = patternTask(seed);
    const params = corePatternParams(PATTERN_CONFIG, seed);
    const core = trainCore(PATTERN_CONFIG, task, params, PATTERN_ITERATIONS);
    const ref = trainReference(PATTERN_CONFIG, task, params, PATTERN_ITERATIONS);
    assert.ok(core.nmse[0] > 0.5, `the task must start hard (first NMSE ${core.nmse[0]})`);
    assert.ok(core.final <= MAX_NMSE, `wasm NMSE ${core.final}`);
    assert.ok(core.final <= RATIO * ref.final, `wasm ${core.final} vs float64 ${ref.final}`);
  });
}

test.run();
