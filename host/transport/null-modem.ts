// Two connected in-process transport ends: what one writes the other receives, asynchronously and in
// order. With `baud` set, delivery is paced like a UART (10 bits per byte) so timing-dependent logic
// (the watchdog, retransmits) sees realistic delays. Closing either end closes both, as unplugging
// a cable does for the far side.
import { EventEmitter } from 'node:events';
import type { CloseInfo, Transport, TransportEvents } from './transport.ts';

export interface NullModemOptions {
  /** Bits per second; 0 or undefined = deliver as fast as the event loop allows. */
  baud?: number;
}

class NullModemEnd extends EventEmitter<TransportEvents> implements Transport {
  peer!: NullModemEnd;
  isOpen = true;
  /** When the line is free again (ms, performance.now()), for pacing. */
  private lineFreeAt = 0;

  constructor(readonly name: string, private readonly baud: number) {
    super();
  }

  write(bytes: Uint8Array): void {
    if (!this.isOpen || bytes.length === 0) return;
    const copy = Uint8Array.from(bytes);
    const peer = this.peer;
    if (!this.baud) {
      setImmediate(() => peer.deliver(copy));
      return;
    }
    const now = performance.now();
    this.lineFreeAt = Math.max(now, this.lineFreeAt) + (copy.length * 10 * 1000) / this.baud;
    setTimeout(() => peer.deliver(copy), Math.max(0, this.lineFreeAt - now));
  }

  private deliver(bytes: Uint8Array): void {
    if (this.isOpen) this.emit('data', bytes);
  }

  shut(info: CloseInfo): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.emit('close', info);
  }

  async close(): Promise<void> {
    if (!this.isOpen) return;
    this.shut({ unplugged: false });
    this.peer.shut({ unplugged: true });
  }

  /** Simulates pulling the cable: both ends close as unplugged. */
  unplug(): void {
    this.shut({ unplugged: true });
    this.peer.shut({ unplugged: true });
  }
}

export type NullModem = NullModemEnd;

/** A connected pair [a, b]. */
export function nullModemPair(opts: NullModemOptions = {}): [NullModem, NullModem] {
  const a = new NullModemEnd('null-modem A', opts.baud ?? 0);
  const b = new NullModemEnd('null-modem B', opts.baud ?? 0);
  a.peer = b;
  b.peer = a;
  return [a, b];
}
