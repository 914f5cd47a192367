// Typed messages and their payload encodings (all integers little-endian; fixed-point values i32).
// docs/protocol.md gives the byte layout of every payload. Encoders throw RangeError on values that do
// not fit their fields; decoders never throw and reject any payload that is not exactly well formed.
import { FrameFlag, MessageType, messageTypeName, type MessageTypeName } from './codes.ts';
import { MAX_PAYLOAD, encodeFrame, type Frame } from './frame.ts';

/** Longest string field (u8 length prefix), in UTF-8 bytes. */
export const MAX_STRING_BYTES = 255;
/** CORE_UPLOAD_BEGIN carries the image's Ed25519 signature (64 bytes). */
export const UPLOAD_SIGNATURE_BYTES = 64;

export interface Hello { type: 'HELLO'; protocolVersion: number; coreVersion: number; selfTestChecksum: number; name: string }
export interface Ack { type: 'ACK'; ackedSeq: number; status: number }
export interface ErrorMessage { type: 'ERROR'; code: number; text: string }
export interface Configure { type: 'CONFIGURE'; config: Uint8Array }
export interface Start { type: 'START' }
export interface Stop { type: 'STOP' }
export interface Learn { type: 'LEARN'; on: boolean }
export interface SensorFrame { type: 'SENSOR_FRAME'; step: number; values: number[] }
export interface ActuatorFrame { type: 'ACTUATOR_FRAME'; step: number; values: number[] }
export interface Telemetry { type: 'TELEMETRY'; step: number; loss: number; flags: number; values: number[] }
export interface SnapshotGet { type: 'SNAPSHOT_GET' }
export interface SnapshotData { type: 'SNAPSHOT_DATA'; offset: number; total: number; data: Uint8Array }
export interface SnapshotPut { type: 'SNAPSHOT_PUT'; offset: number; total: number; data: Uint8Array }
/** signature: the 64-byte Ed25519 signature of the whole image (docs/protocol.md §10). */
export interface CoreUploadBegin { type: 'CORE_UPLOAD_BEGIN'; size: number; crc: number; signature: Uint8Array }
export interface CoreUploadChunk { type: 'CORE_UPLOAD_CHUNK'; offset: number; data: Uint8Array }
export interface CoreUploadEnd { type: 'CORE_UPLOAD_END' }

export type Message =
  | Hello | Ack | ErrorMessage | Configure | Start | Stop | Learn | SensorFrame | ActuatorFrame | Telemetry
  | SnapshotGet | SnapshotData | SnapshotPut | CoreUploadBegin | CoreUploadChunk | CoreUploadEnd;

/** A message as received: the header fields that matter above the frame layer, and the message. */
export interface Envelope { seq: number; ackRequested: boolean; message: Message }

export type PayloadResult = { ok: true; message: Message } | { ok: false; detail: string };

/** Most i32 values fitting a SENSOR_FRAME / ACTUATOR_FRAME ((1024 - 4) / 4) and a TELEMETRY ((1024 - 10) / 4). */
export const MAX_FRAME_VALUES = (MAX_PAYLOAD - 4) >> 2;
export const MAX_TELEMETRY_VALUES = (MAX_PAYLOAD - 10) >> 2;

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// ---- encoding ---------------------------------------------------------------------------------

class Writer {
  private readonly bytes: Uint8Array;
  private readonly dv: DataView;
  private o = 0;
  constructor(size: number, private readonly what: string) {
    if (size > MAX_PAYLOAD) throw new RangeError(`${what}: payload of ${size} bytes exceeds MAX_PAYLOAD (${MAX_PAYLOAD})`);
    this.bytes = new Uint8Array(size);
    this.dv = new DataView(this.bytes.buffer);
  }
  private int(field: string, v: unknown, min: number, max: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new RangeError(`${this.what}: ${field} must be an integer ${min}..${max}, got ${String(v)}`);
    return v;
  }
  u8(field: string, v: unknown): void { this.dv.setUint8(this.o, this.int(field, v, 0, 0xff)); this.o += 1; }
  u16(field: string, v: unknown): void { this.dv.setUint16(this.o, this.int(field, v, 0, 0xffff), true); this.o += 2; }
  u32(field: string, v: unknown): void { this.dv.setUint32(this.o, this.int(field, v, 0, 0xffffffff), true); this.o += 4; }
  i32(field: string, v: unknown): void { this.dv.setInt32(this.o, this.int(field, v, -0x80000000, 0x7fffffff), true); this.o += 4; }
  i32s(field: string, vs: readonly number[]): void { vs.forEach((v, k) => this.i32(`${field}[${k}]`, v)); }
  raw(b: Uint8Array): void { this.bytes.set(b, this.o); this.o += b.length; }
  done(): Uint8Array { return this.bytes; }
}

function stringBytes(what: string, s: unknown): Uint8Array {
  if (typeof s !== 'string') throw new RangeError(`${what} must be a string`);
  if (/\p{Cs}/u.test(s)) throw new RangeError(`${what} has a lone surrogate`);
  const b = utf8.encode(s);
  if (b.length > MAX_STRING_BYTES) throw new RangeError(`${what} is ${b.length} UTF-8 bytes, over ${MAX_STRING_BYTES}`);
  return b;
}

function bytesOf(what: string, b: unknown): Uint8Array {
  if (!(b instanceof Uint8Array)) throw new RangeError(`${what} must be a Uint8Array`);
  return b;
}

function arrayOf(what: string, v: unknown): readonly number[] {
  if (!Array.isArray(v)) throw new RangeError(`${what} must be an array of numbers`);
  return v;
}

/** The payload bytes of a message. Throws RangeError when a field does not fit. */
export function encodePayload(m: Message): Uint8Array {
  const t = m.type;
  switch (m.type) {
    case 'HELLO': {
      const name = stringBytes('HELLO.name', m.name);
      const w = new Writer(9 + name.length, t);
      w.u16('protocolVersion', m.protocolVersion);
      w.u16('coreVersion', m.coreVersion);
      w.u32('selfTestChecksum', m.selfTestChecksum);
      w.u8('name length', name.length);
      w.raw(name);
      return w.done();
    }
    case 'ACK': {
      const w = new Writer(3, t);
      w.u8('ackedSeq', m.ackedSeq);
      w.u16('status', m.status);
      return w.done();
    }
    case 'ERROR': {
      const text = stringBytes('ERROR.text', m.text);
      const w = new Writer(3 + text.length, t);
      w.u16('code', m.code);
      w.u8('text length', text.length);
      w.raw(text);
      return w.done();
    }
    case 'CONFIGURE': {
      const c = bytesOf('CONFIGURE.config', m.config);
      const w = new Writer(c.length, t);
      w.raw(c);
      return w.done();
    }
    case 'START':
    case 'STOP':
    case 'SNAPSHOT_GET':
    case 'CORE_UPLOAD_END':
      return new Uint8Array(0);
    case 'LEARN': {
      if (typeof m.on !== 'boolean') throw new RangeError('LEARN: on must be a boolean');
      return Uint8Array.of(m.on ? 1 : 0);
    }
    case 'SENSOR_FRAME':
    case 'ACTUATOR_FRAME': {
      const values = arrayOf(`${t}.values`, m.values);
      const w = new Writer(4 + 4 * values.length, t);
      w.u32('step', m.step);
      w.i32s('values', values);
      return w.done();
    }
    case 'TELEMETRY': {
      const values = arrayOf('TELEMETRY.values', m.values);
      const w = new Writer(10 + 4 * values.length, t);
      w.u32('step', m.step);
      w.i32('loss', m.loss);
      w.u16('flags', m.flags);
      w.i32s('values', values);
      return w.done();
    }
    case 'SNAPSHOT_DATA':
    case 'SNAPSHOT_PUT': {
      const data = bytesOf(`${t}.data`, m.data);
      const w = new Writer(8 + data.length, t);
      w.u32('offset', m.offset);
      w.u32('total', m.total);
      if (m.offset + data.length > m.total) throw new RangeError(`${t}: offset ${m.offset} + ${data.length} byte(s) runs past total ${m.total}`);
      w.raw(data);
      return w.done();
    }
    case 'CORE_UPLOAD_BEGIN': {
      const sig = bytesOf('CORE_UPLOAD_BEGIN.signature', m.signature);
      if (sig.length !== UPLOAD_SIGNATURE_BYTES) throw new RangeError(`${t}.signature must be ${UPLOAD_SIGNATURE_BYTES} bytes, got ${sig.length}`);
      const w = new Writer(8 + UPLOAD_SIGNATURE_BYTES, t);
      w.u32('size', m.size);
      w.u32('crc', m.crc);
      w.raw(sig);
      return w.done();
    }
    case 'CORE_UPLOAD_CHUNK': {
      const data = bytesOf('CORE_UPLOAD_CHUNK.data', m.data);
      const w = new Writer(4 + data.length, t);
      w.u32('offset', m.offset);
      // The chunk covers bytes offset .. offset + len - 1: it may end exactly at 2^32.
      if (m.offset + data.length > 0x100000000) throw new RangeError(`${t}: offset ${m.offset} + ${data.length} byte(s) runs past 2^32`);
      w.raw(data);
      return w.done();
    }
    default:
      throw new RangeError(`unknown message type ${JSON.stringify((m as { type: unknown }).type)}`);
  }
}

/** The complete wire frame of a message (COBS body + 0x00). seq is the sender's frame counter 0..255. */
export function encodeMessage(m: Message, opts: { seq: number; ackRequested?: boolean }): Uint8Array {
  const code = (MessageType as Record<string, number>)[m.type];
  if (code === undefined) throw new RangeError(`unknown message type ${JSON.stringify(m.type)}`);
  return encodeFrame({ type: code, seq: opts.seq, flags: opts.ackRequested ? FrameFlag.ACK_REQUESTED : 0 }, encodePayload(m));
}

// ---- decoding ---------------------------------------------------------------------------------

function bad(t: MessageTypeName, detail: string): PayloadResult {
  return { ok: false, detail: `${t}: ${detail}` };
}

function i32s(dv: DataView, from: number): number[] {
  const out: number[] = [];
  for (let o = from; o < dv.byteLength; o += 4) out.push(dv.getInt32(o, true));
  return out;
}

/** Decodes a string field: u8 length at `at`, then UTF-8; it must end the payload exactly. */
function stringAt(t: MessageTypeName, p: Uint8Array, at: number, field: string): { ok: true; s: string } | { ok: false; r: PayloadResult } {
  const n = p[at];
  if (p.length !== at + 1 + n) return { ok: false, r: bad(t, `payload is ${p.length} bytes; ${field} of ${n} byte(s) needs ${at + 1 + n}`) };
  try {
    return { ok: true, s: utf8Strict.decode(p.subarray(at + 1)) };
  } catch {
    return { ok: false, r: bad(t, `${field} is not valid UTF-8`) };
  }
}

/** Decodes the payload of a frame of type `type`. Never throws. */
export function decodePayload(type: number, payload: Uint8Array): PayloadResult {
  const t = messageTypeName(type);
  if (t === undefined) return { ok: false, detail: `unknown message type 0x${(type >>> 0).toString(16)}` };
  const p = payload;
  const n = p.length;
  if (n > MAX_PAYLOAD) return bad(t, `payload of ${n} bytes exceeds ${MAX_PAYLOAD}`);
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const exactly = (k: number): string | null => (n === k ? null : `payload must be ${k} byte(s), got ${n}`);
  const atLeast = (k: number): string | null => (n >= k ? null : `payload must be at least ${k} bytes, got ${n}`);
  switch (t) {
    case 'HELLO': {
      const e = atLeast(9);
      if (e) return bad(t, e);
      const s = stringAt(t, p, 8, 'name');
      if (!s.ok) return s.r;
      return { ok: true, message: { type: t, protocolVersion: dv.getUint16(0, true), coreVersion: dv.getUint16(2, true), selfTestChecksum: dv.getUint32(4, true), name: s.s } };
    }
    case 'ACK': {
      const e = exactly(3);
      if (e) return bad(t, e);
      return { ok: true, message: { type: t, ackedSeq: p[0], status: dv.getUint16(1, true) } };
    }
    case 'ERROR': {
      const e = atLeast(3);
      if (e) return bad(t, e);
      const s = stringAt(t, p, 2, 'text');
      if (!s.ok) return s.r;
      return { ok: true, message: { type: t, code: dv.getUint16(0, true), text: s.s } };
    }
    case 'CONFIGURE':
      return { ok: true, message: { type: t, config: p.slice() } };
    case 'START':
    case 'STOP':
    case 'SNAPSHOT_GET':
    case 'CORE_UPLOAD_END': {
      const e = exactly(0);
      if (e) return bad(t, e);
      return { ok: true, message: { type: t } };
    }
    case 'LEARN': {
      const e = exactly(1);
      if (e) return bad(t, e);
      if (p[0] > 1) return bad(t, `on must be 0 or 1, got ${p[0]}`);
      return { ok: true, message: { type: t, on: p[0] === 1 } };
    }
    case 'SENSOR_FRAME':
    case 'ACTUATOR_FRAME': {
      const e = atLeast(4);
      if (e) return bad(t, e);
      if ((n - 4) % 4) return bad(t, `values take ${n - 4} bytes, not a multiple of 4`);
      return { ok: true, message: { type: t, step: dv.getUint32(0, true), values: i32s(dv, 4) } };
    }
    case 'TELEMETRY': {
      const e = atLeast(10);
      if (e) return bad(t, e);
      if ((n - 10) % 4) return bad(t, `values take ${n - 10} bytes, not a multiple of 4`);
      return { ok: true, message: { type: t, step: dv.getUint32(0, true), loss: dv.getInt32(4, true), flags: dv.getUint16(8, true), values: i32s(dv, 10) } };
    }
    case 'SNAPSHOT_DATA':
    case 'SNAPSHOT_PUT': {
      const e = atLeast(8);
      if (e) return bad(t, e);
      const offset = dv.getUint32(0, true);
      const total = dv.getUint32(4, true);
      if (offset + (n - 8) > total) return bad(t, `offset ${offset} + ${n - 8} byte(s) runs past total ${total}`);
      return { ok: true, message: { type: t, offset, total, data: p.slice(8) } };
    }
    case 'CORE_UPLOAD_BEGIN': {
      const e = exactly(8 + UPLOAD_SIGNATURE_BYTES);
      if (e) return bad(t, e);
      return { ok: true, message: { type: t, size: dv.getUint32(0, true), crc: dv.getUint32(4, true), signature: p.slice(8) } };
    }
    case 'CORE_UPLOAD_CHUNK': {
      const e = atLeast(4);
      if (e) return bad(t, e);
      const offset = dv.getUint32(0, true);
      if (offset + (n - 4) > 0x100000000) return bad(t, `offset ${offset} + ${n - 4} byte(s) runs past 2^32`);
      return { ok: true, message: { type: t, offset, data: p.slice(4) } };
    }
  }
}

/** Decodes the message carried by a decoded frame. Never throws. */
export function decodeFrameMessage(frame: Frame): { ok: true; envelope: Envelope } | { ok: false; detail: string } {
  const r = decodePayload(frame.type, frame.payload);
  if (!r.ok) return r;
  return { ok: true, envelope: { seq: frame.seq, ackRequested: (frame.flags & FrameFlag.ACK_REQUESTED) !== 0, message: r.message } };
}
