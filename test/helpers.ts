// Small helpers shared by the tests: running the CLI as a user would, and finding shared data.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `deeptrace ARGS` in a child process, the way a user runs it. */
export function runCli(args: string[], opts: { timeout?: number; cwd?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/deeptrace.js'), ...args], {
    encoding: 'utf8',
    timeout: opts.timeout ?? 120_000,
    cwd: opts.cwd ?? repoRoot,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** True when a missing tool must fail the run instead of skipping (CI sets these). */
export const NO_SKIP = process.env.DEEPTRACE_NO_SKIP === '1' || process.env.CI === 'true';

/**
 * Whether an external command is on PATH. When it is not: in CI (NO_SKIP) this throws, locally it
 * prints a loud message and returns false so the caller can skip.
 */
export function haveTool(cmd: string, why: string): boolean {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  if (r.status === 0) return true;
  const msg = `'${cmd}' is not installed: ${why}`;
  if (NO_SKIP) throw new Error(`${msg} (CI must not skip: install it in .ci/run)`);
  process.stderr.write(`\n!!! SKIPPED: ${msg}. Install it (apt-get install) to run this test. !!!\n\n`);
  return false;
}

/** Whether a Debian package's file (a library header) is installed; like haveTool otherwise. */
export function haveFile(file: string, pkg: string, why: string): boolean {
  if (existsSync(file)) return true;
  const msg = `${file} is missing (apt-get install ${pkg}): ${why}`;
  if (NO_SKIP) throw new Error(`${msg} (CI must not skip: install it in .ci/run)`);
  process.stderr.write(`\n!!! SKIPPED: ${msg}. !!!\n\n`);
  return false;
}

/** A usage error as users see it: exit code 2, one line on stderr that names `option`, nothing on stdout. */
export function assertUsageError(args: string[], option: string): void {
  const r = runCli(args);
  assert.is(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.is(lines.length, 1, r.stderr);
  assert.ok(lines[0].includes(option), lines[0]);
  assert.is(r.stdout, '');
}
