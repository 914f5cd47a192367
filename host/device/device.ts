// The virtual device: the device side of docs/protocol.md §9 on any Transport, running the real wasm
// core. Messages in, session calls, answers out; the watchdog; core upload and snapshots in chunks.
// Frames the decoder rejects (bad CRC, garbage) are only counted: they never reach this logic.
import { EventEmitter } from 'node:events';
import { PROTOCOL_VERSION, Status, statusName, type Envelope, type Message, type MessageTypeName } from '../protocol/index.ts';
import { compileCore } from '../core/core.ts';
import { MessageLink } from '../transport/link.ts';
import type { CloseInfo, Transport } from '../transport/transport.ts';
import { AckCache } from './ack-cache.ts';
import { Session, TRIAL_STEPS, type Outcome } from './session.ts';
import type { KeyObject } from 'node:crypto';
import { UploadReceiver } from './upload.ts';
import { verifyCore } from './verify-core.ts';
import { SELF_TEST_LIMIT_MS } from './self-test.ts';
import { Watchdog } from './watchdog.ts';
import type { DeviceStore } from './store.ts';

export const DEVICE_NAME = 'deeptrace-virtual';
/** SNAPSHOT_DATA chunk size. */
export const SNAPSHOT_CHUNK = 1000;

export interface DeviceOptions {
  name?: string;
  /** The boot core; default build/core.wasm. */
  module?: WebAssembly.Module;
  /** One line per notable event (verbose CLI). */
  log?: (line: string) => void;
  /**
   * The Ed25519 public key uploaded cores must be signed with (host/signing/keys.ts loads one);
   * without one every upload is refused with E_UPLOAD_SIGNATURE.
   */
  publicKey?: KeyObject | null;
  /** Time limit of an uploaded core's self-test (ms); default SELF_TEST_LIMIT_MS. */
  selfTestLimitMs?: number;
  /**
   * Where the configuration and learned state persist (the firmware's two slots): saved on STOP
   * of a running session and after a SNAPSHOT_PUT that loaded, restored at boot.
   */
  store?: DeviceStore | null;
}

export interface DeviceEvents {
  /** The actuator command changed: a step was applied, or the safe state (all zero) was entered. */
  actuators: [values: number[], safe: boolean];
  /** Entered the safe state because of the watchdog. */
  watchdog: [];
  /** A new core was swapped in (on trial). */
  swap: [checksum: number];
  /** The core on trial trapped; the previous core runs again. */
  revert: [checksum: number];
  close: [info: CloseInfo];
}

/** Messages too frequent to log when they succeed. */
const QUIET_OK = new Set<MessageTypeName>(['SENSOR_FRAME', 'SNAPSHOT_PUT', 'CORE_UPLOAD_CHUNK', 'HELLO']);

/** HELLO.coreVersion is u16: major in the high byte, minor in the low byte of version(). */
export function helloCoreVersion(v: number): number {
  return (((v >>> 16) & 0xff) << 8) | (v & 0xff);
}

export class VirtualDevice extends EventEmitter<DeviceEvents> {
  readonly session: Session;
  readonly link: MessageLink;
  readonly name: string;
  private readonly acks = new AckCache();
  private readonly upload = new UploadReceiver();
  private readonly watchdog = new Watchdog(() => this.onWatchdog());
  private readonly log: (line: string) => void;
  private readonly publicKey: KeyObject | null;
  private readonly selfTestLimitMs: number;
  private readonly store: DeviceStore | null;
  /** The CORE_UPLOAD_END being verified (its answer comes when the self-test ends), and how to stop it. */
  private verifying: { e: Envelope; cancel: () => void } | null = null;

  /** Boots (self-test), then says HELLO on the transport. */
  constructor(transport: Transport, opts: DeviceOptions = {}) {
    super();
    this.name = opts.name ?? DEVICE_NAME;
    this.log = opts.log ?? (() => {});
    this.publicKey = opts.publicKey ?? null;
    this.selfTestLimitMs = opts.selfTestLimitMs ?? SELF_TEST_LIMIT_MS;
    this.session = new Session(opts.module ?? compileCore());
    this.store = opts.store ?? null;
    if (this.store) this.restore(this.store);
    this.link = new MessageLink(transport);
    this.link.on('message', (e) => this.onMessage(e));
    this.link.on('reject', (r) => this.log(`rejected frame (${r.reason}): ${r.detail}`));
    this.link.on('close', (info) => {
      this.watchdog.stop();
      this.verifying?.cancel();
      if (this.session.state === 'RUNNING') this.session.stop();
      this.log(`link closed${info.unplugged ? ' (unplugged)' : ''}`);
      this.emit('close', info);
    });
    this.sendHello();
  }

  /** Frames decoded and rejected, per reason. */
  get stats() {
    return this.link.stats;
  }

  get actuators(): number[] {
    return this.session.actuators;
  }

  close(): Promise<void> {
    this.watchdog.stop();
    this.verifying?.cancel();
    return this.link.close();
  }

  private send(m: Message, ackRequested = false): void {
    if (this.link.isOpen) this.link.send(m, { ackRequested });
  }

  private sendHello(): void {
    const s = this.session;
    this.send({ type: 'HELLO', protocolVersion: PROTOCOL_VERSION, coreVersion: helloCoreVersion(s.version), selfTestChecksum: s.checksum, name: this.name });
  }

  /**
   * A failure is explained in an ERROR (sent first, so the host has the text when the ACK comes);
   * then the ACK when asked, remembered for retransmissions.
   */
  private answer(e: Envelope, o: Outcome): void {
    const t = e.message.type;
    if (o.status !== Status.OK) {
      this.log(`${t}: ${statusName(o.status)}${o.text ? ` (${o.text})` : ''}`);
      this.send({ type: 'ERROR', code: o.status, text: (o.text ?? '').slice(0, 200) });
    } else if (!QUIET_OK.has(t)) {
      this.log(`${t}${t === 'LEARN' && e.message.type === 'LEARN' ? (e.message.on ? ' on' : ' off') : ''}: OK`);
    }
    if (e.ackRequested) {
      this.send({ type: 'ACK', ackedSeq: e.seq, status: o.status });
      if (e.message.type !== 'SENSOR_FRAME') this.acks.remember(e, o.status);
    }
  }

  private onMessage(e: Envelope): void {
    const m = e.message;
    if (e.ackRequested && m.type !== 'SENSOR_FRAME') {
      const again = this.acks.lookup(e);
      if (again !== undefined) {
        this.send({ type: 'ACK', ackedSeq: e.seq, status: again });
        return;
      }
    }
    const s = this.session;
    switch (m.type) {
      case 'HELLO':
        this.log(`HELLO from '${m.name}'`);
        this.sendHello();
        if (m.protocolVersion !== PROTOCOL_VERSION) return this.answer(e, { status: Status.E_VERSION_MISMATCH, text: `protocol ${m.protocolVersion} not supported (${PROTOCOL_VERSION})` });
        return this.answer(e, { status: Status.OK });
      case 'CONFIGURE': {
        const o = s.configure(m.config);
        if (o.status === Status.OK) this.watchdog.stop();
        return this.answer(e, o);
      }
      case 'START': {
        const o = s.start();
        if (o.status === Status.OK) this.watchdog.kick(s.cfg!.watchdogMs);
        return this.answer(e, o);
      }
      case 'STOP': {
        const running = s.state === 'RUNNING';
        this.watchdog.stop();
        const o = s.stop();
        if (running) this.persist(); // before the ACK, as the firmware does
        this.answer(e, o);
        this.emit('actuators', s.actuators, true);
        return;
      }
      case 'LEARN':
        return this.answer(e, s.setLearning(m.on));
      case 'SENSOR_FRAME':
        return this.onSensor(e, m.step, m.values);
      case 'SNAPSHOT_GET':
        return this.onSnapshotGet(e);
      case 'SNAPSHOT_PUT': {
        const o = s.putSnapshot(m.offset, m.total, m.data);
        if (o.status === Status.OK && m.offset + m.data.length === m.total) this.persist(); // the last chunk loaded it
        return this.answer(e, o);
      }
      case 'CORE_UPLOAD_BEGIN':
      case 'CORE_UPLOAD_CHUNK':
      case 'CORE_UPLOAD_END':
        if (this.verifying) {
          const v = this.verifying.e;
          // a retransmitted END: its ACK comes when the self-test has ended
          if (m.type === 'CORE_UPLOAD_END' && e.ackRequested && e.seq === v.seq) return;
          return this.answer(e, { status: Status.E_BUSY, text: 'an uploaded core is being verified; retry when its CORE_UPLOAD_END is answered' });
        }
        if (m.type === 'CORE_UPLOAD_BEGIN') return this.answer(e, { status: this.upload.begin(m.size, m.crc, m.signature) });
        if (m.type === 'CORE_UPLOAD_CHUNK') return this.answer(e, { status: this.upload.chunk(m.offset, m.data) });
        return this.onUploadEnd(e);
      case 'ACK':
      case 'ERROR':
        return;
      default:
        return this.answer(e, { status: Status.E_UNSUPPORTED, text: `${m.type} is not a host-to-device message` });
    }
  }

  private onSensor(e: Envelope, step: number, values: number[]): void {
    const s = this.session;
    const r = s.sensor(step, values);
    if (!r.ok) {
      this.answer(e, r);
      if (r.reverted) {
        this.emit('actuators', s.actuators, true);
        this.emit('revert', s.checksum);
        this.sendHello();
      }
      return;
    }
    const cfg = s.cfg!;
    this.watchdog.kick(cfg.watchdogMs);
    this.send({ type: 'ACTUATOR_FRAME', step, values: r.u });
    if (e.ackRequested) this.answer(e, { status: Status.OK });
    this.emit('actuators', r.u, false);
    if (cfg.telemetryEvery > 0 && (step + 1) % cfg.telemetryEvery === 0) {
      this.send({ type: 'TELEMETRY', step, loss: r.loss, flags: s.telemetryFlags(r.clipped), values: [...r.y, ...r.uPd] });
    }
  }

  private onWatchdog(): void {
    const s = this.session;
    if (s.state !== 'RUNNING' || s.safe) return;
    s.holdSafe();
    const ms = s.cfg!.watchdogMs;
    this.log(`watchdog: no sensor frame for ${ms} ms, actuators safe`);
    this.emit('actuators', s.actuators, true);
    this.emit('watchdog');
    this.send({ type: 'ERROR', code: Status.E_WATCHDOG, text: `no sensor frame for ${ms} ms: actuators in the safe state` });
    if (s.cfg!.telemetryEvery > 0) this.send({ type: 'TELEMETRY', step: Math.max(0, s.nextStep - 1), loss: 0, flags: s.telemetryFlags(false), values: [] });
  }

  /** Saves the configuration and the learned state (no store: nothing). */
  private persist(): void {
    const s = this.session;
    if (!this.store || !s.cfgBytes) return;
    const r = s.snapshot();
    if (!r.ok) return this.log(`persist: no snapshot (${r.text})`);
    if (!this.store.save(s.cfgBytes, r.bytes)) this.log('persist: not saved (the write failed)');
  }

  /** At boot: the newest stored save whose configuration and snapshot both load; else the newest accepted configuration with fresh weights (dt_session.c restore()). */
  private restore(store: DeviceStore): void {
    const s = this.session;
    let fallback: Uint8Array | null = null;
    for (const [i, r] of store.records().entries()) {
      if (s.configure(r.cfg).status !== Status.OK) {
        this.log('restore: stored configuration refused');
        continue;
      }
      fallback ??= r.cfg;
      const snap = store.loadSnapshot(r);
      if (snap && s.loadState(snap).status === Status.OK) {
        this.log(`restore: configuration and learned state restored (${i === 0 ? 'newest save' : 'the save before the newest'})`);
        return;
      }
      this.log('restore: a stored snapshot is unusable');
    }
    if (fallback && s.configure(fallback).status === Status.OK) this.log('restore: configuration restored, no stored snapshot usable (fresh weights)');
  }

  private onSnapshotGet(e: Envelope): void {
    const r = this.session.snapshot();
    if (!r.ok) return this.answer(e, r);
    if (e.ackRequested) this.answer(e, { status: Status.OK });
    const total = r.bytes.length;
    this.log(`SNAPSHOT_GET: sending ${total} bytes`);
    for (let offset = 0; offset < total; offset += SNAPSHOT_CHUNK) {
      this.send({ type: 'SNAPSHOT_DATA', offset, total, data: r.bytes.subarray(offset, offset + SNAPSHOT_CHUNK) });
    }
  }

  /**
   * Verifies the image (signature, shape, then the self-test in a worker with a time limit) while
   * this loop goes on serving the running core; answers END when that is done.
   */
  private onUploadEnd(e: Envelope): void {
    const s = this.session;
    const end = this.upload.end();
    if (!('image' in end)) return this.answer(e, end);
    const v = verifyCore(end.image, end.signature, s, { publicKey: this.publicKey, selfTestLimitMs: this.selfTestLimitMs });
    const mine = { e, cancel: v.cancel };
    this.verifying = mine;
    void v.result.then((r) => {
      if (this.verifying !== mine) return;
      this.verifying = null;
      if (!this.link.isOpen) return;
      const o = r.ok ? s.adopt(r) : r;
      this.answer(e, o);
      if (o.status !== Status.OK) return;
      this.log(`new core swapped in on trial (confirmed after ${TRIAL_STEPS} steps), self-test checksum 0x${s.checksum.toString(16).padStart(8, '0')}`);
      this.emit('swap', s.checksum);
      this.sendHello();
    });
  }
}
