// The native firmware (POSIX HAL, AOT core) as a device on a socat pty: the boot self-test
// checksum, HELLO, the session of docs/protocol.md section 9, a closed loop of the arm2 task with
// the plant simulated here, snapshots and persistence across a restart.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { haveTool, runCli } from '../helpers.ts';
import { Core } from '../../host/core/core.ts';
import { defaultCoreConfig } from '../../host/core/config.ts';
import { Status, coreStatusToCode } from '../../host/protocol/codes.ts';
import { encodeMessage } from '../../host/protocol/messages.ts';
import { Client, PtyDevice, configurePayload, fwBuild, make, sleep } from './harness.ts';
import { AMP, loopConfig, rms, runLoop, task } from './closed-loop.ts';
import { HELLO_CORE_VERSION, SELF_TEST_CHECKSUM } from '../core-facts.ts';

const ok =
  haveTool('cc', 'the native firmware is built with the C compiler') &&
  haveTool('wasm2c', 'the AOT core is core.wasm converted to C (Debian wabt)') &&
  haveTool('socat', 'the native firmware talks over a socat pty pair');
const binary = path.join(fwBuild, 'native', 'dt_fw');
const expected = new Core().selfTest();
const SECONDS = 20;

let dev: PtyDevice;
let client: Client;

async function connect(extra: string[] = []): Promise<void> {
  dev = new PtyDevice(binary, extra);
  await dev.start();
  client = await Client.open(dev.hostPath);
}

async function disconnect(): Promise<void> {
  await client?.close();
  await dev?.stop();
}

const config = (o: { telemetryEvery?: number; watchdogMs?: number } = {}) =>
  ({ type: 'CONFIGURE' as const, config: configurePayload(loopConfig, { amp: AMP, ...o }) });

if (ok) {
  test('build the native firmware (AOT core from wasm2c)', () => {
    make('native');
    assert.ok(existsSync(binary));
  });

  test('boot self-test: the firmware computes the checksum Node computes', () => {
    const r = spawnSync(binary, ['--self-test'], { encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    assert.is(expected, SELF_TEST_CHECKSUM);
    assert.match(r.stderr, `self-test 0x${expected.toString(16).padStart(8, '0')}`);
  });

  test('HELLO over the pty carries the self-test checksum', async () => {
    await connect();
    try {
      const h = await client.hello();
      assert.is(h.selfTestChecksum, expected);
      assert.is(h.protocolVersion, 1);
      assert.is(h.coreVersion, HELLO_CORE_VERSION, 'the core version as major << 8 | minor');
      assert.is(h.name, 'deeptrace-posix');
    } finally {
      await disconnect();
    }
  });

  test('session: states, refusals (ERROR + ACK), retransmitted commands, corrupt frames, no upload on AOT', async () => {
    await connect();
    try {
      await client.hello();
      const error = (code: number) => client.next('ERROR', 2000, (e) => e.code === code);
      client.send({ type: 'SENSOR_FRAME', step: 0, values: [] });
      await error(Status.E_STATE); // SENSOR_FRAME before START: ERROR, nothing applied
      assert.is(await client.command({ type: 'START' }), Status.E_NOT_CONFIGURED);
      await error(Status.E_NOT_CONFIGURED); // the ERROR explains the refusal, then the ACK
      assert.is(await client.command({ type: 'LEARN', on: false }), Status.E_NOT_CONFIGURED);
      const bad = configurePayload({ ...loopConfig, nIn: 65 }, { amp: AMP });
      assert.is(await client.command({ type: 'CONFIGURE', config: bad }), coreStatusToCode(-101), 'config field 1 out of range');
      assert.is(await client.command({ type: 'CONFIGURE', config: new Uint8Array(10) }), Status.E_FRAME_PAYLOAD);
      await client.ok(config());
      await client.ok({ type: 'LEARN', on: true });

      // START twice with the same seq and payload: a retransmission, answered with the same ACK.
      const start = encodeMessage({ type: 'START' }, { seq: 200, ackRequested: true });
      client.sendRaw(start);
      client.sendRaw(start);
      assert.is((await client.next('ACK', 2000, (a) => a.ackedSeq === 200)).status, Status.OK);
      assert.is((await client.next('ACK', 2000, (a) => a.ackedSeq === 200)).status, Status.OK);
      assert.is(await client.command(config()), Status.E_STATE, 'CONFIGURE while running');

      client.send({ type: 'SENSOR_FRAME', step: 0, values: [1, 2, 3] });
      await error(Status.E_VALUE_COUNT);
      client.send({ type: 'SENSOR_FRAME', step: 5, values: new Array(10).fill(0) });
      await error(Status.E_STEP);
      // A frame with one flipped payload bit is dropped by the receiver: no answer, no step.
      const frame = encodeMessage({ type: 'SENSOR_FRAME', step: 0, values: new Array(10).fill(4096) }, { seq: 1 });
      frame[10] ^= 0x04;
      client.sendRaw(frame);
      client.send({ type: 'SENSOR_FRAME', step: 0, values: new Array(10).fill(0) });
      const a = await client.next('ACTUATOR_FRAME');
      assert.is(a.step, 0);
      assert.is(a.values.length, 2);
      assert.is(client.inbox.filter((e) => e.message.type === 'ACTUATOR_FRAME').length, 0, 'nothing from the corrupt frame');
      // START while running restarts the step count.
      await client.ok({ type: 'START' });
      client.send({ type: 'SENSOR_FRAME', step: 0, values: new Array(10).fill(0) });
      assert.is((await client.next('ACTUATOR_FRAME')).step, 0);

      assert.is(await client.command({ type: 'CORE_UPLOAD_BEGIN', size: 100, crc: 0, signature: new Uint8Array(64) }), Status.E_UNSUPPORTED);
      assert.is(await client.command({ type: 'CORE_UPLOAD_END' }), Status.E_UNSUPPORTED);
      assert.is(await client.command({ type: 'ACTUATOR_FRAME', step: 0, values: [] }), Status.E_UNSUPPORTED, 'a device-to-host type');
      await client.ok({ type: 'STOP' });
      await client.ok({ type: 'STOP' });
      client.inbox.length = 0;
      client.send({ type: 'HELLO', protocolVersion: 2, coreVersion: 0, selfTestChecksum: 0, name: 'future-host' });
      assert.is((await client.next('HELLO')).selfTestChecksum, expected);
      await error(Status.E_VERSION_MISMATCH);
    } finally {
      await disconnect();
    }
  });

  test('watchdog: no frames for watchdogMs -> ERROR E_WATCHDOG once, SAFE_STATE until the next SENSOR_FRAME', async () => {
    await connect();
    try {
      await client.hello();
      await client.ok(config({ watchdogMs: 100, telemetryEvery: 1 }));
      await client.ok({ type: 'START' });
      client.send({ type: 'SENSOR_FRAME', step: 0, values: new Array(10).fill(0) });
      await client.next('ACTUATOR_FRAME');
      const e = await client.next('ERROR', 1000);
      assert.is(e.code, Status.E_WATCHDOG);
      const safe = await client.next('TELEMETRY', 1000, (m) => (m.flags & 0x0001) !== 0);
      assert.is(safe.values.length, 0, 'the safe-state TELEMETRY');
      await sleep(300);
      assert.is(client.inbox.filter((x) => x.message.type === 'ERROR').length, 0, 'reported once');
      client.send({ type: 'SENSOR_FRAME', step: 1, values: new Array(10).fill(0) });
      assert.is((await client.next('ACTUATOR_FRAME')).step, 1);
      const t = await client.next('TELEMETRY', 1000, (m) => m.step === 1);
      assert.is(t.flags & 0x0001, 0, 'SAFE_STATE cleared by the valid SENSOR_FRAME');
      assert.is(t.flags & 0x0006, 0x0006, 'RUNNING and LEARNING');
    } finally {
      await disconnect();
    }
  });

  test('HAL mode (--local): the firmware steps its own simulated joint at 100 Hz from the scheduler', async () => {
    await connect(['--local']);
    try {
      await client.hello();
      const cfg = defaultCoreConfig({ nIn: 4, units: [16, 16], nOut: 1, engine: 'deep-fact' });
      await client.ok({ type: 'CONFIGURE', config: configurePayload(cfg, { telemetryEvery: 10, amp: AMP }) });
      await client.ok({ type: 'START' });
      const t0 = Date.now();
      await sleep(1000);
      await client.ok({ type: 'STOP' });
      const seconds = (Date.now() - t0) / 1000;
      const tel = client.inbox.filter((e) => e.message.type === 'TELEMETRY').map((e) => e.message as Extract<typeof e.message, { type: 'TELEMETRY' }>);
      assert.ok(tel.length >= 5, `TELEMETRY every 10 steps at 100 Hz for ${seconds.toFixed(2)} s: got ${tel.length}`);
      assert.equal(tel.map((t) => t.step), tel.map((_, i) => 10 * i + 9), 'consecutive steps');
      assert.ok(tel.every((t) => (t.flags & 0x0006) === 0x0006 && t.values.length === 2));
      await sleep(50);
      const m = /control step \(step \+ learn\): (\d+) steps/.exec(dev.stderr);
      assert.ok(m, dev.stderr);
      const rate = Number(m![1]) / seconds;
      assert.ok(rate > 60 && rate < 110, `stepped at ${rate.toFixed(1)} Hz (a late loop skips ticks, it never bursts)`);
      client.inbox.length = 0;
      await client.ok({ type: 'START' });
      client.send({ type: 'SENSOR_FRAME', step: 0, values: [0, 0, 0, 0, 0] });
      assert.is((await client.next('ERROR', 2000, (e) => e.code === Status.E_STATE)).code, Status.E_STATE, 'no SENSOR_FRAMEs in HAL mode');
    } finally {
      await disconnect();
    }
  });

  test('run --port against the native firmware: the same table as in process, bit for bit', async () => {
    const fw = new PtyDevice(binary, []);
    await fw.start();
    try {
      const r = runCli(['run', '--port', fw.hostPath, '--seconds', '10', '--json', '--no-report'], { timeout: 120000 });
      assert.is(r.code, 0, r.stderr);
      const local = runCli(['run', '--seconds', '10', '--json', '--no-report']);
      assert.is(local.code, 0, local.stderr);
      assert.equal(JSON.parse(r.stdout).rows, JSON.parse(local.stdout).rows);
    } finally {
      await fw.stop();
    }
  });

  test(`closed loop: ${SECONDS} s of arm2 with the learner on the device beats PD alone; every ACTUATOR_FRAME bit-exact`, async () => {
    const store = path.join(fwBuild, 'test-store');
    spawnSync('rm', ['-rf', store]);
    spawnSync('mkdir', ['-p', store]);
    await connect(['--store', store]);
    let snapshot: Buffer;
    try {
      const h = await client.hello();
      assert.is(h.selfTestChecksum, expected);
      await client.ok(config({ telemetryEvery: 100, watchdogMs: 2000 }));
      await client.ok({ type: 'START' });
      const device = await runLoop(SECONDS, client);
      const pd = await runLoop(SECONDS);
      const dt = task.makePlant(1).dt;
      const learner = rms(device.error, dt, SECONDS - 5, SECONDS);
      const pdAlone = rms(pd.error, dt, SECONDS - 5, SECONDS);
      process.stdout.write(`\n  tracking RMS over the last 5 s: device ${learner.toFixed(4)} rad, PD alone ${pdAlone.toFixed(4)} rad\n`);
      assert.is(device.mismatches, 0, 'the device computes what the same core computes in Node');
      assert.ok(learner < 0.7 * pdAlone, `learner ${learner} vs PD ${pdAlone}`);
      const tel = client.inbox.filter((e) => e.message.type === 'TELEMETRY');
      assert.is(tel.length, (SECONDS * 100) / 100, 'one TELEMETRY per 100 steps');
      client.inbox.length = 0;

      // SNAPSHOT_GET: chunks of <= 1000 bytes, in order, with the core's own header.
      client.send({ type: 'SNAPSHOT_GET' });
      const first = await client.next('SNAPSHOT_DATA');
      const parts = [Buffer.from(first.data)];
      while (parts.reduce((s, p) => s + p.length, 0) < first.total) {
        const d = await client.next('SNAPSHOT_DATA');
        assert.is(d.offset, parts.reduce((s, p) => s + p.length, 0));
        assert.ok(d.data.length <= 1000);
        parts.push(Buffer.from(d.data));
      }
      snapshot = Buffer.concat(parts);
      assert.is(snapshot.subarray(0, 4).toString('latin1'), 'DTSN');
      assert.is(await client.command({ type: 'SNAPSHOT_PUT', offset: 0, total: snapshot.length, data: snapshot.subarray(0, 10) }), Status.E_STATE, 'SNAPSHOT_PUT while running');
      await client.ok({ type: 'STOP' }); // persists config + snapshot

      // SNAPSHOT_PUT back: contiguous chunks, ACK per chunk, the last one loads it.
      for (let off = 0; off < snapshot.length; off += 900) {
        const data = snapshot.subarray(off, off + 900);
        assert.is(await client.command({ type: 'SNAPSHOT_PUT', offset: off, total: snapshot.length, data }), Status.OK);
      }
      assert.is(await client.command({ type: 'SNAPSHOT_PUT', offset: 1800, total: snapshot.length, data: snapshot.subarray(0, 8) }), Status.E_SNAPSHOT_OFFSET);
      const corrupt = Buffer.from(snapshot);
      corrupt[100] ^= 1;
      for (let off = 0; off < corrupt.length; off += 1000) {
        const st = await client.command({ type: 'SNAPSHOT_PUT', offset: off, total: corrupt.length, data: corrupt.subarray(off, off + 1000) });
        if (off + 1000 < corrupt.length) assert.is(st, Status.OK);
        else assert.is(st, coreStatusToCode(-14), 'E_SNAPSHOT_CRC from the core');
      }
    } finally {
      await disconnect();
    }

    // Restart on the same store: the learned state is back.
    await connect(['--store', store]);
    try {
      await client.hello();
      client.send({ type: 'SNAPSHOT_GET' });
      const first = await client.next('SNAPSHOT_DATA');
      const parts = [Buffer.from(first.data)];
      while (parts.reduce((s, p) => s + p.length, 0) < first.total) parts.push(Buffer.from((await client.next('SNAPSHOT_DATA')).data));
      assert.ok(Buffer.concat(parts).equals(snapshot!), 'snapshot after restart = snapshot before STOP');
      assert.match(dev.stderr, 'restored');
    } finally {
      await disconnect();
    }

    // Two saves are in the store (STOP, then the good SNAPSHOT_PUT), one per slot. The newest one's
    // snapshot rots: the firmware boots the one before it, with the same learned state.
    assert.ok(existsSync(path.join(store, 'cfg0')) && existsSync(path.join(store, 'cfg1')), 'both slots written');
    const newest = path.join(store, 'snap1');
    const rotten = readFileSync(newest);
    rotten[200] ^= 0x04;
    writeFileSync(newest, rotten);
    await connect(['--store', store]);
    try {
      await client.hello();
      client.send({ type: 'SNAPSHOT_GET' });
      const first = await client.next('SNAPSHOT_DATA');
      const parts = [Buffer.from(first.data)];
      while (parts.reduce((s, p) => s + p.length, 0) < first.total) parts.push(Buffer.from((await client.next('SNAPSHOT_DATA')).data));
      assert.ok(Buffer.concat(parts).equals(snapshot!), 'the older slot holds the same learned state');
      assert.match(dev.stderr, 'the save before the newest');
    } finally {
      await disconnect();
    }
  });
}

test.run();
