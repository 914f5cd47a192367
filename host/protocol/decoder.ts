// Bytes in, messages out: a FrameDecoder followed by the payload decoders. A frame whose payload is
// malformed for its type is rejected with reason 'payload'. Never throws on any input.
import { REJECT_REASONS, type RejectReason } from './codes.ts';
import { FrameDecoder, type Rejection } from './frame.ts';
import { decodeFrameMessage, type Envelope } from './messages.ts';

export interface MessageDecoderStats {
  /** Messages decoded. */
  messages: number;
  /** Frames rejected, all reasons (frame level and 'payload'). */
  rejected: number;
  reasons: Record<RejectReason, number>;
  bytes: number;
}

export interface MessageDecoderOptions {
  onMessage?: (envelope: Envelope) => void;
  onReject?: (rejection: Rejection) => void;
}

export type MessageEvent = { envelope: Envelope } | { rejection: Rejection };

export class MessageDecoder {
  private readonly frames = new FrameDecoder();
  private payloadRejected = 0;

  constructor(private readonly options: MessageDecoderOptions = {}) {}

  get stats(): MessageDecoderStats {
    const f = this.frames.stats;
    const reasons = { ...f.reasons, payload: this.payloadRejected };
    return {
      messages: f.frames - this.payloadRejected,
      rejected: REJECT_REASONS.reduce((s, r) => s + reasons[r], 0),
      reasons,
      bytes: f.bytes,
    };
  }

  /** Bytes of the unfinished frame held so far. */
  get pending(): number {
    return this.frames.pending;
  }

  /** Feeds bytes; returns the messages completed by this chunk, in order. */
  push(chunk: Uint8Array): Envelope[] {
    const out: Envelope[] = [];
    for (const e of this.decode(chunk)) if ('envelope' in e) out.push(e.envelope);
    return out;
  }

  /** Like push, but returns every outcome (messages and rejections), in order. */
  decode(chunk: Uint8Array): MessageEvent[] {
    const events: MessageEvent[] = this.frames.decode(chunk).map((e) => {
      if ('rejection' in e) return e;
      const r = decodeFrameMessage(e.frame);
      if (r.ok) return { envelope: r.envelope };
      this.payloadRejected++;
      return { rejection: { reason: 'payload', detail: r.detail } };
    });
    this.dispatch(events);
    return events;
  }

  /** End of stream: an unfinished frame is rejected as 'truncated'. */
  end(): Rejection | null {
    const r = this.frames.end();
    if (r) this.dispatch([{ rejection: r }]);
    return r;
  }

  /** Drops an unfinished frame without counting it. */
  reset(): void {
    this.frames.reset();
  }

  private dispatch(events: MessageEvent[]): void {
    for (const e of events) {
      if ('envelope' in e) this.options.onMessage?.(e.envelope);
      else this.options.onReject?.(e.rejection);
    }
  }
}
