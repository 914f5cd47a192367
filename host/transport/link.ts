// Messages over a Transport: frames out with this side's sequence counter, bytes in through a
// MessageDecoder (every rejected frame counted in `stats`). Shared by the device and the host.
import { EventEmitter } from 'node:events';
import { MessageDecoder, encodeMessage, type Envelope, type Message, type MessageDecoderStats, type Rejection } from '../protocol/index.ts';
import type { CloseInfo, Transport } from './transport.ts';

export interface LinkEvents {
  message: [envelope: Envelope];
  reject: [rejection: Rejection];
  close: [info: CloseInfo];
}

export interface SendOptions {
  ackRequested?: boolean;
  /** Reuse this seq (a retransmission) instead of taking the next one. */
  seq?: number;
}

export class MessageLink extends EventEmitter<LinkEvents> {
  private nextSeq: number;
  private primed = false;
  private readonly decoder = new MessageDecoder({
    onMessage: (e) => this.emit('message', e),
    onReject: (r) => this.emit('reject', r),
  });

  constructor(readonly transport: Transport, opts: { firstSeq?: number } = {}) {
    super();
    this.nextSeq = (opts.firstSeq ?? 0) & 0xff;
    transport.on('data', (chunk) => this.decoder.decode(chunk));
    transport.once('close', (info) => {
      this.decoder.end();
      this.emit('close', info);
    });
  }

  get isOpen(): boolean {
    return this.transport.isOpen;
  }

  /** Frames decoded and rejected so far, per reason. */
  get stats(): MessageDecoderStats {
    return this.decoder.stats;
  }

  /** Sends a message; returns the seq it went with. */
  send(m: Message, opts: SendOptions = {}): number {
    const seq = opts.seq ?? this.takeSeq();
    this.writeRaw(encodeMessage(m, { seq, ackRequested: opts.ackRequested }));
    return seq;
  }

  /** Raw bytes (tests use this to inject garbage). The first write is preceded by one 0x00. */
  writeRaw(bytes: Uint8Array): void {
    if (!this.primed) {
      this.primed = true;
      this.transport.write(Uint8Array.of(0));
    }
    this.transport.write(bytes);
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  private takeSeq(): number {
    const s = this.nextSeq;
    this.nextSeq = (s + 1) & 0xff;
    return s;
  }
}
