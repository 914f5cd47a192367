import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  MessageType, REJECT_REASONS, REJECT_STATUS, STATUS_MEANING, Status, TelemetryFlag, codeToCoreStatus, coreStatusToCode,
  messageTypeName, statusName,
} from '../../host/protocol/codes.ts';
import { MessageDecoder } from '../../host/protocol/decoder.ts';
import { MAX_PAYLOAD, encodeFrame } from '../../host/protocol/frame.ts';
import { messageFromJson, messageToJson } from '../../host/protocol/json.ts';
import {
  MAX_FRAME_VALUES, MAX_TELEMETRY_VALUES, decodeFrameMessage, decodePayload, encodeMessage, encodePayload, type Message,
} from '../../host/protocol/messages.ts';
import { messageArb } from './arbitraries.ts';

const bytes = (n: number, f = (k: number) => k & 0xff) => Uint8Array.from({ length: n }, (_, k) => f(k));

/** One example of every message type (with edge values). */
const examples: Message[] = [
  { type: 'HELLO', protocolVersion: 1, coreVersion: 2, selfTestChecksum: 0xffffffff, name: 'arm-😀-ß' },
  { type: 'ACK', ackedSeq: 200, status: Status.E_UPLOAD_CRC },
  { type: 'ERROR', code: coreStatusToCode(-14), text: 'E_SNAPSHOT_CRC' },
  { type: 'CONFIGURE', config: bytes(MAX_PAYLOAD) },
  { type: 'START' },
  { type: 'STOP' },
  { type: 'LEARN', on: true },
  { type: 'SENSOR_FRAME', step: 0xffffffff, values: Array.from({ length: MAX_FRAME_VALUES }, (_, k) => (k - 100) * 40961) },
  { type: 'ACTUATOR_FRAME', step: 3, values: [-2147483648, 2147483647, 0] },
  { type: 'TELEMETRY', step: 7, loss: -5, flags: TelemetryFlag.SAFE_STATE | 0x8000, values: Array(MAX_TELEMETRY_VALUES).fill(-1) },
  { type: 'SNAPSHOT_GET' },
  { type: 'SNAPSHOT_DATA', offset: 0xffffffff - 8, total: 0xffffffff, data: bytes(8) },
  { type: 'SNAPSHOT_PUT', offset: 0, total: 0, data: new Uint8Array(0) },
  { type: 'CORE_UPLOAD_BEGIN', size: 123, crc: 0x80000000, signature: bytes(64, (k) => 255 - k) },
  { type: 'CORE_UPLOAD_CHUNK', offset: 1020, data: bytes(MAX_PAYLOAD - 4, (k) => k % 3) },
  { type: 'CORE_UPLOAD_END' },
];

test('the examples cover every message type', () => {
  assert.equal(examples.map((m) => m.type).sort(), Object.keys(MessageType).sort());
});

test('every message type round-trips through payload, frame and stream decoding', () => {
  const d = new MessageDecoder();
  examples.forEach((m, k) => {
    const p = decodePayload(MessageType[m.type], encodePayload(m));
    assert.ok(p.ok, m.type);
    if (p.ok) assert.equal(p.message, m, m.type);
    const got = d.push(encodeMessage(m, { seq: k, ackRequested: k % 2 === 1 }));
    assert.equal(got, [{ seq: k, ackRequested: k % 2 === 1, message: m }], m.type);
    assert.equal(messageFromJson(JSON.parse(JSON.stringify(messageToJson(m)))), m, `${m.type} JSON`);
  });
  assert.is(d.stats.messages, examples.length);
  assert.is(d.stats.rejected, 0);
});

test('payload layouts (little-endian; see docs/protocol.md)', () => {
  const hex = (m: Message) => Buffer.from(encodePayload(m)).toString('hex');
  assert.is(hex({ type: 'HELLO', protocolVersion: 1, coreVersion: 0x0203, selfTestChecksum: 0x04050607, name: 'ab' }), '0100030207060504026162');
  assert.is(hex({ type: 'ACK', ackedSeq: 5, status: 0x0104 }), '050401');
  assert.is(hex({ type: 'ERROR', code: 0x0201, text: 'x' }), '01020178');
  assert.is(hex({ type: 'LEARN', on: false }), '00');
  assert.is(hex({ type: 'SENSOR_FRAME', step: 1, values: [-1, 4096] }), '01000000ffffffff00100000');
  assert.is(hex({ type: 'TELEMETRY', step: 2, loss: -2, flags: 1, values: [3] }), '02000000feffffff010003000000');
  assert.is(hex({ type: 'SNAPSHOT_DATA', offset: 1, total: 3, data: Uint8Array.of(9, 9) }), '01000000030000000909');
  assert.is(hex({ type: 'CORE_UPLOAD_BEGIN', size: 0x100, crc: 0xcbf43926, signature: new Uint8Array(64).fill(0xab) }), '000100002639f4cb' + 'ab'.repeat(64));
  assert.is(hex({ type: 'CORE_UPLOAD_CHUNK', offset: 2, data: Uint8Array.of(7) }), '0200000007');
  for (const t of ['START', 'STOP', 'SNAPSHOT_GET', 'CORE_UPLOAD_END'] as const) assert.is(hex({ type: t }), '');
});

test('arbitrary messages round-trip (fast-check)', () => {
  fc.assert(
    fc.property(messageArb, fc.integer({ min: 0, max: 255 }), fc.boolean(), (m, seq, ack) => {
      const d = new MessageDecoder();
      assert.equal(d.push(encodeMessage(m, { seq, ackRequested: ack })), [{ seq, ackRequested: ack, message: m }]);
    }),
    { numRuns: 400 },
  );
});

test('encoders throw RangeError on values that do not fit', () => {
  const bad: [Message, RegExp][] = [
    [{ type: 'HELLO', protocolVersion: 65536, coreVersion: 0, selfTestChecksum: 0, name: '' }, /protocolVersion/],
    [{ type: 'HELLO', protocolVersion: 1, coreVersion: 0, selfTestChecksum: -1, name: '' }, /selfTestChecksum/],
    [{ type: 'HELLO', protocolVersion: 1, coreVersion: 0, selfTestChecksum: 0, name: 'x'.repeat(256) }, /255/],
    [{ type: 'HELLO', protocolVersion: 1, coreVersion: 0, selfTestChecksum: 0, name: '\ud800' }, /surrogate/],
    [{ type: 'ACK', ackedSeq: 256, status: 0 }, /ackedSeq/],
    [{ type: 'ERROR', code: 0x10000, text: '' }, /code/],
    [{ type: 'CONFIGURE', config: new Uint8Array(MAX_PAYLOAD + 1) }, /MAX_PAYLOAD/],
    [{ type: 'SENSOR_FRAME', step: 0, values: [0.5] }, /values\[0\]/],
    [{ type: 'SENSOR_FRAME', step: 0, values: [2 ** 31] }, /values\[0\]/],
    [{ type: 'SENSOR_FRAME', step: 0, values: Array(MAX_FRAME_VALUES + 1).fill(0) }, /MAX_PAYLOAD/],
    [{ type: 'ACTUATOR_FRAME', step: 2 ** 32, values: [] }, /step/],
    [{ type: 'TELEMETRY', step: 0, loss: NaN, flags: 0, values: [] }, /loss/],
    [{ type: 'TELEMETRY', step: 0, loss: 0, flags: 0, values: Array(MAX_TELEMETRY_VALUES + 1).fill(0) }, /MAX_PAYLOAD/],
    [{ type: 'SNAPSHOT_DATA', offset: 10, total: 11, data: new Uint8Array(2) }, /past total/],
    [{ type: 'CORE_UPLOAD_CHUNK', offset: 0xffffffff, data: new Uint8Array(2) }, /2\^32/],
    [{ type: 'CORE_UPLOAD_BEGIN', size: 1, crc: 0, signature: new Uint8Array(63) }, /signature must be 64 bytes/],
    [{ type: 'LEARN', on: 1 } as unknown as Message, /boolean/],
    [{ type: 'NOPE' } as unknown as Message, /unknown message type/],
  ];
  for (const [m, re] of bad) {
    assert.throws(() => encodeMessage(m, { seq: 0 }), (e: Error) => e instanceof RangeError && re.test(e.message), `${m.type} ${re}`);
  }
});

test('payload decoders reject malformed payloads (as reason "payload" in the stream)', () => {
  const cases: [keyof typeof MessageType, number[]][] = [
    ['HELLO', [1, 0, 0, 0, 0, 0, 0, 0]], // no name length
    ['HELLO', [1, 0, 0, 0, 0, 0, 0, 0, 3, 0x61]], // name shorter than its length
    ['HELLO', [1, 0, 0, 0, 0, 0, 0, 0, 1, 0x61, 0x62]], // bytes after the name
    ['HELLO', [1, 0, 0, 0, 0, 0, 0, 0, 1, 0xff]], // not UTF-8
    ['ACK', [1, 0]],
    ['ACK', [1, 0, 0, 0]],
    ['ERROR', [1, 0]],
    ['START', [0]],
    ['STOP', [1]],
    ['SNAPSHOT_GET', [0, 0]],
    ['CORE_UPLOAD_END', [0]],
    ['LEARN', []],
    ['LEARN', [2]],
    ['LEARN', [0, 0]],
    ['SENSOR_FRAME', [0, 0, 0]],
    ['ACTUATOR_FRAME', [0, 0, 0, 0, 1]],
    ['TELEMETRY', [0, 0, 0, 0, 0, 0, 0, 0, 0]],
    ['TELEMETRY', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2]],
    ['SNAPSHOT_DATA', [0, 0, 0, 0, 0, 0, 0]],
    ['SNAPSHOT_PUT', [1, 0, 0, 0, 1, 0, 0, 0, 5]], // offset 1 + 1 byte > total 1
    ['CORE_UPLOAD_BEGIN', [0, 0, 0, 0, 0, 0, 0]],
    ['CORE_UPLOAD_BEGIN', [0, 0, 0, 0, 0, 0, 0, 0]], // no signature
    ['CORE_UPLOAD_BEGIN', Array(71).fill(0)], // one byte of it short
    ['CORE_UPLOAD_CHUNK', [0, 0, 0]],
    ['CORE_UPLOAD_CHUNK', [0xff, 0xff, 0xff, 0xff, 1, 2]], // bytes 2^32 - 1 and 2^32: one past the end
  ];
  for (const [t, p] of cases) {
    const r = decodePayload(MessageType[t], Uint8Array.from(p));
    assert.not.ok(r.ok, `${t} ${p}`);
    if (!r.ok) assert.ok(r.detail.startsWith(`${t}: `), r.detail);
  }
  // A chunk may end exactly at 2^32 (docs/protocol.md): its last byte is 2^32 - 1.
  assert.ok(decodePayload(MessageType.CORE_UPLOAD_CHUNK, Uint8Array.of(0xff, 0xff, 0xff, 0xff, 1)).ok);
  assert.not.ok(decodePayload(0x99, new Uint8Array(0)).ok);
  assert.not.ok(decodeFrameMessage({ version: 1, type: MessageType.LEARN, seq: 0, flags: 0, payload: Uint8Array.of(7) }).ok);
});

test('payload decoders never throw on arbitrary bytes for any type code', () => {
  fc.assert(fc.property(fc.integer({ min: -1, max: 256 }), fc.uint8Array({ maxLength: 1100 }), (t, p) => void decodePayload(t, p)), { numRuns: 1000 });
});

test('codes: type codes and status codes are unique u8/u16, every status has a meaning', () => {
  const types = Object.values(MessageType);
  assert.is(new Set(types).size, types.length);
  assert.ok(types.every((c) => c > 0 && c < 256));
  for (const [n, c] of Object.entries(MessageType)) assert.is(messageTypeName(c), n);
  assert.is(messageTypeName(0), undefined);
  const statuses = Object.values(Status);
  assert.is(new Set(statuses).size, statuses.length);
  for (const c of statuses) assert.ok(c >= 0 && c <= 0xffff && typeof STATUS_MEANING[c] === 'string', statusName(c));
  for (const r of REJECT_REASONS) assert.ok(statuses.includes(REJECT_STATUS[r] as never), r);
  assert.is(coreStatusToCode(-1), 0x1001);
  assert.is(coreStatusToCode(-102), 0x1066);
  assert.is(codeToCoreStatus(0x1066), -102);
  assert.is(codeToCoreStatus(Status.E_CORE), undefined);
  assert.is(codeToCoreStatus(Status.E_STATE), undefined);
  assert.is(statusName(0x100e), 'E_CORE(-14)');
  assert.is(statusName(Status.E_FRAME_CRC), 'E_FRAME_CRC');
  assert.is(statusName(0x0999), '0x0999');
  assert.throws(() => coreStatusToCode(0), RangeError);
  assert.throws(() => coreStatusToCode(-4096), RangeError);
  assert.ok(Object.values(TelemetryFlag).every((b) => b > 0 && (b & (b - 1)) === 0));
});

test('MessageDecoder counts payload rejections next to frame rejections, in stream order', () => {
  const order: string[] = [];
  const d = new MessageDecoder({ onMessage: (e) => order.push(e.message.type), onReject: (r) => order.push(r.reason) });
  const stream = Uint8Array.of(
    ...encodeMessage({ type: 'START' }, { seq: 1 }),
    ...encodeFrame({ type: MessageType.LEARN, seq: 2 }, Uint8Array.of(2)),
    0x05, 0x11, 0x22, 0x00,
    ...encodeMessage({ type: 'LEARN', on: true }, { seq: 3 }),
  );
  const events = d.decode(stream);
  assert.equal(order, ['START', 'payload', 'cobs', 'LEARN']);
  assert.equal(events.map((e) => ('envelope' in e ? e.envelope.seq : e.rejection.reason)), [1, 'payload', 'cobs', 3]);
  assert.is(d.stats.messages, 2);
  assert.is(d.stats.rejected, 2);
  assert.is(d.stats.reasons.payload, 1);
  assert.is(d.stats.reasons.cobs, 1);
});

test.run();
