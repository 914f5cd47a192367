// A transport wrapper that drops chosen outgoing frames, to test retransmission. Each write() of a
// MessageLink is one whole frame, so it can be decoded on its own to decide.
import { EventEmitter } from 'node:events';
import { MessageDecoder, type Message } from '../../host/protocol/index.ts';
import type { Transport, TransportEvents } from '../../host/transport/transport.ts';

export class Lossy extends EventEmitter<TransportEvents> implements Transport {
  dropped: Message[] = [];

  constructor(private readonly inner: Transport, public drop: (m: Message) => boolean) {
    super();
    inner.on('data', (c) => this.emit('data', c));
    inner.on('close', (i) => this.emit('close', i));
  }

  get name(): string {
    return `lossy ${this.inner.name}`;
  }
  get isOpen(): boolean {
    return this.inner.isOpen;
  }

  write(bytes: Uint8Array): void {
    const m = new MessageDecoder().push(bytes)[0]?.message;
    if (m && this.drop(m)) {
      this.dropped.push(m);
      return;
    }
    this.inner.write(bytes);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
