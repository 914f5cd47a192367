// Byte faults on the wire: a Transport wrapper between the host's link and the serial port that, when
// armed, damages the next frame going one way. Corruption XORs one to three bytes of the frame with
// non-zero values (a byte that becomes 0x00 splits the frame; a delimiter that changes merges it
// with the next one); a drop removes a run of 1 to 8 bytes. Unarmed, bytes pass through untouched
// and uncopied. Which bytes is drawn from the soak's seeded generator.
import { EventEmitter } from 'node:events';
import type { Rng } from '../../sims/random.ts';
import type { CloseInfo, Transport, TransportEvents } from '../transport/transport.ts';

export type ByteFault = 'corrupt' | 'drop';
export type Direction = 'to-device' | 'to-host';

/** What the injector did to a frame (for the log). */
export interface Damage {
  fault: ByteFault;
  direction: Direction;
  /** Frame length before, and the positions touched. */
  length: number;
  at: number[];
}

/** Damages one frame: corrupt = XOR 1..3 bytes with 1..255; drop = remove 1..8 consecutive bytes (never the whole frame). */
export function damage(frame: Uint8Array, fault: ByteFault, rng: Rng): { bytes: Uint8Array; at: number[] } {
  const n = frame.length;
  if (fault === 'corrupt') {
    const out = frame.slice();
    const k = 1 + Math.floor(rng.next() * 3);
    const at: number[] = [];
    for (let i = 0; i < k; i++) {
      const p = Math.floor(rng.next() * n);
      out[p] ^= 1 + Math.floor(rng.next() * 255);
      at.push(p);
    }
    return { bytes: out, at };
  }
  const len = Math.min(n - 1, 1 + Math.floor(rng.next() * 8));
  const p = Math.floor(rng.next() * (n - len + 1));
  const out = new Uint8Array(n - len);
  out.set(frame.subarray(0, p));
  out.set(frame.subarray(p + len), p);
  return { bytes: out, at: Array.from({ length: len }, (_, i) => p + i) };
}

/** The armed faults, shared by the transports of successive connections. */
export class WireFaults {
  private armed: { fault: ByteFault; direction: Direction } | null = null;
  /** Frames damaged so far, per direction. */
  readonly damaged: Record<Direction, number> = { 'to-device': 0, 'to-host': 0 };

  constructor(private readonly rng: Rng, private readonly onDamage: (d: Damage) => void = () => {}) {}

  /** The next frame going `direction` gets `fault`. */
  arm(fault: ByteFault, direction: Direction): void {
    this.armed = { fault, direction };
  }

  /** Whether a fault waits for the next frame going `direction`. */
  armedFor(direction: Direction): boolean {
    return this.armed?.direction === direction;
  }

  disarm(): void {
    this.armed = null;
  }

  /** Takes the armed fault if it is for `direction`. */
  take(direction: Direction): ByteFault | null {
    const a = this.armed;
    if (!a || a.direction !== direction) return null;
    this.armed = null;
    this.damaged[direction]++;
    return a.fault;
  }

  hit(frame: Uint8Array, fault: ByteFault, direction: Direction): Uint8Array {
    const d = damage(frame, fault, this.rng);
    this.onDamage({ fault, direction, length: frame.length, at: d.at });
    return d.bytes;
  }

  wrap(inner: Transport): Transport {
    return new FaultyTransport(inner, this);
  }
}

class FaultyTransport extends EventEmitter<TransportEvents> implements Transport {
  /** Bytes from the device held back while an armed fault waits for the end of the frame. */
  private held: Uint8Array | null = null;

  constructor(private readonly inner: Transport, private readonly faults: WireFaults) {
    super();
    inner.on('data', (chunk) => this.fromDevice(chunk));
    inner.once('close', (info: CloseInfo) => this.emit('close', info));
  }

  get name(): string {
    return this.inner.name;
  }

  get isOpen(): boolean {
    return this.inner.isOpen;
  }

  /** The host's link writes one frame per call (and a lone 0x00 before its first): a call longer than one byte is a frame. */
  write(bytes: Uint8Array): void {
    const fault = bytes.length > 1 ? this.faults.take('to-device') : null;
    this.inner.write(fault ? this.faults.hit(bytes, fault, 'to-device') : bytes);
  }

  private fromDevice(chunk: Uint8Array): void {
    if (!this.held && !this.faults.armedFor('to-host')) return void this.emit('data', chunk);
    // Armed for this direction (or already holding): collect up to the end of the next frame.
    const buf = this.held ? concat(this.held, chunk) : chunk;
    let start = 0;
    while (start < buf.length && buf[start] === 0) start++; // idle fill before the frame
    const end = buf.indexOf(0, start);
    if (end < 0) {
      this.held = buf;
      return;
    }
    this.held = null;
    const fault = this.faults.take('to-host');
    if (!fault) return void this.emit('data', buf);
    const frame = this.faults.hit(buf.subarray(start, end + 1), fault, 'to-host');
    this.emit('data', concat(concat(buf.subarray(0, start), frame), buf.subarray(end + 1)));
  }

  close(): Promise<void> {
    this.held = null;
    return this.inner.close();
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
