// Retransmitted commands: the host resends a command with the same seq when our ACK got lost. The
// last acknowledged command is remembered (seq, type and payload), so a repeat is answered with the
// same status without being done twice. Seq alone is not enough: it wraps every 256 frames.
import { encodePayload, toHex, type Envelope } from '../protocol/index.ts';

export class AckCache {
  private last: { seq: number; key: string; status: number } | null = null;

  private static key(e: Envelope): string {
    return `${e.message.type}:${toHex(encodePayload(e.message))}`;
  }

  /** The status already sent for this exact command, or undefined if it is new. */
  lookup(e: Envelope): number | undefined {
    const l = this.last;
    return l && l.seq === e.seq && l.key === AckCache.key(e) ? l.status : undefined;
  }

  remember(e: Envelope, status: number): void {
    this.last = { seq: e.seq, key: AckCache.key(e), status };
  }
}
