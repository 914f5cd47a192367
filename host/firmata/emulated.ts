// The emulated Uno as a serial device: opening its path powers it up (as the DTR pulse of a real
// Uno's USB serial resets it, so the firmware announces itself after the host opened), and the CPU
// then runs on the event loop in chunks of emulated time, yielding between chunks so the host's
// replies (promise and nextTick work: serialport, firmata-io, johnny-five) land before the next
// chunk. That makes a run deterministic: the same bytes arrive at the same emulated cycles.
//
// Bytes only get through when the host's baud rate is within 5% of the one the firmware set up
// (57600 for StandardFirmata); at a wrong rate a real UART sees garbage, here it sees nothing.
import { parseIntelHex } from '../../sims/avr/hex.ts';
import { Uno, UNO_CLOCK_HZ } from '../../sims/avr/uno.ts';
import { registerDevice, type SerialDevice } from './binding.ts';

export interface EmulatedUnoOptions {
  /** Flash image bytes, or Intel HEX text. */
  program: Uint8Array | string;
  /** In-process serial path (default: a fresh 'emulated:uno-N'). */
  path?: string;
  /** Called at every power-up, before the first instruction: attach the plant bench here. */
  onPowerUp?(uno: Uno): void;
  /** Emulated seconds per event-loop turn (default 1 ms). */
  chunkSeconds?: number;
  /** At most this many emulated seconds per wall second (1 = real time; default: as fast as it goes). */
  maxSpeed?: number;
  /** An exception inside the emulation (a plant going non-finite, ...): the board stops. */
  onError?(e: Error): void;
}

let counter = 0;

export class EmulatedUno implements SerialDevice {
  readonly path: string;
  uno: Uno | null = null;
  /** Wall-clock milliseconds spent while powered. */
  wallMs = 0;
  private readonly program: Uint8Array;
  private readonly unregister: () => void;
  private running = false;
  private startedAt = 0;
  private hostBaud = 0;
  private sink: ((bytes: Uint8Array) => void) | null = null;
  private out: number[] = [];

  constructor(private readonly o: EmulatedUnoOptions) {
    this.program = typeof o.program === 'string' ? parseIntelHex(o.program).bytes : o.program;
    this.path = o.path ?? `emulated:uno-${++counter}`;
    this.unregister = registerDevice(this.path, this);
  }

  /** Emulated seconds since the last power-up. */
  get seconds(): number {
    return this.uno?.seconds ?? 0;
  }

  /** Emulated seconds per wall second over the time the board was powered. */
  get speed(): number {
    const wall = (this.running ? this.wallMs + (performance.now() - this.startedAt) : this.wallMs) / 1000;
    return wall > 0 ? this.seconds / wall : NaN;
  }

  private baudOk(): boolean {
    const uno = this.uno;
    if (!uno) return false;
    const fw = uno.usart.baudRate;
    return Math.abs(this.hostBaud / fw - 1) <= 0.05;
  }

  open(sink: (bytes: Uint8Array) => void, baudRate: number): void {
    this.sink = sink;
    this.hostBaud = baudRate;
    this.powerUp();
  }

  private powerUp(): void {
    const uno = new Uno({ program: this.program });
    uno.onSerialByte = (b) => {
      if (this.baudOk()) this.out.push(b);
    };
    this.uno = uno;
    this.o.onPowerUp?.(uno);
    if (!this.running) {
      this.running = true;
      this.startedAt = performance.now();
      setImmediate(this.pump);
    }
  }

  write(bytes: Uint8Array): void {
    if (this.uno && this.baudOk()) this.uno.serialWrite(bytes);
  }

  set(flags: { dtr?: boolean }): void {
    // A real Uno resets on the falling edge of DTR (through a capacitor on the reset line).
    if (flags.dtr === false && this.running) this.powerUp();
  }

  close(): void {
    this.sink = null;
    this.stop();
  }

  private stop(): void {
    if (!this.running) return;
    this.running = false;
    this.wallMs += performance.now() - this.startedAt;
  }

  /** Stop the emulation and free the serial path. */
  dispose(): void {
    this.stop();
    this.unregister();
  }

  private readonly pump = (): void => {
    if (!this.running || !this.uno) return;
    const chunk = Math.round((this.o.chunkSeconds ?? 1e-3) * UNO_CLOCK_HZ);
    try {
      this.uno.run(chunk);
    } catch (e) {
      this.stop();
      this.o.onError?.(e as Error);
      return;
    }
    if (this.out.length > 0 && this.sink) {
      const bytes = Uint8Array.from(this.out);
      this.out = [];
      this.sink(bytes);
    }
    const max = this.o.maxSpeed;
    if (max !== undefined && Number.isFinite(max)) {
      const ahead = this.uno.seconds / max - (performance.now() - this.startedAt) / 1000;
      if (ahead > 0.002) {
        setTimeout(this.pump, ahead * 1000);
        return;
      }
    }
    setImmediate(this.pump);
  };
}

/**
 * Put an emulated board on a byte stream instead of the in-process binding: typically a SerialPort
 * open on one end of a socat pty pair, so that a host opening the other end talks to the emulated
 * Uno through a real tty. The board powers up now (a pty cannot tell when the host opens its end:
 * start this after the host opened, or the firmware's greeting is flushed and the host has to ask
 * for the version itself). Returns the function that disconnects it.
 */
export function connectToStream(board: EmulatedUno, stream: NodeJS.ReadWriteStream, baudRate = 57600): () => void {
  const onData = (d: Buffer) => board.write(Uint8Array.from(d));
  stream.on('data', onData);
  board.open((bytes) => stream.write(Buffer.from(bytes)), baudRate);
  return () => {
    stream.removeListener('data', onData);
    board.close();
  };
}
