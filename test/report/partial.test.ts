// A run killed while it writes its report folder (SIGKILL: no handler runs) leaves its temp folder
// <timestamp>.partial-<pid>; the next run that writes to the same --out removes it, and leaves any
// of a process still alive alone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot, runCli } from '../helpers.ts';

const PARTIAL = /\.partial-\d+$/;
const entries = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);

/** `deeptrace run --seconds 40 --out DIR`, SIGKILLed as soon as its .partial folder appears; null if it finished first. */
function killWhileWriting(out: string): Promise<string | null> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/deeptrace.js'), 'run', '--seconds', '40', '--json', '--out', out], { stdio: 'ignore' });
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      if (entries(out).some((n) => PARTIAL.test(n))) child.kill('SIGKILL');
    }, 2);
    child.once('exit', (_code, signal) => {
      clearInterval(poll);
      resolve(signal === 'SIGKILL' ? entries(out).find((n) => PARTIAL.test(n)) ?? null : null);
    });
  });
}

/** The report a --json run printed: all four files, the table with its five rows. */
function assertCompleteReport(stdout: string): string {
  const dir = JSON.parse(stdout).report as string;
  assert.equal(readdirSync(dir).sort(), ['plot.svg', 'report.html', 'series.csv', 'table.json']);
  assert.is(JSON.parse(readFileSync(path.join(dir, 'table.json'), 'utf8')).rows.length, 5);
  assert.match(readFileSync(path.join(dir, 'report.html'), 'utf8'), /<\/html>\n$/);
  return path.basename(dir);
}

test('run --out killed (SIGKILL) while writing: the .partial folder it leaves is gone after the next run, whose report is complete', async () => {
  const out = mkdtempSync(path.join(tmpdir(), 'deeptrace-partial-'));
  let left: string | null = null;
  for (let k = 0; k < 3 && !left; k++) left = await killWhileWriting(out);
  assert.ok(left, 'the run finished before its .partial folder was seen, three times');
  assert.equal(entries(out), [left], 'the killed run left its temp folder and nothing else');
  const r = runCli(['run', '--seconds', '2', '--json', '--out', out]);
  assert.is(r.code, 0, r.stderr);
  assert.equal(entries(out), [assertCompleteReport(r.stdout)]);
});

test("a stale .partial folder of a dead pid is removed, one of a live process (this test's) is not", () => {
  const out = mkdtempSync(path.join(tmpdir(), 'deeptrace-partial-'));
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // exited and reaped: no such process
  const live = `2026-01-01T00-00-00-000Z.partial-${process.pid}`;
  mkdirSync(path.join(out, `2026-01-01T00-00-00-000Z.partial-${dead}`));
  mkdirSync(path.join(out, live));
  const r = runCli(['run', '--seconds', '2', '--json', '--out', out]);
  assert.is(r.code, 0, r.stderr);
  assert.equal(entries(out).sort(), [assertCompleteReport(r.stdout), live].sort());
});

test.run();
