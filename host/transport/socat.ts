// A virtual serial cable: `socat` joins two pseudo-terminals and puts stable symlinks at two paths,
// so the virtual device opens one end and the host the other, exactly as they would a USB serial port.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface SocatPair {
  /** The two link paths (symlinks to /dev/pts/N). */
  a: string;
  b: string;
  pid: number;
  /** Resolves when socat has exited (for whatever reason). */
  exited: Promise<void>;
  /** Kills socat (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

export interface SocatOptions {
  /** Link paths; default: 'device' and 'host' in a fresh temporary folder (removed when socat exits). */
  a?: string;
  b?: string;
  /** How long to wait for socat to report both ptys (ms). */
  timeoutMs?: number;
  /** Run socat in its own process group, so that a Ctrl-C on the terminal does not reach it. */
  detached?: boolean;
}

export function startSocat(opts: SocatOptions = {}): Promise<SocatPair> {
  const dir = opts.a && opts.b ? '' : mkdtempSync(path.join(tmpdir(), 'deeptrace-pty-'));
  const a = opts.a ?? path.join(dir, 'device');
  const b = opts.b ?? path.join(dir, 'host');
  let child: ChildProcess;
  try {
    child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'], detached: opts.detached === true });
  } catch (err) {
    return Promise.reject(err);
  }
  // The temporary folder (if we made it) goes when socat does.
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      resolve();
    }),
  );
  return new Promise((resolve, reject) => {
    let log = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill();
      reject(new Error(`socat: ${why}${log ? `: ${log.trim().split('\n').pop()}` : ''}`));
    };
    const timer = setTimeout(() => fail(`no ptys after ${opts.timeoutMs ?? 5000} ms`), opts.timeoutMs ?? 5000);
    child.once('error', (err) => fail(err.message));
    const early = (code: number | null) => fail(`exited with code ${code}`);
    child.once('exit', early);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      log += text;
      if (!log.includes('starting data transfer loop')) return;
      clearTimeout(timer);
      child.off('exit', early);
      child.stderr!.removeAllListeners('data');
      child.stderr!.resume();
      resolve({
        a,
        b,
        pid: child.pid!,
        exited,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}
