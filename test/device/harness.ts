// A virtual device on one end of an in-process null-modem pair and a raw host on the other: send any
// message (with any seq), then wait for what comes back. For protocol tests below the DeviceClient.
import { MessageLink } from '../../host/transport/link.ts';
import { nullModemPair, type NullModem } from '../../host/transport/null-modem.ts';
import { VirtualDevice, type DeviceOptions } from '../../host/device/device.ts';
import { encodeSessionConfig, sessionConfig, type SessionOptions } from '../../host/device/session-config.ts';
import type { CoreConfig } from '../../host/core/config.ts';
import type { Envelope, Message } from '../../host/protocol/index.ts';

export type Pred = (e: Envelope) => boolean;
export const is = (type: Message['type']): Pred => (e) => e.message.type === type;

export class RawHost {
  readonly link: MessageLink;
  private inbox: Envelope[] = [];
  private wake: (() => void) | null = null;

  constructor(readonly end: NullModem) {
    this.link = new MessageLink(end);
    this.link.on('message', (e) => {
      this.inbox.push(e);
      this.wake?.();
    });
  }

  send(m: Message, ackRequested = false, seq?: number): number {
    return this.link.send(m, { ackRequested, seq });
  }

  /** The first received message matching `pred` (removed from the inbox), waiting up to timeoutMs. */
  async next(pred: Pred, timeoutMs = 1000): Promise<Envelope> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex(pred);
      if (i >= 0) return this.inbox.splice(i, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for a message; inbox: ${this.inbox.map((e) => e.message.type).join(', ') || 'empty'}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  /** Sends a command with ACK_REQUESTED and returns the ACK's status. */
  async command(m: Message, seq?: number): Promise<number> {
    const s = this.send(m, true, seq);
    const ack = await this.next((e) => e.message.type === 'ACK' && e.message.ackedSeq === s);
    return (ack.message as { status: number }).status;
  }

  /** Everything received so far (and clears the inbox). */
  drain(): Envelope[] {
    return this.inbox.splice(0);
  }

  /** Lets in-flight frames arrive. */
  settle(ms = 20): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
  }
}

export function rig(opts: DeviceOptions = {}): { device: VirtualDevice; host: RawHost } {
  const [a, b] = nullModemPair();
  const host = new RawHost(b);
  const device = new VirtualDevice(a, opts);
  return { device, host };
}

export function configureMessage(cfg: CoreConfig, o: SessionOptions = {}): Message {
  return { type: 'CONFIGURE', config: encodeSessionConfig(sessionConfig(cfg, o)) };
}

/** Deterministic Q12 sensor values: nIn features in [-1, 1], nOut PD commands in [-0.5, 0.5]. */
export function sensorValues(k: number, nIn: number, nOut: number): number[] {
  const f = Array.from({ length: nIn }, (_, i) => Math.round(4096 * Math.sin(0.07 * k + i)));
  const p = Array.from({ length: nOut }, (_, i) => Math.round(2048 * Math.cos(0.05 * k + 2 * i)));
  return [...f, ...p];
}
