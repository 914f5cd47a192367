// A Transport over a real serial port (or a pty) with serialport 13. serialport notices most
// hang-ups itself, but misses a pty whose other side dies right after a read; so the device node is
// also checked every LIVENESS_MS (a USB adapter's node or a pty's /dev/pts/N vanishes on unplug).
import { EventEmitter } from 'node:events';
import { realpathSync, statSync } from 'node:fs';
import { SerialPort } from 'serialport';
import type { Transport, TransportEvents } from './transport.ts';
import { DEFAULT_BAUD } from './baud.ts';

export { BAUD_RATES, DEFAULT_BAUD } from './baud.ts';
export const LIVENESS_MS = 500;

/** The device node behind a path and its device number, or null where that cannot be known. */
function nodeOf(path: string): { real: string; rdev: number } | null {
  try {
    const real = realpathSync(path);
    return { real, rdev: statSync(real).rdev };
  } catch {
    return null;
  }
}

export interface SerialOptions {
  /** Line rate (default DEFAULT_BAUD); the CLI's --baud takes one of BAUD_RATES. */
  baudRate?: number;
}

export class SerialTransport extends EventEmitter<TransportEvents> implements Transport {
  private done = false;
  private closing: Promise<void> | null = null;
  private readonly liveness: NodeJS.Timeout | null;

  private constructor(private readonly port: SerialPort) {
    super();
    const node = nodeOf(port.path);
    this.liveness = node
      ? setInterval(() => {
          const now = nodeOf(node.real);
          if (now?.rdev === node.rdev) return;
          this.finish(true, new Error(`${node.real} went away`));
          if (port.isOpen) port.close(() => {});
        }, LIVENESS_MS).unref()
      : null;
    port.on('data', (chunk: Buffer) => this.emit('data', new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)));
    // Errors after open (a write to a vanished pty) end in 'close' too; keep them from crashing.
    port.on('error', () => {});
    port.on('close', (err?: Error & { disconnected?: boolean }) => this.finish(err?.disconnected === true || !this.closing, err ?? undefined));
  }

  get name(): string {
    return this.port.path;
  }

  /** The rate the port was opened at. */
  get baudRate(): number {
    return this.port.baudRate;
  }

  get isOpen(): boolean {
    return !this.done;
  }

  /** Opens `path`; rejects with the OS error (no such file, busy, permission). Stale input is dropped. */
  static open(path: string, opts: SerialOptions = {}): Promise<SerialTransport> {
    return new Promise((resolve, reject) => {
      const port = new SerialPort({ path, baudRate: opts.baudRate ?? DEFAULT_BAUD, autoOpen: false });
      port.open((err) => {
        if (err) return reject(err);
        port.flush(() => resolve(new SerialTransport(port)));
      });
    });
  }

  write(bytes: Uint8Array): void {
    if (this.done || !this.port.isOpen) return;
    this.port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
  }

  close(): Promise<void> {
    if (this.done) return Promise.resolve();
    this.closing ??= new Promise<void>((resolve) => {
      this.once('close', () => resolve());
      if (this.port.isOpen) this.port.close(() => this.finish(false));
      else this.finish(false);
    });
    return this.closing;
  }

  private finish(unplugged: boolean, error?: Error): void {
    if (this.done) return;
    this.done = true;
    if (this.liveness) clearInterval(this.liveness);
    this.emit('close', { unplugged, error });
  }
}
