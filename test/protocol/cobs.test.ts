import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { cobsDecode, cobsEncode, cobsMaxEncodedLength } from '../../host/protocol/cobs.ts';
import { fromHex, toHex } from '../../host/protocol/json.ts';

const range = (from: number, to: number) => Uint8Array.from({ length: to - from + 1 }, (_, k) => from + k);
const hex = (b: Uint8Array) => toHex(b);

// Published examples (Wikipedia "Consistent Overhead Byte Stuffing"), delimiter removed.
const vectors: [string, Uint8Array, string][] = [
  ['00', Uint8Array.of(0), '0101'],
  ['00 00', Uint8Array.of(0, 0), '010101'],
  ['00 11 00', Uint8Array.of(0, 0x11, 0), '01021101'],
  ['11 22 00 33', Uint8Array.of(0x11, 0x22, 0, 0x33), '0311220233'],
  ['11 22 33 44', Uint8Array.of(0x11, 0x22, 0x33, 0x44), '0511223344'],
  ['11 00 00 00', Uint8Array.of(0x11, 0, 0, 0), '0211010101'],
  ['empty', new Uint8Array(0), '01'],
];

test('COBS encodes the published examples', () => {
  for (const [name, data, enc] of vectors) {
    assert.is(hex(cobsEncode(data)), enc, name);
    const d = cobsDecode(fromHex(enc));
    assert.ok(d.ok, name);
    if (d.ok) assert.is(hex(d.data), hex(data), name);
  }
});

test('COBS long runs: 01..FE, 00 01..FE, 01..FF, 02..FF 00, 03..FF 00 01', () => {
  assert.is(hex(cobsEncode(range(1, 254))), 'ff' + hex(range(1, 254)));
  assert.is(hex(cobsEncode(Uint8Array.of(0, ...range(1, 254)))), '01ff' + hex(range(1, 254)));
  assert.is(hex(cobsEncode(range(1, 255))), 'ff' + hex(range(1, 254)) + '02ff');
  assert.is(hex(cobsEncode(Uint8Array.of(...range(2, 255), 0))), 'ff' + hex(range(2, 255)) + '0101');
  assert.is(hex(cobsEncode(Uint8Array.of(...range(3, 255), 0, 1))), 'fe' + hex(range(3, 255)) + '0201');
});

test('COBS decoder accepts the non-canonical empty block after a full block', () => {
  const d = cobsDecode(fromHex('ff' + hex(range(1, 254)) + '01'));
  assert.ok(d.ok && hex(d.data) === hex(range(1, 254)));
});

test('COBS rejects blocks running past the end, zero bytes and empty input', () => {
  for (const bad of ['', '00', '0311', '05112233', '021100', 'ff' + '11'.repeat(253)]) {
    assert.not.ok(cobsDecode(fromHex(bad)).ok, bad);
  }
});

test('COBS round-trips any bytes, never emits 0x00, and stays within the length bound', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 1200 }), (data) => {
      const enc = cobsEncode(data);
      assert.ok(!enc.includes(0));
      assert.ok(enc.length >= 1 && enc.length <= cobsMaxEncodedLength(data.length));
      const d = cobsDecode(enc);
      assert.ok(d.ok);
      if (d.ok) assert.is(hex(d.data), hex(data));
    }),
    { numRuns: 300 },
  );
  // Zero-heavy data too.
  fc.assert(
    fc.property(fc.array(fc.constantFrom(0, 0, 1, 255), { maxLength: 600 }), (xs) => {
      const d = cobsDecode(cobsEncode(Uint8Array.from(xs)));
      assert.ok(d.ok && hex(d.data) === hex(Uint8Array.from(xs)));
    }),
    { numRuns: 200 },
  );
});

test('COBS decoder never throws on arbitrary input', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => void cobsDecode(b)), { numRuns: 500 });
});

test.run();
