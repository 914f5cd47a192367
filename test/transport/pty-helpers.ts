// For the tests that need real ptys: the CLI's virtual device as a child process, and the CLI run
// asynchronously (so the test can signal it while it runs).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../helpers.ts';

const BIN = path.join(repoRoot, 'bin/deeptrace.js');

export interface DeviceProcess {
  hostPath: string;
  child: ChildProcess;
  stderr(): string;
  /** SIGINT (as Ctrl-C) and wait for the exit code. */
  stop(): Promise<number | null>;
}

/** `deeptrace device --pty [--link PATH]`; resolves once it prints the host-side path. */
export function startDeviceProcess(args: string[] = []): Promise<DeviceProcess> {
  const child = spawn(process.execPath, [BIN, 'device', '--pty', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`device did not start: ${out} ${err}`)), 15000);
    child.once('exit', (code) => reject(new Error(`device exited (${code}): ${err}`)));
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /host side: (\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        hostPath: m[1],
        child,
        stderr: () => err,
        stop: () => {
          if (child.exitCode === null) child.kill('SIGINT');
          return exited;
        },
      });
    });
  });
}

export interface AsyncCliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `deeptrace ARGS`; with `interruptAfterMs`, sends SIGINT then (Ctrl-C). */
/**
 * The CLI as a child process. interruptAfterMs sends SIGINT after that long; interruptWhen sends it
 * (then after interruptAfterMs more, default 0) once the predicate holds of the child's output so
 * far, polled every 50 ms, so a loaded machine cannot interrupt the command before it has started
 * what the test interrupts.
 */
export function runCliAsync(args: string[], opts: { interruptAfterMs?: number; interruptWhen?: (out: { stdout: string; stderr: string }) => boolean; timeoutMs?: number } = {}): Promise<AsyncCliResult> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: repoRoot, env: { ...process.env, FORCE_COLOR: '0' } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const timers = [setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60000)];
  if (opts.interruptWhen) {
    const poll = setInterval(() => {
      if (!opts.interruptWhen!({ stdout, stderr })) return;
      clearInterval(poll);
      timers.push(setTimeout(() => child.kill('SIGINT'), opts.interruptAfterMs ?? 0));
    }, 50);
    child.once('exit', () => clearInterval(poll));
  } else if (opts.interruptAfterMs !== undefined) {
    timers.push(setTimeout(() => child.kill('SIGINT'), opts.interruptAfterMs));
  }
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      timers.forEach(clearTimeout);
      resolve({ code, stdout, stderr });
    });
  });
}
