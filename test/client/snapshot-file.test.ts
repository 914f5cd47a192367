// Host snapshot files: round trip, atomic write (no temp file left), any damage refused with a
// message that says what is wrong, and a writer process SIGKILLed at random moments never leaves a
// torn file under the name (the temp files it leaves go at the next write).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SnapshotFileError, decodeSnapshotFile, encodeSnapshotFile, readSnapshotFile, writeSnapshotFile } from '../../host/client/snapshot-file.ts';
import { generation } from './snapshot-writer.ts';

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

const WRITER = fileURLToPath(new URL('./snapshot-writer.ts', import.meta.url));

/**
 * Runs the writer (test/client/snapshot-writer.ts) on `file` from generation `start` and SIGKILLs it
 * `delayMs` after its first write returned; resolves with the generations it printed and its pid.
 */
function writeThenKill(file: string, start: number, delayMs: number): Promise<{ printed: number[]; pid: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, file, String(start)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let timer: NodeJS.Timeout | undefined;
  const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
  child.stdout!.on('data', (d) => {
    out += d;
    timer ??= setTimeout(() => child.kill('SIGKILL'), delayMs);
  });
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      clearTimeout(guard);
      clearTimeout(timer);
      assert.is(signal, 'SIGKILL', `the writer exited by itself (${code})`);
      resolve({ printed: out.split('\n').filter(Boolean).map(Number), pid: child.pid! });
    });
  });
}

test('SIGKILL at random moments while a process writes 8 MiB snapshots: the file is always a complete generation, the old or the new one', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'deeptrace-snap-kill-'));
  const file = path.join(dir, 'net.snap');
  const base = path.basename(file);
  let last: number | null = null; // the generation the file holds
  let tornWrites = 0; // kills that landed between the temp file's open and the rename
  for (let round = 0; round < 20; round++) {
    const start = last === null ? 0 : last + 1;
    const { printed, pid } = await writeThenKill(file, start, Math.random() * 150);
    const done: number | null = printed.length ? printed[printed.length - 1] : last;
    if (done === null) {
      assert.not.ok(existsSync(file), 'no write returned, yet a file is there');
    } else {
      const g = new DataView(readSnapshotFile(file).buffer).getUint32(0, true);
      // the generation last reported, or the one after it (renamed, killed before it could say so)
      assert.ok(g === done || g === done + 1, `round ${round}: generation ${g}, last reported ${done}`);
      assert.ok(Buffer.from(readSnapshotFile(file)).equals(generation(g)), `round ${round}: generation ${g} is not intact`);
      last = g;
    }
    // at most the killed writer's own temp file: each write removed those of the writers before it
    const temps = readdirSync(dir).filter((n) => n !== base);
    assert.ok(temps.every((n) => n === `${base}.tmp-${pid}`), temps.join(', '));
    if (temps.length) tornWrites++;
  }
  assert.ok(tornWrites >= 3, `only ${tornWrites} of 20 kills landed inside a write; the test did not test it`);
  writeSnapshotFile(file, data);
  assert.equal(readdirSync(dir), [base], 'the next write removes the dead writer\'s temp file');
});

test.run();
