// The random smooth references of `run --reference random`: seeded, band-limited, within range,
// and not the periodic reference.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomSmoothReference, RANDOM_REFERENCE_BAND } from '../../sims/reference.ts';
import { taskFor, TASKS } from '../../sims/loop/task.ts';
import { runCli } from '../helpers.ts';

test('within offset +- excursion for 1000 s, the same for a seed, different across seeds', () => {
  const spec = [{ offset: -1.2, excursion: 0.7 }, { offset: 0.8, excursion: 0.6 }];
  const a = randomSmoothReference(3, spec), b = randomSmoothReference(3, spec), c = randomSmoothReference(4, spec);
  let lo = [Infinity, Infinity], hi = [-Infinity, -Infinity], diff = 0, maxSpeed = 0;
  for (let t = 0; t < 1000; t += 0.01) {
    const x = a.at(t);
    for (let i = 0; i < 2; i++) {
      lo[i] = Math.min(lo[i], x.pos[i]);
      hi[i] = Math.max(hi[i], x.pos[i]);
      maxSpeed = Math.max(maxSpeed, Math.abs(x.vel[i]));
    }
    assert.equal(Array.from(b.at(t).pos), Array.from(x.pos));
    diff = Math.max(diff, Math.abs(c.at(t).pos[0] - x.pos[0]));
  }
  spec.forEach((s, i) => {
    assert.ok(lo[i] >= s.offset - s.excursion - 1e-12 && hi[i] <= s.offset + s.excursion + 1e-12, `joint ${i}: [${lo[i]}, ${hi[i]}]`);
    assert.ok(hi[i] - lo[i] > s.excursion, 'it uses a good part of its range');
  });
  assert.ok(diff > 0.1, 'another seed, another trajectory');
  // band-limited: |v| <= 2 pi f_max x excursion
  assert.ok(maxSpeed <= 2 * Math.PI * RANDOM_REFERENCE_BAND[1] * 0.7 + 1e-9);
});

test('the random task is not the periodic one, and the plant starts on its reference', () => {
  const periodic = TASKS.arm2, random = taskFor('arm2', 'random', 1);
  let far = 0;
  for (let t = 0; t < 60; t += 0.1) far = Math.max(far, Math.abs(random.reference.at(t).pos[0] - periodic.reference.at(t).pos[0]));
  assert.ok(far > 0.2);
  const plant = random.makePlant(1);
  assert.ok(Math.abs(plant.observe()[0] - random.reference.at(0).pos[0]) < 0.05);
  // not periodic with the periodic task's period
  let sameAfterPeriod = 0;
  for (let t = 0; t < 20; t += 0.1) sameAfterPeriod = Math.max(sameAfterPeriod, Math.abs(random.reference.at(t + periodic.period).pos[0] - random.reference.at(t).pos[0]));
  assert.ok(sameAfterPeriod > 0.05);
  assert.throws(() => taskFor('arm2', 'sine' as 'random'), /unknown reference 'sine'/);
});

test('deeptrace run --reference random: both plants, the table says which reference', () => {
  for (const plant of ['arm2', 'motor']) {
    const r = runCli(['run', '--plant', plant, '--reference', 'random', '--seconds', '4', '--json', '--no-report']);
    assert.is(r.code, 0, r.stderr);
    const t = JSON.parse(r.stdout);
    assert.is(t.reference, 'random');
    assert.is(t.rows.length, 5);
    for (const row of t.rows) assert.ok(Number.isFinite(row.rmsBefore) && Number.isFinite(row.rmsAfter), `${plant}/${row.controller}`);
  }
  const bad = runCli(['run', '--reference', 'random', '--mode', 'forward-model']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /--reference random goes with --mode tracking/);
});

test.run();
