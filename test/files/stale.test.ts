// Leftovers of atomic writes (host/files/stale.ts): those of dead processes go, those of live ones
// and everything else stay.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pidAlive, removeStale } from '../../host/files/stale.ts';

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  assert.is(r.status, 0);
  assert.not.ok(pidAlive(r.pid!));
  return r.pid!;
}

test('pidAlive: this process and pid 1 are, an exited child is not', () => {
  assert.ok(pidAlive(process.pid));
  assert.ok(pidAlive(1));
  assert.not.ok(pidAlive(deadPid()));
});

test('removeStale: the entries of dead writers go (files and folders); live writers, other tags and other names stay', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'deeptrace-stale-'));
  const dead = deadPid();
  mkdirSync(path.join(dir, `2026-01-01T00-00-00-000Z.partial-${dead}`));
  writeFileSync(path.join(dir, `2026-01-01T00-00-00-000Z.partial-${dead}`, 'series.csv'), 't\n');
  mkdirSync(path.join(dir, `2026-01-02T00-00-00-000Z.partial-${process.pid}`));
  mkdirSync(path.join(dir, '2026-01-03T00-00-00-000Z'));
  mkdirSync(path.join(dir, '2026-01-04T00-00-00-000Z.partial-0'));
  writeFileSync(path.join(dir, `net.snap.tmp-${dead}`), 'x');
  writeFileSync(path.join(dir, `other.snap.tmp-${dead}`), 'x');
  assert.equal(removeStale(dir, 'partial'), [`2026-01-01T00-00-00-000Z.partial-${dead}`]);
  assert.equal(removeStale(dir, 'tmp', 'net.snap'), [`net.snap.tmp-${dead}`]);
  assert.equal(readdirSync(dir).sort(), ['2026-01-02T00-00-00-000Z.partial-' + process.pid, '2026-01-03T00-00-00-000Z', '2026-01-04T00-00-00-000Z.partial-0', `other.snap.tmp-${dead}`].sort());
  assert.equal(removeStale(path.join(dir, 'missing'), 'partial'), []);
});

test.run();
