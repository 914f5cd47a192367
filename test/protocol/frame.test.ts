import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cobsDecode, cobsEncode } from '../../host/protocol/cobs.ts';
import { MessageType, PROTOCOL_VERSION, REJECT_REASONS } from '../../host/protocol/codes.ts';
import { crc32 } from '../../host/protocol/crc.ts';
import {
  FRAME_OVERHEAD, FrameDecoder, MAX_BODY, MAX_ENCODED, MAX_PAYLOAD, decodeFrameBody, encodeFrame, encodeFrameBody,
  type Frame, type Rejection,
} from '../../host/protocol/frame.ts';
import { fromHex, toHex } from '../../host/protocol/json.ts';

const ascii = (s: string) => new TextEncoder().encode(s);

test('crc32: IEEE check value, unsigned, running CRC', () => {
  assert.is(crc32(ascii('123456789')), 0xcbf43926);
  assert.is(crc32(new Uint8Array(0)), 0);
  const a = ascii('deep'), b = ascii('trace');
  const all = ascii('deeptrace');
  assert.is(crc32(b, crc32(a)), crc32(all));
  for (let k = 0; k < 64; k++) assert.ok(crc32(Uint8Array.of(k, 255 - k)) >= 0);
});

test('sizes: header 6, CRC 4, max payload 1024, max wire frame 1039 + delimiter', () => {
  assert.is(FRAME_OVERHEAD, 10);
  assert.is(MAX_PAYLOAD, 1024);
  assert.is(MAX_BODY, 1034);
  assert.is(MAX_ENCODED, 1039);
  const big = encodeFrame({ type: MessageType.CONFIGURE, seq: 0 }, new Uint8Array(MAX_PAYLOAD).fill(7));
  assert.ok(big.length - 1 <= MAX_ENCODED);
});

test('body layout: version, type, seq, flags, length u16 LE, payload, CRC-32 u32 LE', () => {
  const body = encodeFrameBody({ type: 0x21, seq: 0x7e, flags: 1 }, Uint8Array.of(0xaa, 0xbb, 0xcc));
  assert.is(toHex(body.subarray(0, 9)), '01217e010300aabbcc');
  const crc = crc32(body.subarray(0, 9));
  assert.is(new DataView(body.buffer).getUint32(9, true), crc);
  const wire = encodeFrame({ type: 0x21, seq: 0x7e, flags: 1 }, Uint8Array.of(0xaa, 0xbb, 0xcc));
  assert.is(wire[wire.length - 1], 0);
  assert.ok(!wire.subarray(0, -1).includes(0));
  const d = cobsDecode(wire.subarray(0, -1));
  assert.ok(d.ok && toHex(d.data) === toHex(body));
});

test('encodeFrame rejects out-of-range header fields and oversized payloads', () => {
  assert.throws(() => encodeFrame({ type: 256, seq: 0 }, new Uint8Array(0)), /type/);
  assert.throws(() => encodeFrame({ type: 1, seq: -1 }, new Uint8Array(0)), /seq/);
  assert.throws(() => encodeFrame({ type: 1, seq: 1.5 }, new Uint8Array(0)), /seq/);
  assert.throws(() => encodeFrame({ type: 1, seq: 0, flags: 300 }, new Uint8Array(0)), /flags/);
  assert.throws(() => encodeFrame({ type: 1, seq: 0 }, new Uint8Array(MAX_PAYLOAD + 1)), /MAX_PAYLOAD/);
});

/** A body with arbitrary header bytes and a correct CRC. */
function body(prefix: number[]): Uint8Array {
  const p = Uint8Array.from(prefix);
  const b = new Uint8Array(p.length + 4);
  b.set(p);
  new DataView(b.buffer).setUint32(p.length, crc32(p), true);
  return b;
}

test('decodeFrameBody: every rejection reason, checked in the documented order', () => {
  const reason = (b: Uint8Array) => {
    const r = decodeFrameBody(b);
    return r.ok ? 'ok' : r.reason;
  };
  assert.is(reason(body([1, 0x11, 0, 0, 0, 0])), 'ok');
  assert.is(reason(new Uint8Array(9)), 'truncated');
  assert.is(reason(body([1, 0x10, 0, 0, 0x01, 0x04])), 'length'); // declared 1025
  assert.is(reason(body([1, 0x10, 0, 0, 3, 0, 1, 2])), 'truncated');
  assert.is(reason(body([1, 0x10, 0, 0, 1, 0, 1, 2])), 'length');
  const b = body([1, 0x11, 0, 0, 0, 0]);
  b[9] ^= 0x40;
  assert.is(reason(b), 'crc');
  assert.is(reason(body([2, 0x11, 0, 0, 0, 0])), 'version');
  assert.is(reason(body([1, 0x11, 0, 0x02, 0, 0])), 'version');
  assert.is(reason(body([1, 0x99, 0, 0, 0, 0])), 'unknown_type');
  // A bad CRC wins over version and type: garbage is reported as corruption, not as a newer peer.
  const g = body([9, 0x99, 0, 0xff, 0, 0]);
  g[8] ^= 1;
  assert.is(reason(g), 'crc');
});

test('FrameDecoder: frames split at every byte, idle 0x00 fill, callbacks, stats', () => {
  const f1 = encodeFrame({ type: MessageType.START, seq: 1, flags: 1 }, new Uint8Array(0));
  const f2 = encodeFrame({ type: MessageType.CONFIGURE, seq: 2 }, Uint8Array.of(0, 1, 0, 2, 0));
  const stream = Uint8Array.of(0, 0, ...f1, 0, ...f2, 0);
  const seen: Frame[] = [];
  const d = new FrameDecoder({ onFrame: (f) => seen.push(f), onReject: () => assert.unreachable() });
  const returned: Frame[] = [];
  for (const b of stream) returned.push(...d.push(Uint8Array.of(b)));
  assert.equal(returned, seen);
  assert.is(seen.length, 2);
  assert.equal(seen[0], { version: PROTOCOL_VERSION, type: MessageType.START, seq: 1, flags: 1, payload: new Uint8Array(0) });
  assert.is(toHex(seen[1].payload), '0001000200');
  assert.is(d.stats.frames, 2);
  assert.is(d.stats.rejected, 0);
  assert.is(d.stats.bytes, stream.length);
  assert.is(d.pending, 0);
});

test('FrameDecoder: one rejection per bad frame with its reason; end() reports a frame cut by end of stream', () => {
  const rejections: Rejection[] = [];
  const d = new FrameDecoder({ onReject: (r) => rejections.push(r) });
  const good = encodeFrame({ type: MessageType.STOP, seq: 9 }, new Uint8Array(0));
  const wire = (b: Uint8Array) => Uint8Array.of(...cobsEncode(b), 0);
  const frames = d.push(Uint8Array.of(
    ...fromHex('0511220000'), // cobs (block past end); then an idle 00
    ...wire(Uint8Array.of(1, 2, 3)), // truncated
    ...wire(body([1, 0x10, 0, 0, 0xff, 0xff])), // length
    ...wire(body([7, 0x11, 0, 0, 0, 0])), // version
    ...wire(body([1, 0xee, 0, 0, 0, 0])), // unknown_type
    ...good,
    ...good.subarray(0, 5), // cut: pending
  ));
  assert.is(frames.length, 1);
  assert.equal(rejections.map((r) => r.reason), ['cobs', 'truncated', 'length', 'version', 'unknown_type']);
  assert.ok(rejections.every((r) => typeof r.detail === 'string' && r.detail.length > 0));
  assert.is(d.pending, 5);
  assert.is(d.end()?.reason, 'truncated');
  assert.is(d.end(), null);
  assert.is(d.stats.rejected, 6);
  assert.is(d.stats.reasons.truncated, 2);
  assert.is(REJECT_REASONS.reduce((s, r) => s + d.stats.reasons[r], 0), d.stats.rejected);
  d.push(good.subarray(0, 3));
  d.reset();
  assert.equal(d.push(good).map((f) => f.seq), [9]);
});

test('FrameDecoder: an oversized frame is dropped with bounded memory and counted once as length', () => {
  const d = new FrameDecoder();
  const junk = new Uint8Array(4000).fill(0x42);
  for (let k = 0; k < junk.length; k += 333) d.push(junk.subarray(k, k + 333));
  assert.is(d.pending, 4000);
  const good = encodeFrame({ type: MessageType.STOP, seq: 1 }, new Uint8Array(0));
  const frames = d.push(Uint8Array.of(0, ...good));
  assert.is(frames.length, 1);
  assert.is(d.stats.reasons.length, 1);
  assert.is(d.stats.rejected, 1);
  // Exactly MAX_ENCODED bytes is decoded (and fails later, here as COBS); MAX_ENCODED + 1 is dropped unread.
  const details: string[] = [];
  const e = new FrameDecoder({ onReject: (r) => details.push(`${r.reason}: ${r.detail}`) });
  e.push(Uint8Array.of(...new Uint8Array(MAX_ENCODED).fill(0x03), 0, ...new Uint8Array(MAX_ENCODED + 1).fill(0x03), 0));
  assert.equal(details.map((s) => s.split(':')[0]), ['cobs', 'length']);
  assert.not.match(details[0], /wire frame/);
  assert.match(details[1], /wire frame of 1040 bytes exceeds 1039/);
});

test('FrameDecoder accepts ArrayBuffer and other views, and ignores non-byte input without throwing', () => {
  const good = encodeFrame({ type: MessageType.STOP, seq: 3 }, new Uint8Array(0));
  const d = new FrameDecoder();
  assert.is(d.push(good.slice().buffer as unknown as Uint8Array).length, 1);
  assert.is(d.push(new DataView(good.slice().buffer) as unknown as Uint8Array).length, 1);
  assert.is(d.push(Buffer.from(good)).length, 1);
  for (const junk of [null, undefined, 42, 'abc', {}, [1, 2, 0]]) assert.is(d.push(junk as unknown as Uint8Array).length, 0);
  assert.is(d.stats.rejected, 0);
});

test.run();
