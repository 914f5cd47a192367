// The byte pipe under the protocol: a serial port, a pty, or an in-process pair. Bytes go out with
// write(); bytes come in as 'data' events; 'close' fires once, whether we closed it or the link went
// away (then `unplugged` is true).
import type { EventEmitter } from 'node:events';

export interface CloseInfo {
  /** The other side or the device went away (cable pulled, socat killed); false after close(). */
  unplugged: boolean;
  error?: Error;
}

export interface TransportEvents {
  data: [chunk: Uint8Array];
  close: [info: CloseInfo];
}

export interface Transport extends EventEmitter<TransportEvents> {
  /** What it is connected to, for messages (a path, or 'null-modem A'). */
  readonly name: string;
  readonly isOpen: boolean;
  /** Queues bytes for sending; ignored once closed. */
  write(bytes: Uint8Array): void;
  /** Closes the transport; resolves after 'close' has fired. Safe to call twice. */
  close(): Promise<void>;
}

/** Resolves on the next 'close' of a transport (at once if it is already closed). */
export function closed(t: Transport): Promise<CloseInfo> {
  if (!t.isOpen) return Promise.resolve({ unplugged: false });
  return new Promise((resolve) => t.once('close', resolve));
}
