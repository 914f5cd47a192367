// The optimisers of the float64 reference, RowRms above all: its steps are normalised per row
// (invariant to the gradient's scale), refreshed round-robin, and on the pattern task it learns far
// better than online SGD from the same weights (bench table 6 has all five seeds and 150 passes).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Gradient } from '../../host/reference/gradient.ts';
import type { Params } from '../../host/reference/network.ts';
import { RowRms } from '../../host/reference/optim.ts';
import { Learner } from '../../host/reference/learner.ts';
import { defaultConfig } from '../../host/reference/config.ts';
import { corePatternParams, PATTERN_CONFIG, patternTask, trainReference } from '../../host/tasks/pattern-generation.ts';

// Two hidden layers of 3 and 2 rows (4 and 3 presynaptic values), a readout of 2 x 2.
const ROWS = [3, 2];
function params(): Params {
  return { theta: [new Float64Array(12), new Float64Array(6)], V: new Float64Array(4), c: new Float64Array(2), B: new Float64Array(4) };
}
function gradient(scale: number, t: number): Gradient {
  const f = (n: number, o: number) => Float64Array.from({ length: n }, (_, i) => scale * Math.sin(1.7 * (i + o) + 0.3 * t));
  return { theta: [f(12, 0), f(6, 20)], V: f(4, 40), c: f(2, 50) };
}
function run(scale: number, steps: number): Params {
  const p = params();
  const opt = new RowRms(1e-3, ROWS, { hiddenFloor: 1e-12, readoutFloor: 1e-12 });
  for (let t = 0; t < steps; t++) opt.apply(p, gradient(scale, t));
  return p;
}
const flat = (p: Params) => [...p.theta.flatMap((a) => Array.from(a)), ...p.V, ...p.c];

test('row-RMS steps do not depend on the scale of the gradient (above the floors)', () => {
  const a = flat(run(1, 200)), b = flat(run(1e4, 200)), c = flat(run(1e-3, 200));
  assert.ok(a.some((v) => Math.abs(v) > 1e-3), 'the weights moved');
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i] - b[i]) <= 1e-9 * (1 + Math.abs(a[i])), `weight ${i}: ${a[i]} vs ${b[i]} (gradient x 1e4)`);
    assert.ok(Math.abs(a[i] - c[i]) <= 1e-9 * (1 + Math.abs(a[i])), `weight ${i}: ${a[i]} vs ${c[i]} (gradient x 1e-3)`);
  }
});

test('row-RMS: a step moves each weight by about lr, a plain SGD step by lr x gradient', () => {
  const p = params();
  const opt = new RowRms(1e-3, ROWS);
  const g = gradient(50, 0);
  // Every row sampled once (3 steps cover both layers' rows), then one more step: |step| <= lr x max |g| / RMS of its row.
  for (let t = 0; t < 3; t++) opt.apply(p, g);
  const before = flat(p);
  opt.apply(p, g);
  const step = flat(p).map((v, i) => Math.abs(v - before[i]));
  const biggest = Math.max(...step);
  assert.ok(biggest > 1e-4 && biggest < 1e-2, `largest step ${biggest} (lr 1e-3, gradient up to 50)`);
});

test('row-RMS: the floors bound the step of a row with a vanishing gradient', () => {
  const p = params();
  const opt = new RowRms(1e-3, ROWS, { hiddenFloor: 1, readoutFloor: 1, outputFloor: 1 });
  opt.apply(p, gradient(1e-6, 0));
  assert.ok(flat(p).every((v) => Math.abs(v) <= 1e-3 * 1e-6 + 1e-18), 'with floor 1 a step is at most lr x |g|');
});

test('bad row-RMS options and optimiser names are refused', () => {
  assert.throws(() => new RowRms(1e-3, ROWS, { beta: 1 }), /beta/);
  assert.throws(() => new RowRms(1e-3, ROWS, { hiddenFloor: 0 }), /floors/);
  const cfg = defaultConfig('lif', 1, 4);
  assert.throws(() => new Learner(cfg, { engine: 'eprop', lr: 0.1, optimizer: 'rmsprop' as 'sgd' }), /optimizer must be sgd, adam or row-rms, got rmsprop/);
});

test('pattern task, seed 2, 40 passes: online row-RMS learns at least 3x better than online SGD from the same weights', () => {
  const cfg = PATTERN_CONFIG, seed = 2, task = patternTask(seed), w = corePatternParams(cfg, seed);
  const sgd = trainReference(cfg, task, w, 40, undefined, 10, 'sgd');
  const rms = trainReference(cfg, task, w, 40, undefined, 10, 'row-rms');
  assert.ok(rms.final < sgd.final / 3, `row-RMS NMSE ${rms.final.toFixed(4)} vs SGD ${sgd.final.toFixed(4)}`);
});

test.run();
