// Small helpers shared by the tests: running the CLI as a user would, and finding shared data.
import { spawnSync } from 'node:child_process';
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
