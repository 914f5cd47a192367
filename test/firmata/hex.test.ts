import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseIntelHex } from '../../sims/avr/hex.ts';
import { firmataHex, FIRMATA_HEX_SHA256 } from '../../host/firmata/firmware.ts';
import { createHash } from 'node:crypto';

function record(type: number, addr: number, data: number[]): string {
  const bytes = [data.length, addr >> 8, addr & 0xff, type, ...data];
  const sum = (0x100 - (bytes.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;
  return ':' + Buffer.from([...bytes, sum]).toString('hex').toUpperCase();
}

test('intel hex: data, extended addresses, end of file, checksums', () => {
  const text = [record(0, 0x0010, [1, 2, 3]), record(2, 0, [0x01, 0x00]), record(0, 0x0000, [9]), record(1, 0, [])].join('\r\n');
  const img = parseIntelHex(text, 0x2000);
  assert.equal([...img.bytes.subarray(0x10, 0x13)], [1, 2, 3]);
  assert.is(img.bytes[0x1000], 9);
  assert.is(img.bytes[0], 0xff);
  assert.is(img.end, 0x1001);
  const bad = record(0, 0, [1]).slice(0, -2) + '00';
  assert.throws(() => parseIntelHex(bad + '\n' + record(1, 0, [])), /checksum/);
  assert.throws(() => parseIntelHex(record(0, 0, [1])), /end-of-file/);
  assert.throws(() => parseIntelHex(record(0, 0x7fff, [1, 2]) + '\n' + record(1, 0, [])), /past the/);
});

test('the StandardFirmata build is fetched (or cached), checked and fits the ATmega328P', async () => {
  const text = await firmataHex();
  assert.is(createHash('sha256').update(text).digest('hex'), FIRMATA_HEX_SHA256);
  const img = parseIntelHex(text);
  assert.ok(img.end > 8_000 && img.end <= 0x8000, `image ends at ${img.end}`);
  // the reset vector is a jmp (0x940c) like every avr-gcc build's
  assert.is(img.bytes[0] | (img.bytes[1] << 8), 0x940c);
});

test.run();
