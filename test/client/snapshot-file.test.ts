// Host snapshot files: round trip, atomic write (no temp file left), and any damage refused with a
// message that says what is wrong.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SnapshotFileError, decodeSnapshotFile, encodeSnapshotFile, readSnapshotFile, writeSnapshotFile } from '../../host/client/snapshot-file.ts';

const data = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7 + 3) & 0xff);

test('write then read gives the bytes back; the write leaves nothing else in the folder', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'deeptrace-snap-'));
  const file = path.join(dir, 'net.snap');
  writeSnapshotFile(file, data);
  writeSnapshotFile(file, data);
  assert.equal(readdirSync(dir), ['net.snap']);
  assert.equal(readSnapshotFile(file), data);
  assert.is(readFileSync(file).length, 16 + data.length);
});

test('every flipped byte, a truncation, an extension and a foreign file are refused', () => {
  const enc = encodeSnapshotFile(data);
  for (let i = 0; i < enc.length; i += i < 16 ? 1 : 97) {
    const bad = enc.slice();
    bad[i] ^= 0x20;
    assert.throws(() => decodeSnapshotFile(bad, 'f'), (e: Error) => e instanceof SnapshotFileError, `byte ${i}`);
  }
  assert.throws(() => decodeSnapshotFile(enc.subarray(0, enc.length - 1), 'f'), /corrupt: the header says 3000 data bytes, the file holds 2999/);
  assert.throws(() => decodeSnapshotFile(Uint8Array.of(...enc, 0), 'f'), /corrupt/);
  const flipped = enc.slice();
  flipped[100] ^= 1;
  assert.throws(() => decodeSnapshotFile(flipped, 'x.snap'), /^x\.snap: corrupt: CRC-32 mismatch .*; not sent to the device$/);
  assert.throws(() => decodeSnapshotFile(new TextEncoder().encode('{"json": true, "padding": 1}'), 'f'), /not a deeptrace snapshot file/);
  assert.throws(() => decodeSnapshotFile(Uint8Array.of(1, 2), 'f'), /too short/);
  const dir = mkdtempSync(path.join(tmpdir(), 'deeptrace-snap-'));
  assert.throws(() => readSnapshotFile(path.join(dir, 'missing')), /cannot read it \(ENOENT\)/);
  writeFileSync(path.join(dir, 'x'), flipped);
  assert.throws(() => readSnapshotFile(path.join(dir, 'x')), /CRC-32 mismatch/);
});

test.run();
