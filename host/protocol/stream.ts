// node:stream wrappers: bytes -> Envelope objects, and messages -> bytes.
import { Transform, type TransformCallback } from 'node:stream';
import { MessageDecoder } from './decoder.ts';
import type { Rejection } from './frame.ts';
import { encodeMessage, type Message } from './messages.ts';

/**
 * Writable side: bytes (Buffer/Uint8Array chunks of any split); readable side (object mode): one
 * Envelope per decoded message. Rejected frames are emitted as 'reject' events (Rejection) and
 * counted in `decoder.stats`; they never error the stream. At end, an unfinished frame is rejected
 * as 'truncated'.
 */
export class MessageDecodeStream extends Transform {
  readonly decoder: MessageDecoder;

  constructor() {
    super({ writableObjectMode: false, readableObjectMode: true });
    this.decoder = new MessageDecoder({ onReject: (r: Rejection) => this.emit('reject', r) });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    for (const e of this.decoder.push(chunk)) this.push(e);
    done();
  }

  override _flush(done: TransformCallback): void {
    this.decoder.end();
    done();
  }
}

/** What MessageEncodeStream takes: a message, and optionally its seq and ACK request. */
export interface Outgoing {
  message: Message;
  /** Default: the stream's own counter (0, 1, ..., 255, 0, ...). */
  seq?: number;
  ackRequested?: boolean;
}

/**
 * Writable side (object mode): Outgoing; readable side: one wire frame (Buffer) per message. A message
 * that cannot be encoded errors the stream with the encoder's RangeError.
 */
export class MessageEncodeStream extends Transform {
  private nextSeq = 0;

  constructor() {
    super({ writableObjectMode: true, readableObjectMode: false });
  }

  override _transform(out: Outgoing, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      const seq = out.seq ?? this.nextSeq;
      const bytes = encodeMessage(out.message, { seq, ackRequested: out.ackRequested });
      this.nextSeq = (seq + 1) & 0xff;
      done(null, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (e) {
      done(e as Error);
    }
  }
}
