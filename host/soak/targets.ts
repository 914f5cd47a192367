// The devices a soak runs against, each a child process on one end of a socat pty pair whose other
// end the host opens, with a store folder that outlives the process:
//   virtual: `deeptrace device --port PTY --store DIR` (the virtual device, host/device/);
//   native:  `firmware/build/native/dt_fw --store DIR PTY` (the C firmware, POSIX HAL, AOT core).
// socat stays up while the device process is killed and restarted (a reset: the USB-serial
// adapter stays plugged while the board reboots) and while the host closes and reopens its end.
// Both run in their own process groups, so that a Ctrl-C on the terminal stops only the soak (which
// then ends the run cleanly); they are killed when the soak's process exits, however it exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSocat, type SocatPair } from '../transport/socat.ts';

export type TargetName = 'virtual' | 'native';
export const TARGET_NAMES: readonly TargetName[] = ['virtual', 'native'];

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const NATIVE_FIRMWARE = path.join(repoRoot, 'firmware/build/native/dt_fw');
const CLI = path.join(repoRoot, 'bin/deeptrace.js');
/** Bytes of device log kept (the tail), for error messages. */
const LOG_KEEP = 16_384;

export interface BootOptions {
  /** Arm the store's power cut: the process dies after this many bytes of store writes. */
  cutAt?: number;
}

export class SoakTarget {
  readonly dir: string;
  readonly hostPath: string;
  readonly devicePath: string;
  readonly storeDir: string;
  private socat: SocatPair | null = null;
  private child: ChildProcess | null = null;
  private exit: Promise<number | null> = Promise.resolve(null);
  private log = '';
  /** Device processes started so far. */
  boots = 0;
  private readonly onExit = () => {
    if (this.alive) this.child!.kill('SIGKILL');
    try {
      if (this.socat) process.kill(this.socat.pid, 'SIGTERM');
    } catch {
      // gone already
    }
    rmSync(this.dir, { recursive: true, force: true });
  };

  constructor(readonly name: TargetName) {
    this.dir = mkdtempSync(path.join(tmpdir(), `deeptrace-soak-${name}-`));
    this.hostPath = path.join(this.dir, 'host');
    this.devicePath = path.join(this.dir, 'device');
    this.storeDir = path.join(this.dir, 'store');
    mkdirSync(this.storeDir);
    process.on('exit', this.onExit);
  }

  /** Why this target cannot run here, or null. */
  static missing(name: TargetName): string | null {
    if (name === 'native' && !existsSync(NATIVE_FIRMWARE)) return `the native firmware is not built (${path.relative(process.cwd(), NATIVE_FIRMWARE) || NATIVE_FIRMWARE}): run make -C firmware native`;
    return null;
  }

  /** Starts the pty pair (once) and the device process. */
  async boot(o: BootOptions = {}): Promise<void> {
    if (this.alive) throw new Error(`${this.name} device: already running`);
    if (!this.socat) {
      try {
        this.socat = await startSocat({ a: this.devicePath, b: this.hostPath, detached: true });
      } catch (err) {
        throw new Error((err as NodeJS.ErrnoException).code === 'ENOENT' ? "'socat' is not installed (apt-get install socat)" : (err as Error).message);
      }
    }
    const cut = o.cutAt !== undefined ? ['--store-cut-at', String(o.cutAt)] : [];
    const child =
      this.name === 'virtual'
        ? spawn(process.execPath, [CLI, 'device', '--port', this.devicePath, '--store', this.storeDir, ...cut], { stdio: ['ignore', 'ignore', 'pipe'], detached: true, env: { ...process.env, FORCE_COLOR: '0' } })
        : spawn(NATIVE_FIRMWARE, ['--store', this.storeDir, ...cut, this.devicePath], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    this.child = child;
    this.boots++;
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => {
      this.log += d;
      if (this.log.length > 2 * LOG_KEEP) this.log = this.log.slice(-LOG_KEEP);
    });
    this.exit = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null)));
      child.once('error', () => resolve(-1));
    });
  }

  get alive(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves when the current device process has exited. */
  exited(): Promise<number | null> {
    return this.exit;
  }

  /** SIGKILL (the board loses power) and wait for the exit. */
  async kill(): Promise<void> {
    if (this.alive) this.child!.kill('SIGKILL');
    await this.exit;
  }

  /** Empties the store folder (between processes only). */
  /** Stops the device process for ms (SIGSTOP, then SIGCONT): a device that stalls (testing the soak). */
  pause(ms: number): void {
    if (!this.alive) return;
    const child = this.child!;
    child.kill('SIGSTOP');
    setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGCONT');
    }, ms).unref?.();
  }

  wipeStore(): void {
    if (this.alive) throw new Error(`${this.name} device: the store is in use`);
    rmSync(this.storeDir, { recursive: true, force: true });
    mkdirSync(this.storeDir);
  }

  /** The tail of the device's log (stderr). */
  tail(lines = 10): string {
    return this.log.trimEnd().split('\n').slice(-lines).join('\n');
  }

  async close(): Promise<void> {
    await this.kill();
    await this.socat?.stop();
    this.socat = null;
    process.off('exit', this.onExit);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
