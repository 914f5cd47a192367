// The offline baseline of the pattern task (trainOffline): BPTT + Adam on the float64 reference from
// the weights the core starts from. Seed 1 with few passes, so that it stays fast; the full table
// (5 seeds, 150 passes) is `npm run bench`, table 6.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cosine, type Gradient } from '../../host/reference/gradient.ts';
import { corePatternParams, PATTERN_CONFIG, patternNmse, patternTask, trainCore, trainOffline } from '../../host/tasks/pattern-generation.ts';

const SEED = 1;
const PASSES = 30;
const task = patternTask(SEED);
const params = corePatternParams(PATTERN_CONFIG, SEED);

const flat = (g: Gradient) => Float64Array.from([...g.theta.flatMap((t) => [...t]), ...g.V, ...g.c]);

test(`offline BPTT + Adam beats the online wasm core after the same ${PASSES} passes (seed ${SEED})`, () => {
  const before = flat(params);
  const initial = patternNmse(PATTERN_CONFIG, task, params);
  const bptt = trainOffline(PATTERN_CONFIG, task, params, 'bptt', PASSES);
  const core = trainCore(PATTERN_CONFIG, task, params, PASSES);
  assert.ok(initial > 0.5, `the task must start hard (initial NMSE ${initial})`);
  assert.equal(Array.from(flat(params)), Array.from(before), 'trainOffline must not change the weights it is given');
  assert.ok(bptt.final < 0.5, `offline BPTT NMSE ${bptt.final} after ${PASSES} passes`);
  assert.ok(bptt.final < core.final, `offline BPTT ${bptt.final} vs online wasm core ${core.final}`);
});

test('the first pass: deep-fact and e-prop gradients point where BPTT does (cosine > 0.9 per layer)', () => {
  const first: Record<string, Gradient> = {};
  for (const engine of ['bptt', 'deep-fact', 'eprop'] as const) {
    trainOffline(PATTERN_CONFIG, task, params, engine, 1, { onPass: (i, g) => { if (i === 0) first[engine] = g; } });
  }
  const exact = first.bptt;
  assert.ok(exact.theta.every((t) => t.some((v) => v !== 0)), 'BPTT gradient reaches every layer');
  for (const engine of ['deep-fact', 'eprop']) {
    const g = first[engine];
    const whole = cosine(flat(g), flat(exact));
    assert.ok(whole > 0.9, `${engine} whole-gradient cosine ${whole}`);
    g.theta.forEach((t, l) => {
      const c = cosine(t, exact.theta[l]);
      assert.ok(c > 0.9, `${engine} layer ${l + 1} cosine ${c}`);
    });
  }
});

test.run();
