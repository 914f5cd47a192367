// The host side of a session (docs/protocol.md §9) over a Transport: HELLO, commands with ACK wait
// and retransmission (250 ms, 3 retransmissions), sensor frames answered by actuator frames,
// telemetry and device errors as events, snapshot and core transfers. When the link closes without
// close() being called, it says so ('disconnect') and re-opens the same transport every ~300 ms
// until the device answers HELLO again ('reconnect').
import { EventEmitter } from 'node:events';
import {
  PROTOCOL_VERSION, Status, codeToCoreStatus, crc32,
  type Envelope, type ErrorMessage, type Hello, type Message, type Rejection, type Telemetry,
} from '../protocol/index.ts';
import type { CoreConfig } from '../core/config.ts';
import { MessageLink } from '../transport/link.ts';
import type { CloseInfo, Transport } from '../transport/transport.ts';
import { encodeSessionConfig, sessionConfig, type SessionOptions } from '../device/session-config.ts';
import { DeviceError, DisconnectedError, TimeoutError } from './errors.ts';
import { Waiters, type Matcher } from './waiters.ts';
import { retryEvery } from './reconnect.ts';

/** The name the host sends in its HELLO. */
export const HOST_NAME = 'deeptrace-host';
/** Telemetry and error messages kept for a listener that is not there yet (DeviceClient). */
const EARLY_LIMIT = 64;
const EARLY_MS = 2000;
/** Chunk sizes of SNAPSHOT_PUT and CORE_UPLOAD_CHUNK data. */
export const TRANSFER_CHUNK = 1000;
/**
 * How long the host waits for the ACK of CORE_UPLOAD_END (retransmitting every ackTimeoutMs: a
 * device ignores the repeats while it verifies): a device answers within its self-test time limit
 * (the virtual device: 2 s, docs/protocol.md §10).
 */
export const UPLOAD_END_WAIT_MS = 10_000;

/** How a DeviceClient opens its transport and how long it waits for replies. */
export interface ClientOptions {
  /** Opens (and, to reconnect, re-opens) the transport. */
  open: () => Promise<Transport>;
  ackTimeoutMs?: number;
  retransmits?: number;
  /** For HELLO, actuator frames and snapshot data. */
  replyTimeoutMs?: number;
  reconnect?: boolean;
  reconnectMs?: number;
}

/** Events of a DeviceClient: link up/down, HELLO, telemetry, errors and log lines from the device. */
export interface ClientEvents {
  /** Every message received, before the more specific events (tools that watch the whole exchange). */
  message: [e: Envelope];
  hello: [hello: Hello];
  telemetry: [t: Telemetry];
  'device-error': [e: ErrorMessage];
  reject: [r: Rejection];
  disconnect: [info: CloseInfo];
  reconnect: [hello: Hello];
}

/** Errors that answer a SENSOR_FRAME (as opposed to the watchdog's, which can arrive any time). */
const SENSOR_ERRORS = new Set<number>([Status.E_STATE, Status.E_VALUE_COUNT, Status.E_STEP]);

/** The host side of the protocol: HELLO, CONFIGURE, START/STOP, sensor frames, LEARN, snapshots, core uploads; one command at a time, each acknowledged. */
export class DeviceClient extends EventEmitter<ClientEvents> {
  /** The device's last HELLO. */
  device: Hello | null = null;
  private link: MessageLink | null = null;
  private readonly waiters = new Waiters();
  private queue: Promise<unknown> = Promise.resolve();
  private closing = false;
  private reconnecting = false;
  private lastError: { code: number; text: string; at: number } | null = null;
  private readonly o: Required<ClientOptions>;

  /**
   * Telemetry and device errors that came before anyone listened (a device may send them right
   * after its HELLO, in the same read as the HELLO that connect() waits for): kept, at most
   * EARLY_LIMIT, and given to the first listener of their event if they are at most EARLY_MS old.
   */
  private early: { event: 'telemetry' | 'device-error'; m: Telemetry | ErrorMessage; at: number }[] = [];

  private constructor(opts: ClientOptions) {
    super();
    this.o = { ackTimeoutMs: 250, retransmits: 3, replyTimeoutMs: 1000, reconnect: true, reconnectMs: 300, ...opts };
    (this as EventEmitter).on('newListener', (event: string | symbol) => {
      if (event !== 'telemetry' && event !== 'device-error') return;
      // after the listener is added (newListener fires before)
      queueMicrotask(() => {
        const mine = this.early.filter((x) => x.event === event && Date.now() - x.at <= EARLY_MS);
        this.early = this.early.filter((x) => x.event !== event);
        for (const x of mine) this.emit(x.event, x.m as never);
      });
    });
  }

  private report(event: 'telemetry' | 'device-error', m: Telemetry | ErrorMessage): void {
    if (this.listenerCount(event) > 0) this.emit(event, m as never);
    else if (this.early.length < EARLY_LIMIT) this.early.push({ event, m, at: Date.now() });
  }

  /** Opens the transport and waits for the device's HELLO. */
  static async connect(opts: ClientOptions): Promise<DeviceClient> {
    const c = new DeviceClient(opts);
    c.attach(await opts.open());
    try {
      await c.hello();
    } catch (err) {
      await c.close();
      throw err;
    }
    return c;
  }

  get connected(): boolean {
    return this.link?.isOpen === true && !this.reconnecting;
  }

  /** Decoder counts of the current link (frames received and rejected). */
  get stats() {
    return this.link?.stats ?? null;
  }

  private attach(t: Transport): MessageLink {
    const link = new MessageLink(t, { firstSeq: Math.floor(Math.random() * 256) });
    link.on('message', (e) => this.onMessage(e));
    link.on('reject', (r) => this.emit('reject', r));
    link.on('close', (info) => this.onClose(link, info));
    this.link = link;
    return link;
  }

  private onMessage(e: Envelope): void {
    const m = e.message;
    if (m.type === 'HELLO') this.device = m;
    if (m.type === 'ERROR') this.lastError = { code: m.code, text: m.text, at: Date.now() };
    this.waiters.feed(e);
    this.emit('message', e);
    if (m.type === 'HELLO') this.emit('hello', m);
    else if (m.type === 'TELEMETRY') this.report('telemetry', m);
    else if (m.type === 'ERROR') this.report('device-error', m);
  }

  private onClose(link: MessageLink, info: CloseInfo): void {
    if (this.link === link) this.link = null;
    this.waiters.failAll((what) => new DisconnectedError(what));
    if (this.closing || this.reconnecting) return;
    this.emit('disconnect', info);
    if (this.o.reconnect) void this.reconnectLoop();
  }

  private async reconnectLoop(): Promise<void> {
    this.reconnecting = true;
    const ok = await retryEvery(
      this.o.reconnectMs,
      async () => {
        const t = await this.o.open();
        if (this.closing) {
          await t.close();
          return false;
        }
        const link = this.attach(t);
        try {
          await this.helloOnce(2 * this.o.reconnectMs);
          if (!this.closing) return true;
        } catch {
          // no device behind it (yet)
        }
        await link.close();
        return false;
      },
      () => this.closing,
    );
    this.reconnecting = false;
    if (ok) this.emit('reconnect', this.device!);
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.link?.close();
  }

  private requireLink(what: string): MessageLink {
    if (!this.link?.isOpen) throw new DisconnectedError(what);
    return this.link;
  }

  /** Runs requests one at a time. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }

  private errorText(code: number): string | undefined {
    const e = this.lastError;
    return e && e.code === code && Date.now() - e.at < 2000 && e.text ? e.text : undefined;
  }

  private helloOnce(timeoutMs: number): Promise<Hello> {
    const link = this.requireLink('HELLO');
    const p = this.waiters.wait<Hello>('HELLO', (e) => (e.message.type === 'HELLO' ? e.message : undefined), timeoutMs);
    link.send({ type: 'HELLO', protocolVersion: PROTOCOL_VERSION, coreVersion: 0, selfTestChecksum: 0, name: HOST_NAME });
    return p;
  }

  /** Says HELLO (up to 3 times) and returns the device's. */
  hello(): Promise<Hello> {
    return this.exclusive(async () => {
      for (let k = 0; ; k++) {
        try {
          return await this.helloOnce(this.o.replyTimeoutMs);
        } catch (err) {
          if (!(err instanceof TimeoutError) || k === 2) throw err;
        }
      }
    });
  }

  /** Sends a command with ACK_REQUESTED, retransmitting with the same seq until ACKed. */
  private async command(m: Message, what: string = m.type, retransmits = this.o.retransmits): Promise<void> {
    const link = this.requireLink(what);
    let seq: number | undefined;
    for (let k = 0; k <= retransmits; k++) {
      const p = this.waiters.wait<number>(what, (e) => (e.message.type === 'ACK' && e.message.ackedSeq === seq ? e.message.status : undefined), this.o.ackTimeoutMs);
      seq = link.send(m, { ackRequested: true, seq });
      let status: number;
      try {
        status = await p;
      } catch (err) {
        if (err instanceof TimeoutError) continue;
        throw err;
      }
      if (status !== Status.OK) throw new DeviceError(status, what, this.errorText(status));
      return;
    }
    throw new TimeoutError(`${what} (${retransmits + 1} tries, ${this.o.ackTimeoutMs} ms each)`);
  }

  configure(cfg: CoreConfig, opts: SessionOptions = {}): Promise<void> {
    return this.exclusive(() => this.command({ type: 'CONFIGURE', config: encodeSessionConfig(sessionConfig(cfg, opts)) }));
  }
  start(): Promise<void> {
    return this.exclusive(() => this.command({ type: 'START' }));
  }
  stop(): Promise<void> {
    return this.exclusive(() => this.command({ type: 'STOP' }));
  }
  learn(on: boolean): Promise<void> {
    return this.exclusive(() => this.command({ type: 'LEARN', on }, `LEARN ${on ? 'on' : 'off'}`));
  }

  /** One control step: features then PD commands (Q12) in, actuator commands (Q12) out. */
  sendSensor(step: number, values: number[]): Promise<number[]> {
    const what = `SENSOR_FRAME step ${step}`;
    return this.exclusive(async () => {
      const link = this.requireLink(what);
      const p = this.waiters.wait<number[]>(what, (e) => {
        const m = e.message;
        if (m.type === 'ACTUATOR_FRAME' && m.step === step) return m.values;
        if (m.type === 'ERROR' && (SENSOR_ERRORS.has(m.code) || codeToCoreStatus(m.code) !== undefined)) return new DeviceError(m.code, what, m.text);
        return undefined;
      }, this.o.replyTimeoutMs);
      link.send({ type: 'SENSOR_FRAME', step, values });
      return p;
    });
  }

  /** The device's learner state (snapshot bytes), fetched in SNAPSHOT_DATA chunks. */
  snapshotGet(): Promise<Uint8Array> {
    const what = 'SNAPSHOT_GET';
    return this.exclusive(async () => {
      for (let k = 0; ; k++) {
        const link = this.requireLink(what);
        const p = this.waiters.wait<Uint8Array>(what, snapshotCollector(what), this.o.replyTimeoutMs);
        link.send({ type: 'SNAPSHOT_GET' });
        try {
          return await p;
        } catch (err) {
          if (!(err instanceof TimeoutError) || k === this.o.retransmits) throw err;
        }
      }
    });
  }

  /** Restores a snapshot on the device (ACK per chunk; the last one carries the load's result). */
  snapshotPut(bytes: Uint8Array): Promise<void> {
    return this.exclusive(async () => {
      const total = bytes.length;
      if (total === 0) throw new RangeError('SNAPSHOT_PUT: the snapshot is empty');
      for (let offset = 0; offset < total; offset += TRANSFER_CHUNK) {
        const data = bytes.subarray(offset, offset + TRANSFER_CHUNK);
        await this.command({ type: 'SNAPSHOT_PUT', offset, total, data }, `SNAPSHOT_PUT ${offset}/${total}`);
      }
    });
  }

  /** Sends a core image and its Ed25519 signature; resolves with the device's new HELLO after the swap. */
  uploadCore(image: Uint8Array, signature: Uint8Array): Promise<Hello> {
    return this.exclusive(async () => {
      await this.command({ type: 'CORE_UPLOAD_BEGIN', size: image.length, crc: crc32(image), signature });
      for (let offset = 0; offset < image.length; offset += TRANSFER_CHUNK) {
        await this.command({ type: 'CORE_UPLOAD_CHUNK', offset, data: image.subarray(offset, offset + TRANSFER_CHUNK) }, `CORE_UPLOAD_CHUNK ${offset}/${image.length}`);
      }
      const hello = this.waiters.wait<Hello>('HELLO after the swap', (e) => (e.message.type === 'HELLO' ? e.message : undefined), this.o.replyTimeoutMs + UPLOAD_END_WAIT_MS);
      hello.catch(() => {});
      await this.command({ type: 'CORE_UPLOAD_END' }, 'CORE_UPLOAD_END', Math.ceil(UPLOAD_END_WAIT_MS / this.o.ackTimeoutMs));
      return hello;
    });
  }

  /** Low-level: sends any message, unacknowledged (tests, tools). Returns its seq. */
  sendRaw(m: Message, ackRequested = false): number {
    return this.requireLink(m.type).send(m, { ackRequested });
  }

  /** Low-level: raw bytes on the link (tests inject line noise). */
  writeRaw(bytes: Uint8Array): void {
    this.requireLink('raw bytes').writeRaw(bytes);
  }

  /** Low-level: a command with ACK wait and retransmission (tests, tools). */
  sendCommand(m: Message): Promise<void> {
    return this.exclusive(() => this.command(m));
  }
}

/** Collects SNAPSHOT_DATA chunks (contiguous from 0) into the snapshot; a refusal becomes an error. */
function snapshotCollector(what: string): Matcher<Uint8Array> {
  let buf: Uint8Array | null = null;
  let got = 0;
  return (e) => {
    const m = e.message;
    if (m.type === 'ERROR' && (m.code === Status.E_NOT_CONFIGURED || codeToCoreStatus(m.code) !== undefined)) return new DeviceError(m.code, what, m.text);
    if (m.type !== 'SNAPSHOT_DATA') return undefined;
    if (m.offset === 0) {
      buf = new Uint8Array(m.total);
      got = 0;
    }
    if (!buf || m.offset !== got || m.total !== buf.length) return undefined;
    buf.set(m.data, m.offset);
    got += m.data.length;
    return got === buf.length ? buf : undefined;
  };
}
