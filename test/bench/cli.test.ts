// `npm run bench`'s options (bench/run.ts): a help that names every option, and bad input refused
// with one line and exit code 2 before any table is computed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';

function bench(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], { encoding: 'utf8', timeout: 60_000 });
}

test('bench --help lists every option and exits 0', () => {
  const r = bench('--help');
  assert.is(r.status, 0, r.stderr);
  for (const o of ['--json', '--no-learning', '--learning-only', '--learning-jobs', '--no-build', '--no-qemu']) assert.ok(r.stdout.includes(o), `help names ${o}`);
});

test('bench refuses an unknown option, a bad --learning-jobs and contradictory options with exit code 2', () => {
  const cases: [string[], RegExp][] = [
    [['--bogus'], /unknown option '--bogus'/],
    [['--learning-jobs', '0'], /must be an integer >= 1, got "0"/],
    [['--no-learning', '--learning-only'], /cannot be used with/],
  ];
  for (const [args, msg] of cases) {
    const r = bench(...args);
    assert.is(r.status, 2, `${args.join(' ')}: status ${r.status}`);
    assert.match(r.stderr, msg);
    assert.is(r.stdout, '', `${args.join(' ')}: no table`);
  }
});

test.run();
