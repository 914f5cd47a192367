// The default demo (`deeptrace run`) on a shortened run, through the CLI as a user runs it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assertUsageError, runCli } from '../helpers.ts';

const out = mkdtempSync(path.join(tmpdir(), 'deeptrace-runs-'));
const r = runCli(['run', '--seconds', '40', '--json', '--out', out]);

test('deeptrace run --json exits 0 and prints the table', () => {
  assert.is(r.code, 0, r.stderr);
  const t = JSON.parse(r.stdout);
  assert.is(t.plant, 'arm2');
  assert.is(t.scenario, 'payload');
  assert.is(t.rows.length, 5);
  assert.equal(t.phases, { warmup: 10, change: 20, end: 40 });
});

test('online deep e-prop: at most half of PD alone\'s error in both halves, and it recovers faster than the frozen net', () => {
  const t = JSON.parse(r.stdout);
  const row = (prefix: string) => t.rows.find((x: { controller: string }) => x.controller.startsWith(prefix));
  const pd = row('PD alone');
  const frozen = row('frozen network');
  const online = row('online deep e-prop');
  assert.ok(online.rmsBefore <= 0.5 * pd.rmsBefore, `before: ${online.rmsBefore} vs PD ${pd.rmsBefore}`);
  assert.ok(online.rmsAfter <= 0.5 * pd.rmsAfter, `after: ${online.rmsAfter} vs PD ${pd.rmsAfter}`);
  assert.ok(online.recoverySeconds !== null, 'online learner must recover');
  assert.ok(frozen.recoverySeconds === null || online.recoverySeconds < frozen.recoverySeconds, `online ${online.recoverySeconds} s, frozen ${frozen.recoverySeconds}`);
  // The payload change hurts the controllers that do not learn.
  assert.ok(pd.rmsAfter > 1.1 * pd.rmsBefore);
  assert.ok(frozen.rmsAfter > 1.1 * frozen.rmsBefore);
});

test('the model-free RLS baseline is in the table and beats PD alone in both halves', () => {
  const t = JSON.parse(r.stdout);
  const pd = t.rows.find((x: { controller: string }) => x.controller === 'PD alone');
  const rls = t.rows.find((x: { controller: string }) => x.controller === 'RLS feed-forward (no network)');
  assert.ok(rls, 'an RLS row');
  assert.ok(rls.rmsBefore < 0.5 * pd.rmsBefore && rls.rmsAfter < 0.5 * pd.rmsAfter, `RLS ${rls.rmsBefore} / ${rls.rmsAfter} vs PD ${pd.rmsBefore} / ${pd.rmsAfter}`);
});

test('the report folder holds the table, the series and the plot', () => {
  const t = JSON.parse(r.stdout);
  assert.ok(t.report && existsSync(t.report));
  assert.equal(readdirSync(t.report).sort(), ['plot.svg', 'report.html', 'series.csv', 'table.json']);
  const csv = readFileSync(path.join(t.report, 'series.csv'), 'utf8').trim().split('\n');
  assert.is(csv.length, 1 + 4000);
  assert.match(readFileSync(path.join(t.report, 'plot.svg'), 'utf8'), /^<svg/);
  assert.equal(JSON.parse(readFileSync(path.join(t.report, 'table.json'), 'utf8')).rows, t.rows);
  assert.match(readFileSync(path.join(t.report, 'report.html'), 'utf8'), /<svg/);
});

test('the motor plant runs too', () => {
  const m = runCli(['run', '--plant', 'motor', '--seconds', '4', '--json', '--no-report']);
  assert.is(m.code, 0, m.stderr);
  const t = JSON.parse(m.stdout);
  assert.is(t.rows.length, 5);
  assert.is(t.report, null);
});

test('every scenario runs on both plants', () => {
  for (const plant of ['arm2', 'motor']) {
    for (const scenario of ['payload', 'friction', 'gain-loss', 'sensor-noise', 'sensor-delay', 'none']) {
      const m = runCli(['run', '--plant', plant, '--scenario', scenario, '--seconds', '2', '--json', '--no-report']);
      assert.is(m.code, 0, `${plant}/${scenario}: ${m.stderr}`);
      const t = JSON.parse(m.stdout);
      assert.is(t.scenario, scenario);
      for (const row of t.rows) assert.ok(Number.isFinite(row.rmsBefore) && Number.isFinite(row.rmsAfter), `${plant}/${scenario}/${row.controller}`);
    }
  }
});

for (const [args, what] of [
  [['--plant', 'hexapod'], '--plant'],
  [['--scenario', 'earthquake'], '--scenario'],
  [['--seconds', '0'], '--seconds'],
  [['--seconds', '-5'], '--seconds'],
  [['--engine', 'bptt'], '--engine'],
  [['--seed', '1.5'], '--seed'],
] as const) {
  test(`bad input ${args.join(' ')}: one line naming ${what}, exit 2`, () => assertUsageError(['run', ...args, '--no-report'], what));
}

test.run();
