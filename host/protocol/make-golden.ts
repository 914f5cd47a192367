// Writes host/protocol/golden.json: encoded frames for every message type plus invalid frames with
// the reason a receiver must reject them for. Firmware tests decode/encode the same vectors.
//   node --import tsx host/protocol/make-golden.ts           (re)write the file
//   node --import tsx host/protocol/make-golden.ts --check   exit 1 if the file is not up to date
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cobsEncode } from './cobs.ts';
import { MessageType, PROTOCOL_VERSION, Status, TelemetryFlag, coreStatusToCode, type RejectReason } from './codes.ts';
import { crc32 } from './crc.ts';
import { DELIMITER, MAX_ENCODED, MAX_PAYLOAD, encodeFrame } from './frame.ts';
import { messageToJson, toHex, type JsonMessage } from './json.ts';
import { encodeMessage, type Message } from './messages.ts';

export const GOLDEN_PATH = fileURLToPath(new URL('./golden.json', import.meta.url));

export interface GoldenValid { name: string; seq: number; ackRequested: boolean; message: JsonMessage; frameHex: string }
export interface GoldenInvalid { name: string; reason: RejectReason; frameHex: string }
export interface Golden { comment: string; protocolVersion: number; maxPayload: number; valid: GoldenValid[]; invalid: GoldenInvalid[] }

/** Deterministic filler bytes: (a * k + b) mod 256, zeros included. */
function pattern(n: number, a = 7, b = 3): Uint8Array {
  return Uint8Array.from({ length: n }, (_, k) => (a * k + b) & 0xff);
}

const valid: [string, Message, number, boolean][] = [
  ['hello', { type: 'HELLO', protocolVersion: PROTOCOL_VERSION, coreVersion: 3, selfTestChecksum: 0xdeadbeef, name: 'deeptrace-esp32' }, 0, false],
  ['hello-utf8-name', { type: 'HELLO', protocolVersion: 1, coreVersion: 0, selfTestChecksum: 0, name: 'brazo-ñ-µ' }, 1, false],
  ['hello-empty-name', { type: 'HELLO', protocolVersion: 1, coreVersion: 65535, selfTestChecksum: 1, name: '' }, 2, false],
  ['ack-ok', { type: 'ACK', ackedSeq: 7, status: Status.OK }, 3, false],
  ['ack-core-error', { type: 'ACK', ackedSeq: 255, status: coreStatusToCode(-102) }, 4, false],
  ['error', { type: 'ERROR', code: Status.E_STATE, text: 'SENSOR_FRAME before START' }, 5, false],
  ['error-empty-text', { type: 'ERROR', code: Status.E_INTERNAL, text: '' }, 6, false],
  ['configure', { type: 'CONFIGURE', config: pattern(48) }, 8, true],
  ['configure-empty', { type: 'CONFIGURE', config: new Uint8Array(0) }, 9, true],
  ['configure-300-bytes-no-zeros', { type: 'CONFIGURE', config: Uint8Array.from({ length: 300 }, (_, k) => 1 + (k % 255)) }, 10, true],
  ['start', { type: 'START' }, 11, true],
  ['stop', { type: 'STOP' }, 12, true],
  ['learn-on', { type: 'LEARN', on: true }, 13, true],
  ['learn-off', { type: 'LEARN', on: false }, 14, true],
  ['sensor-frame', { type: 'SENSOR_FRAME', step: 1000, values: [4096, -4096, 0, 123456, -1] }, 15, false],
  ['sensor-frame-empty', { type: 'SENSOR_FRAME', step: 0, values: [] }, 16, false],
  ['actuator-frame', { type: 'ACTUATOR_FRAME', step: 1000, values: [2048, -2147483648, 2147483647] }, 17, false],
  ['telemetry', { type: 'TELEMETRY', step: 4294967295, loss: 1234, flags: TelemetryFlag.RUNNING | TelemetryFlag.LEARNING, values: [1, -2, 3] }, 18, false],
  ['telemetry-safe-state', { type: 'TELEMETRY', step: 42, loss: -1, flags: TelemetryFlag.SAFE_STATE, values: [] }, 19, false],
  ['snapshot-get', { type: 'SNAPSHOT_GET' }, 20, true],
  ['snapshot-data', { type: 'SNAPSHOT_DATA', offset: 0, total: 2000, data: pattern(64) }, 21, false],
  ['snapshot-data-max-payload', { type: 'SNAPSHOT_DATA', offset: 984, total: 2000, data: pattern(MAX_PAYLOAD - 8, 13, 0) }, 22, false],
  ['snapshot-put', { type: 'SNAPSHOT_PUT', offset: 1000, total: 1016, data: pattern(16) }, 23, true],
  ['core-upload-begin', { type: 'CORE_UPLOAD_BEGIN', size: 65536, crc: 0xcbf43926, signature: pattern(64) }, 24, true],
  ['core-upload-chunk', { type: 'CORE_UPLOAD_CHUNK', offset: 4096, data: pattern(100) }, 25, true],
  ['core-upload-chunk-ends-at-2^32', { type: 'CORE_UPLOAD_CHUNK', offset: 0xfffffffc, data: pattern(4) }, 27, true],
  ['core-upload-end', { type: 'CORE_UPLOAD_END' }, 26, true],
];

/** A wire frame from a raw body prefix (everything before the CRC); crc 'good' appends the right CRC-32. */
function rawFrame(prefix: number[] | Uint8Array, crc: 'good' | 'bad' = 'good'): Uint8Array {
  const p = Uint8Array.from(prefix);
  const body = new Uint8Array(p.length + 4);
  body.set(p);
  new DataView(body.buffer).setUint32(p.length, (crc32(p) ^ (crc === 'bad' ? 1 : 0)) >>> 0, true);
  return Uint8Array.of(...cobsEncode(body), DELIMITER);
}

function flipBit(frame: Uint8Array, byte: number, bit: number): Uint8Array {
  const f = frame.slice();
  f[byte] ^= 1 << bit;
  return f;
}

const A = MessageType.ACTUATOR_FRAME;
const actuator = encodeMessage({ type: 'ACTUATOR_FRAME', step: 5, values: [100, 200] }, { seq: 30 });
const invalid: [string, RejectReason, Uint8Array][] = [
  ['crc-flipped-payload-bit', 'crc', flipBit(actuator, 9, 3)],
  ['crc-wrong-crc', 'crc', rawFrame([1, A, 31, 0, 4, 0, 1, 0, 0, 0], 'bad')],
  ['cobs-block-past-end', 'cobs', Uint8Array.of(0x05, 0x01, 0x02, DELIMITER)],
  ['length-declared-over-max', 'length', rawFrame([1, MessageType.CONFIGURE, 32, 0, 0x01, 0x04])],
  ['length-bytes-after-payload', 'length', rawFrame([1, MessageType.CONFIGURE, 33, 0, 2, 0, 0xaa, 0xbb, 0xcc, 0xdd])],
  ['length-wire-frame-over-max', 'length', Uint8Array.of(...new Uint8Array(MAX_ENCODED + 1).fill(0x01), DELIMITER)],
  ['truncated-short-body', 'truncated', Uint8Array.of(...cobsEncode(Uint8Array.of(1, MessageType.START, 34, 0, 0)), DELIMITER)],
  ['truncated-payload-missing', 'truncated', rawFrame([1, MessageType.CONFIGURE, 35, 0, 8, 0, 1, 2, 3, 4])],
  ['version-2', 'version', encodeFrame({ version: 2, type: MessageType.START, seq: 36 }, new Uint8Array(0))],
  ['version-reserved-flag', 'version', encodeFrame({ type: MessageType.START, seq: 37, flags: 0x80 }, new Uint8Array(0))],
  ['unknown-type-0x7f', 'unknown_type', encodeFrame({ type: 0x7f, seq: 38 }, new Uint8Array(0))],
  ['unknown-type-0x00', 'unknown_type', encodeFrame({ type: 0x00, seq: 39 }, new Uint8Array(0))],
  ['payload-learn-2', 'payload', encodeFrame({ type: MessageType.LEARN, seq: 40 }, Uint8Array.of(2))],
  ['payload-start-with-bytes', 'payload', encodeFrame({ type: MessageType.START, seq: 41 }, Uint8Array.of(0))],
  ['payload-sensor-frame-6-bytes', 'payload', encodeFrame({ type: MessageType.SENSOR_FRAME, seq: 42 }, Uint8Array.of(1, 0, 0, 0, 5, 0))],
  ['payload-error-bad-utf8', 'payload', encodeFrame({ type: MessageType.ERROR, seq: 43 }, Uint8Array.of(0, 0, 2, 0xc3, 0x28))],
  ['payload-core-chunk-past-2^32', 'payload', encodeFrame({ type: MessageType.CORE_UPLOAD_CHUNK, seq: 45 }, Uint8Array.of(0xfd, 0xff, 0xff, 0xff, 1, 2, 3, 4))],
  // CORE_UPLOAD_BEGIN without its 64-byte signature (the layout before signed images).
  ['payload-core-begin-unsigned', 'payload', encodeFrame({ type: MessageType.CORE_UPLOAD_BEGIN, seq: 46 }, Uint8Array.of(0, 0, 1, 0, 0x26, 0x39, 0xf4, 0xcb))],
  ['payload-snapshot-past-total', 'payload', encodeFrame({ type: MessageType.SNAPSHOT_DATA, seq: 44 }, Uint8Array.of(8, 0, 0, 0, 10, 0, 0, 0, 1, 2, 3))],
];

export function makeGolden(): Golden {
  return {
    comment:
      'Golden vectors of the deeptrace host<->device protocol (docs/protocol.md). Generated by host/protocol/make-golden.ts: do not edit. ' +
      'valid: encoding `message` with `seq` and `ackRequested` gives exactly `frameHex` (COBS frame including the trailing 00), and decoding `frameHex` gives them back; byte-array fields are hex. ' +
      'invalid: a receiver must reject `frameHex` (fed alone to a fresh decoder) with `reason`.',
    protocolVersion: PROTOCOL_VERSION,
    maxPayload: MAX_PAYLOAD,
    valid: valid.map(([name, message, seq, ackRequested]) => ({ name, seq, ackRequested, message: messageToJson(message), frameHex: toHex(encodeMessage(message, { seq, ackRequested })) })),
    invalid: invalid.map(([name, reason, frame]) => ({ name, reason, frameHex: toHex(frame) })),
  };
}

export function goldenText(): string {
  return JSON.stringify(makeGolden(), null, 2) + '\n';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = goldenText();
  if (process.argv.includes('--check')) {
    let old = '';
    try { old = readFileSync(GOLDEN_PATH, 'utf8'); } catch {}
    if (old !== text) {
      console.error(`${GOLDEN_PATH} is out of date: run node --import tsx host/protocol/make-golden.ts`);
      process.exit(1);
    }
  } else {
    writeFileSync(GOLDEN_PATH, text);
    console.log(`wrote ${GOLDEN_PATH}`);
  }
}
