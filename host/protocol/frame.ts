// Frames: the header + payload + CRC-32 body, COBS-encoded and terminated by 0x00 on the wire, and a
// streaming decoder that takes arbitrary byte chunks. Layout (docs/protocol.md):
//
//   offset  size  field
//   0       1     version   PROTOCOL_VERSION (1)
//   1       1     type      MessageType code
//   2       1     seq       sender's frame counter, 0..255, wraps
//   3       1     flags     bit 0 ACK_REQUESTED; bits 1..7 reserved (0)
//   4       2     length    payload length n, u16 LE, 0..MAX_PAYLOAD
//   6       n     payload
//   6+n     4     crc       CRC-32 (IEEE) u32 LE of bytes 0 .. 5+n
import { cobsDecode, cobsEncode, cobsMaxEncodedLength } from './cobs.ts';
import { crc32 } from './crc.ts';
import { FRAME_FLAGS_RESERVED, PROTOCOL_VERSION, REJECT_REASONS, messageTypeName, type RejectReason } from './codes.ts';

export const HEADER_SIZE = 6;
export const CRC_SIZE = 4;
/** Bytes of a body besides the payload. */
export const FRAME_OVERHEAD = HEADER_SIZE + CRC_SIZE;
/** The largest payload of any frame. */
export const MAX_PAYLOAD = 1024;
/** The largest body (header + payload + CRC) before COBS. */
export const MAX_BODY = MAX_PAYLOAD + FRAME_OVERHEAD;
/** The longest COBS encoding of a body, delimiter excluded; longer wire frames are rejected ('length'). */
export const MAX_ENCODED = cobsMaxEncodedLength(MAX_BODY);
/** The frame delimiter. */
export const DELIMITER = 0x00;

export interface FrameHeader {
  type: number;
  seq: number;
  /** Header flags byte; default 0. */
  flags?: number;
  /** Protocol version byte; default PROTOCOL_VERSION (other values only to test receivers). */
  version?: number;
}

export interface Frame {
  version: number;
  type: number;
  seq: number;
  flags: number;
  payload: Uint8Array;
}

export type Rejection = { reason: RejectReason; detail: string };
export type BodyResult = { ok: true; frame: Frame } | ({ ok: false } & Rejection);

function checkU8(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new RangeError(`${name} must be an integer 0..255, got ${v}`);
}

/** The frame body (header, payload, CRC) before COBS. Throws RangeError on an invalid header or payload size. */
export function encodeFrameBody(header: FrameHeader, payload: Uint8Array): Uint8Array {
  const version = header.version ?? PROTOCOL_VERSION;
  const flags = header.flags ?? 0;
  checkU8('version', version);
  checkU8('type', header.type);
  checkU8('seq', header.seq);
  checkU8('flags', flags);
  if (payload.length > MAX_PAYLOAD) throw new RangeError(`payload of ${payload.length} bytes exceeds MAX_PAYLOAD (${MAX_PAYLOAD})`);
  const n = payload.length;
  const body = new Uint8Array(n + FRAME_OVERHEAD);
  const dv = new DataView(body.buffer);
  body[0] = version;
  body[1] = header.type;
  body[2] = header.seq;
  body[3] = flags;
  dv.setUint16(4, n, true);
  body.set(payload, HEADER_SIZE);
  dv.setUint32(HEADER_SIZE + n, crc32(body.subarray(0, HEADER_SIZE + n)), true);
  return body;
}

/** The complete wire frame: COBS(body) followed by the 0x00 delimiter. */
export function encodeFrame(header: FrameHeader, payload: Uint8Array): Uint8Array {
  const enc = cobsEncode(encodeFrameBody(header, payload));
  const out = new Uint8Array(enc.length + 1);
  out.set(enc);
  out[enc.length] = DELIMITER;
  return out;
}

/** Checks a COBS-decoded body, in the order of docs/protocol.md. Never throws. */
export function decodeFrameBody(body: Uint8Array): BodyResult {
  if (body.length < FRAME_OVERHEAD) return { ok: false, reason: 'truncated', detail: `body of ${body.length} bytes is shorter than header + CRC (${FRAME_OVERHEAD})` };
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const n = dv.getUint16(4, true);
  if (n > MAX_PAYLOAD) return { ok: false, reason: 'length', detail: `declared payload length ${n} exceeds ${MAX_PAYLOAD}` };
  const have = body.length - FRAME_OVERHEAD;
  if (have < n) return { ok: false, reason: 'truncated', detail: `declared payload length ${n} but only ${have} byte(s) present` };
  if (have > n) return { ok: false, reason: 'length', detail: `declared payload length ${n} but ${have} byte(s) present` };
  const want = dv.getUint32(HEADER_SIZE + n, true);
  const got = crc32(body.subarray(0, HEADER_SIZE + n));
  if (want !== got) return { ok: false, reason: 'crc', detail: `CRC-32 is 0x${got.toString(16).padStart(8, '0')}, frame carries 0x${want.toString(16).padStart(8, '0')}` };
  const [version, type, seq, flags] = body;
  if (version !== PROTOCOL_VERSION) return { ok: false, reason: 'version', detail: `protocol version ${version}, expected ${PROTOCOL_VERSION}` };
  if (flags & FRAME_FLAGS_RESERVED) return { ok: false, reason: 'version', detail: `reserved header flag bits set (0x${flags.toString(16).padStart(2, '0')})` };
  if (messageTypeName(type) === undefined) return { ok: false, reason: 'unknown_type', detail: `unknown message type 0x${type.toString(16).padStart(2, '0')}` };
  return { ok: true, frame: { version, type, seq, flags, payload: body.slice(HEADER_SIZE, HEADER_SIZE + n) } };
}

/** Decodes one wire frame with its delimiter removed (COBS, then the body checks). Never throws. */
export function decodeWireFrame(enc: Uint8Array): BodyResult {
  if (enc.length > MAX_ENCODED) return { ok: false, reason: 'length', detail: `wire frame of ${enc.length} bytes exceeds ${MAX_ENCODED}` };
  const c = cobsDecode(enc);
  if (!c.ok) return { ok: false, reason: 'cobs', detail: c.error };
  return decodeFrameBody(c.data);
}

export interface FrameDecoderStats {
  /** Frames decoded. */
  frames: number;
  /** Frames rejected, all reasons. */
  rejected: number;
  /** Frames rejected, per reason ('payload' stays 0 here; MessageDecoder counts it). */
  reasons: Record<RejectReason, number>;
  /** Bytes pushed. */
  bytes: number;
}

export function emptyReasonCounts(): Record<RejectReason, number> {
  return Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>;
}

export interface FrameDecoderOptions {
  onFrame?: (frame: Frame) => void;
  onReject?: (rejection: Rejection) => void;
}

/** One outcome of a wire frame: decoded or rejected. */
export type FrameEvent = { frame: Frame } | { rejection: Rejection };

function asBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return new Uint8Array(0);
}

/**
 * Streaming frame decoder. push() takes chunks of any size and split; every non-empty run of bytes
 * ended by 0x00 is one wire frame and ends up either decoded (returned and passed to onFrame) or
 * rejected (counted in stats and passed to onReject). Empty runs (repeated 0x00) are idle fill and
 * are ignored. Bytes of an oversized frame are dropped as they arrive, so memory stays bounded.
 * Never throws on any input; callbacks run after the chunk is processed (an exception thrown by a
 * callback propagates but leaves the decoder consistent).
 */
export class FrameDecoder {
  readonly stats: FrameDecoderStats = { frames: 0, rejected: 0, reasons: emptyReasonCounts(), bytes: 0 };
  private readonly buf = new Uint8Array(MAX_ENCODED);
  private len = 0;
  /** Length of the current frame when it has outgrown the buffer (0 otherwise). */
  private oversize = 0;

  constructor(private readonly options: FrameDecoderOptions = {}) {}

  /** Bytes of the unfinished frame held (or dropped, if oversized) so far. */
  get pending(): number {
    return this.oversize || this.len;
  }

  /** Feeds bytes; returns the frames completed by this chunk, in order. */
  push(chunk: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    for (const e of this.decode(chunk)) if ('frame' in e) frames.push(e.frame);
    return frames;
  }

  /** Like push, but returns every outcome completed by this chunk (frames and rejections), in order. */
  decode(chunk: Uint8Array): FrameEvent[] {
    const data = asBytes(chunk);
    this.stats.bytes += data.length;
    const events: FrameEvent[] = [];
    let pos = 0;
    while (pos < data.length) {
      const z = data.indexOf(DELIMITER, pos);
      const end = z < 0 ? data.length : z;
      this.append(data, pos, end);
      if (z < 0) break;
      this.finish(events);
      pos = z + 1;
    }
    return this.dispatch(events);
  }

  /** End of stream: an unfinished frame is rejected as 'truncated'. Returns that rejection, if any. */
  end(): Rejection | null {
    if (this.pending === 0) return null;
    const rejection: Rejection = { reason: 'truncated', detail: `stream ended inside a frame (${this.pending} byte(s) without delimiter)` };
    this.len = 0;
    this.oversize = 0;
    this.dispatch([{ rejection }]);
    return rejection;
  }

  /** Drops an unfinished frame without counting it (e.g. after reopening the port). */
  reset(): void {
    this.len = 0;
    this.oversize = 0;
  }

  private append(data: Uint8Array, from: number, to: number): void {
    const n = to - from;
    if (n === 0) return;
    if (this.oversize) {
      this.oversize += n;
    } else if (this.len + n > MAX_ENCODED) {
      this.oversize = this.len + n;
      this.len = 0;
    } else {
      this.buf.set(data.subarray(from, to), this.len);
      this.len += n;
    }
  }

  private finish(events: FrameEvent[]): void {
    if (this.oversize) {
      events.push({ rejection: { reason: 'length', detail: `wire frame of ${this.oversize} bytes exceeds ${MAX_ENCODED}` } });
      this.oversize = 0;
      return;
    }
    if (this.len === 0) return; // idle fill
    const r = decodeWireFrame(this.buf.subarray(0, this.len));
    this.len = 0;
    events.push(r.ok ? { frame: r.frame } : { rejection: { reason: r.reason, detail: r.detail } });
  }

  private dispatch(events: FrameEvent[]): FrameEvent[] {
    for (const e of events) {
      if ('frame' in e) {
        this.stats.frames++;
      } else {
        this.stats.rejected++;
        this.stats.reasons[e.rejection.reason]++;
      }
    }
    for (const e of events) {
      if ('frame' in e) this.options.onFrame?.(e.frame);
      else this.options.onReject?.(e.rejection);
    }
    return events;
  }
}
