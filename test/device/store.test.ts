// The virtual device's store (host/device/store.ts, the firmware's two-slot format): saves, a save
// cut at every byte (the save before it survives, bit for bit), and the device's persistence: saved
// on STOP and after SNAPSHOT_PUT, restored at boot, the save before the newest when the newest rots.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DeviceStore, STORE_RECORD_BYTES } from '../../host/device/store.ts';
import { SESSION_CONFIG_BYTES } from '../../host/device/session-config.ts';
import { MCU_SMALL } from '../../host/core/config.ts';
import { Status } from '../../host/protocol/index.ts';
import { configureMessage, is, rig, sensorValues, type RawHost } from './harness.ts';
import { assertUsageError } from '../helpers.ts';

const dirs: string[] = [];
const folder = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'dt-store-'));
  dirs.push(d);
  return d;
};
const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7 + 1) & 0xff);
const cfg = (seed: number) => bytes(SESSION_CONFIG_BYTES, seed);

class Cut extends Error {}
const cutter = (at: number) => ({ cutAt: at, onCut: (): never => { throw new Cut(`cut at ${at}`); } });

test.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

test('two slots: each save goes to the older slot with the next sequence number', () => {
  const dir = folder();
  const s = new DeviceStore(dir);
  assert.equal(s.records(), []);
  const a = bytes(300, 1);
  const b = bytes(300, 2);
  const c = bytes(300, 3);
  assert.ok(s.save(cfg(1), a));
  assert.equal(s.records().map((r) => [r.slot, r.seq]), [[0, 1]]);
  assert.ok(s.save(cfg(2), b));
  assert.ok(s.save(cfg(3), c));
  const recs = new DeviceStore(dir).records();
  assert.equal(recs.map((r) => [r.slot, r.seq]), [[0, 3], [1, 2]]);
  assert.equal(recs[0].cfg, cfg(3));
  assert.equal(s.loadSnapshot(recs[0]), c);
  assert.equal(s.loadSnapshot(recs[1]), b);
  assert.equal(readdirSync(dir).sort(), ['cfg0', 'cfg1', 'snap0', 'snap1']);
  assert.is(s.written, 3 * DeviceStore.saveBytes(300));
  assert.is(DeviceStore.saveBytes(300), 300 + STORE_RECORD_BYTES);
});

test('a save cut at every byte: the store keeps the save before it, bit for bit; past the last byte, the new one', () => {
  const old = bytes(64, 4);
  const next = bytes(64, 5);
  const total = DeviceStore.saveBytes(next.length);
  const template = folder();
  new DeviceStore(template).save(cfg(4), old);
  new DeviceStore(template).save(cfg(4), old); // both slots hold a save
  for (let at = 0; at <= total; at++) {
    const dir = folder();
    cpSync(template, dir, { recursive: true });
    const s = new DeviceStore(dir, cutter(at));
    let cut = false;
    try {
      s.save(cfg(5), next);
    } catch (err) {
      if (!(err instanceof Cut)) throw err;
      cut = true;
    }
    assert.is(cut, at < total, `cut at ${at}`);
    const after = new DeviceStore(dir);
    const newest = after.records()[0];
    const snap = after.loadSnapshot(newest);
    assert.equal(snap, cut ? old : next, `cut at ${at}: the newest intact save`);
    assert.equal(newest.cfg, cut ? cfg(4) : cfg(5));
    rmSync(dir, { recursive: true, force: true });
  }
});

async function runSteps(host: RawHost, from: number, n: number): Promise<void> {
  for (let k = from; k < from + n; k++) {
    host.send({ type: 'SENSOR_FRAME', step: k - from, values: sensorValues(k, MCU_SMALL.nIn, MCU_SMALL.nOut) });
    await host.next(is('ACTUATOR_FRAME'));
  }
}

async function snapshotOf(host: RawHost): Promise<Uint8Array> {
  host.drain();
  host.send({ type: 'SNAPSHOT_GET' });
  const parts: Uint8Array[] = [];
  let got = 0;
  for (;;) {
    const m = (await host.next(is('SNAPSHOT_DATA'))).message;
    if (m.type !== 'SNAPSHOT_DATA') continue;
    parts.push(m.data);
    got += m.data.length;
    if (got === m.total) return Buffer.concat(parts);
  }
}

test('the virtual device persists on STOP and after SNAPSHOT_PUT, and restores at boot (the save before the newest when the newest rots)', async () => {
  const dir = folder();
  const one = rig({ store: new DeviceStore(dir) });
  await one.host.next(is('HELLO'));
  assert.is(await one.host.command(configureMessage(MCU_SMALL, { watchdogMs: 0 })), Status.OK);
  assert.is(await one.host.command({ type: 'STOP' }), Status.OK);
  assert.equal(readdirSync(dir), [], 'STOP of a session that was not running saves nothing');
  assert.is(await one.host.command({ type: 'START' }), Status.OK);
  await runSteps(one.host, 0, 30);
  assert.is(await one.host.command({ type: 'STOP' }), Status.OK);
  const first = await snapshotOf(one.host);
  assert.is(await one.host.command({ type: 'START' }), Status.OK);
  await runSteps(one.host, 30, 30);
  assert.is(await one.host.command({ type: 'STOP' }), Status.OK);
  const second = await snapshotOf(one.host);
  assert.not.equal(first, second);
  await one.device.close();

  // A reboot on the same store: configured (not running), with the newest learned state.
  const logs: string[] = [];
  const two = rig({ store: new DeviceStore(dir), log: (l) => logs.push(l) });
  assert.is(two.device.session.state, 'CONFIGURED');
  assert.equal(await snapshotOf(two.host), second);
  assert.ok(logs.some((l) => l.includes('restored (newest save)')), logs.join('\n'));
  assert.is(await two.host.command({ type: 'START' }), Status.OK);
  await two.device.close();

  // The newest snapshot rots: the save before it is restored.
  const recs = new DeviceStore(dir).records();
  const file = path.join(dir, `snap${recs[0].slot}`);
  const rotten = readFileSync(file);
  rotten[100] ^= 0x10;
  writeFileSync(file, rotten);
  logs.length = 0;
  const three = rig({ store: new DeviceStore(dir), log: (l) => logs.push(l) });
  assert.equal(await snapshotOf(three.host), first);
  assert.ok(logs.some((l) => l.includes('the save before the newest')), logs.join('\n'));

  // SNAPSHOT_PUT of `second` persists it: the next boot has it again.
  for (let off = 0; off < second.length; off += 1000) {
    assert.is(await three.host.command({ type: 'SNAPSHOT_PUT', offset: off, total: second.length, data: second.subarray(off, off + 1000) }), Status.OK);
  }
  await three.device.close();
  const four = rig({ store: new DeviceStore(dir) });
  assert.equal(await snapshotOf(four.host), second);
  await four.device.close();

  // No usable snapshot at all: the configuration comes back with fresh weights.
  for (const s of [0, 1]) writeFileSync(path.join(dir, `snap${s}`), new Uint8Array(10));
  logs.length = 0;
  const five = rig({ store: new DeviceStore(dir), log: (l) => logs.push(l) });
  assert.is(five.device.session.state, 'CONFIGURED');
  assert.ok(logs.some((l) => l.includes('fresh weights')), logs.join('\n'));
  await five.device.close();
});

test('deeptrace device: --store-cut-at needs --store and a count; --store must be a folder', () => {
  assertUsageError(['device', '--pty', '--store-cut-at', '10'], '--store-cut-at');
  assertUsageError(['device', '--pty', '--store', folder(), '--store-cut-at', '-1'], '--store-cut-at');
  assertUsageError(['device', '--pty', '--store', '/dev/null'], '--store');
});

test.run();
