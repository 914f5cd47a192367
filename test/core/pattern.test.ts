// The learning benchmark a reader of the e-prop literature recognises: pattern generation, trained
// online in the wasm core (deep-fact, 2-layer LIF) and in the float64 reference with the same
// hyperparameters, seed and initial weights. Every seed must hold the bounds, not only the first.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PATTERN_CONFIG, corePatternParams, patternNmse, patternTask, trainCore, trainReference, PATTERN_ITERATIONS, ROW_RMS_LR } from '../../host/tasks/pattern-generation.ts';

/** Seeds and bounds: wasm NMSE <= MAX_NMSE and <= RATIO x the float64 run of the same rule. */
const SEEDS = [1, 2, 3, 4, 5];
const MAX_NMSE = 0.2;
const RATIO = 1.1; // issue 10: within 10 % of the float64 reference (the Q28 readout made it: 0.96-1.07x)

for (const seed of SEEDS) {
  test(`pattern generation, seed ${seed}: wasm deep-fact reaches NMSE <= ${MAX_NMSE} within ${RATIO}x of float64 (${PATTERN_ITERATIONS} iterations)`, () => {
    const task = patternTask(seed);
    const params = corePatternParams(PATTERN_CONFIG, seed);
    const initial = patternNmse(PATTERN_CONFIG, task, params); // before the training runs use params
    const core = trainCore(PATTERN_CONFIG, task, params, PATTERN_ITERATIONS);
    const ref = trainReference(PATTERN_CONFIG, task, params, PATTERN_ITERATIONS);
    assert.ok(initial > 1, `the task must start hard (initial NMSE ${initial})`);
    assert.ok(core.final < 0.1 * initial, `wasm NMSE ${core.final} from ${initial}: it must learn`);
    assert.ok(core.final <= MAX_NMSE, `wasm NMSE ${core.final}`);
    assert.ok(core.final <= RATIO * ref.final, `wasm ${core.final} vs float64 ${ref.final}`);
  });
}

// Row-RMS (the core's normalised optimiser, optimizer 'row-rms'): every seed far below what SGD
// reaches (0.09-0.19), and on seed 1 within 1.2x of the float64 RowRms run of the same rule (the
// float64 runs are the slow part; bench table 6 has all five).
const RMS_CONFIG = { ...PATTERN_CONFIG, optimizer: 'row-rms' as const, lr: ROW_RMS_LR };
const RMS_MAX_NMSE = 0.035;
const RMS_RATIO = 1.2;
test(`pattern generation, seeds ${SEEDS.join(', ')}: wasm row-RMS reaches NMSE <= ${RMS_MAX_NMSE}`, () => {
  for (const seed of SEEDS) {
    const core = trainCore(RMS_CONFIG, patternTask(seed), corePatternParams(PATTERN_CONFIG, seed), PATTERN_ITERATIONS);
    assert.ok(core.final <= RMS_MAX_NMSE, `seed ${seed}: wasm row-RMS NMSE ${core.final}`);
  }
});
for (const seed of [1]) {
  test(`pattern generation, seed ${seed}: wasm row-RMS within ${RMS_RATIO}x of the float64 RowRms run`, () => {
    const task = patternTask(seed);
    const params = corePatternParams(PATTERN_CONFIG, seed);
    const core = trainCore(RMS_CONFIG, task, params, PATTERN_ITERATIONS);
    const ref = trainReference(PATTERN_CONFIG, task, params, PATTERN_ITERATIONS, undefined, 10, 'row-rms');
    assert.ok(core.final <= RMS_RATIO * ref.final, `wasm ${core.final} vs float64 ${ref.final}`);
  });
}

test.run();
