import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { MessageType, PROTOCOL_VERSION } from '../../host/protocol/codes.ts';
import { MessageDecoder } from '../../host/protocol/decoder.ts';
import { MAX_PAYLOAD } from '../../host/protocol/frame.ts';
import { fromHex, messageFromJson, messageToJson, toHex } from '../../host/protocol/json.ts';
import { encodeMessage } from '../../host/protocol/messages.ts';
import { GOLDEN_PATH, goldenText, type Golden } from '../../host/protocol/make-golden.ts';

const text = readFileSync(GOLDEN_PATH, 'utf8');
const golden = JSON.parse(text) as Golden;

test('golden.json is what make-golden.ts generates', () => {
  assert.ok(text === goldenText(), 'host/protocol/golden.json is stale: run node --import tsx host/protocol/make-golden.ts');
  assert.is(golden.protocolVersion, PROTOCOL_VERSION);
  assert.is(golden.maxPayload, MAX_PAYLOAD);
});

test('golden vectors cover every message type and every rejection reason', () => {
  assert.equal([...new Set(golden.valid.map((v) => v.message.type))].sort(), Object.keys(MessageType).sort());
  assert.equal([...new Set(golden.invalid.map((v) => v.reason))].sort(), ['cobs', 'crc', 'length', 'payload', 'truncated', 'unknown_type', 'version']);
  const names = [...golden.valid, ...golden.invalid].map((v) => v.name);
  assert.is(new Set(names).size, names.length);
});

test('encoding each golden message gives exactly frameHex', () => {
  for (const v of golden.valid) {
    assert.is(toHex(encodeMessage(messageFromJson(v.message), { seq: v.seq, ackRequested: v.ackRequested })), v.frameHex, v.name);
  }
});

test('decoding each golden frameHex gives the message, seq and ackRequested', () => {
  for (const v of golden.valid) {
    const d = new MessageDecoder();
    const got = d.push(fromHex(v.frameHex));
    assert.is(got.length, 1, v.name);
    assert.equal(messageToJson(got[0].message), v.message, v.name);
    assert.is(got[0].seq, v.seq, v.name);
    assert.is(got[0].ackRequested, v.ackRequested, v.name);
  }
});

test('all golden frames back to back, split into 7-byte chunks, decode in order', () => {
  const all = Buffer.concat(golden.valid.map((v) => fromHex(v.frameHex)));
  const d = new MessageDecoder();
  const got = [];
  for (let k = 0; k < all.length; k += 7) got.push(...d.push(all.subarray(k, k + 7)));
  assert.equal(got.map((e) => e.seq), golden.valid.map((v) => v.seq));
});

test('each invalid golden frame is rejected with its reason, and nothing is decoded', () => {
  for (const v of golden.invalid) {
    const reasons: string[] = [];
    const d = new MessageDecoder({ onReject: (r) => reasons.push(r.reason) });
    assert.is(d.push(fromHex(v.frameHex)).length, 0, v.name);
    assert.equal(reasons, [v.reason], v.name);
    assert.is(d.pending, 0, v.name);
  }
});

test.run();
