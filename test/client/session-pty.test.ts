// A whole session with real SerialPort objects on a socat pty pair: the virtual device on one end,
// DeviceClient on the other. HELLO with the checksum Node computes, configure, start, telemetry,
// snapshot, stop; the watchdog on a silent host; garbage on the line; and unplugging: killing socat
// is reported, and the client reconnects when a new socat and device come back on the same paths.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { haveTool } from '../helpers.ts';
import { Core, compileCore } from '../../host/core/core.ts';
import { MCU_REF } from '../../host/core/config.ts';
import { Status, TelemetryFlag, encodeMessage, type Hello, type Telemetry } from '../../host/protocol/index.ts';
import { startSocat, type SocatPair } from '../../host/transport/socat.ts';
import { SerialTransport } from '../../host/transport/serial.ts';
import { VirtualDevice } from '../../host/device/device.ts';
import { connectPort } from '../../host/client/connect.ts';
import type { DeviceClient } from '../../host/client/client.ts';
import { sensorValues } from '../device/harness.ts';
import { SELF_TEST_CHECKSUM } from '../core-facts.ts';

const CFG = MCU_REF;

async function deviceOn(links: { a: string; b: string }): Promise<{ socat: SocatPair; device: VirtualDevice }> {
  const socat = await startSocat(links);
  const device = new VirtualDevice(await SerialTransport.open(socat.a));
  return { socat, device };
}

if (haveTool('socat', 'the session tests run the virtual device on a socat pty pair')) {
  const dir = mkdtempSync(path.join(tmpdir(), 'deeptrace-session-'));
  const links = { a: path.join(dir, 'device'), b: path.join(dir, 'host') };
  let rig: { socat: SocatPair; device: VirtualDevice };
  let client: DeviceClient;

  test('full session: hello (checksum as Node computes it), configure, start, telemetry, snapshot get, stop', async () => {
    rig = await deviceOn(links);
    client = await connectPort(links.b);
    const expected = new Core(compileCore()).selfTest();
    assert.is(client.device!.selfTestChecksum, expected);
    assert.is(client.device!.name, 'deeptrace-virtual');
    const tel: Telemetry[] = [];
    client.on('telemetry', (t) => tel.push(t));
    await client.configure(CFG, { telemetryEvery: 25, watchdogMs: 150 });
    await client.start();
    for (let k = 0; k < 100; k++) {
      const u = await client.sendSensor(k, sensorValues(k, CFG.nIn, CFG.nOut));
      assert.is(u.length, CFG.nOut);
    }
    const snap = await client.snapshotGet();
    assert.is(snap.length, 32 + rig.device.session.core.stateBytes());
    assert.equal(Array.from(snap.subarray(0, 4), (c) => String.fromCharCode(c)).join(''), 'DTSN');
    await client.stop();
    assert.equal(tel.map((t) => t.step), [24, 49, 74, 99]);
    assert.ok(tel.every((t) => t.flags === (TelemetryFlag.RUNNING | TelemetryFlag.LEARNING) && t.values.length === 2 * CFG.nOut));
    assert.equal(rig.device.actuators, [0, 0]);
  });

  test('watchdog over the pty: a silent host gets the actuators to the safe state within the configured 150 ms', async () => {
    const errors: number[] = [];
    client.on('device-error', (e) => errors.push(e.code));
    await client.start();
    let last = 0;
    for (let k = 0; k < 10; k++) {
      await client.sendSensor(k, sensorValues(k, CFG.nIn, CFG.nOut));
      last = performance.now();
    }
    assert.ok(rig.device.actuators.some((u) => u !== 0));
    await new Promise<void>((resolve) => rig.device.once('watchdog', () => resolve()));
    const late = performance.now() - last;
    assert.ok(late <= 150 + 60, `safe after ${late.toFixed(0)} ms`);
    assert.equal(rig.device.actuators, [0, 0]);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(errors, [Status.E_WATCHDOG]);
    await client.stop();
  });

  test('garbage and flipped bits over the pty: no actuator frame, all counted', async () => {
    await client.start();
    const before = rig.device.stats;
    const frame = encodeMessage({ type: 'SENSOR_FRAME', step: 0, values: sensorValues(0, CFG.nIn, CFG.nOut) }, { seq: 1 });
    const raw = { write: (b: Uint8Array) => client.writeRaw(b) }; // below the client's framing
    let actuatorFrames = 0;
    rig.device.on('actuators', () => actuatorFrames++);
    for (let i = 0; i < frame.length - 1; i += 3) {
      const bad = frame.slice();
      bad[i] ^= 0x04;
      raw.write(bad);
    }
    raw.write(Uint8Array.from({ length: 500 }, (_, i) => (i * 37 + 11) & 0xff));
    raw.write(Uint8Array.of(0));
    await new Promise((r) => setTimeout(r, 100));
    const after = rig.device.stats;
    assert.is(actuatorFrames, 0);
    assert.is(after.messages, before.messages);
    assert.ok(after.rejected - before.rejected >= Math.floor((frame.length - 1) / 3), `${after.rejected - before.rejected} rejected`);
    assert.is(rig.device.session.nextStep, 0);
    assert.equal(await client.sendSensor(0, sensorValues(0, CFG.nIn, CFG.nOut)), rig.device.actuators);
    await client.stop();
  });

  test('unplug: killing socat is reported; a new socat + device on the same paths and the client is back', async () => {
    const events: string[] = [];
    client.on('disconnect', (i) => events.push(`disconnect ${i.unplugged}`));
    const back = new Promise<Hello>((resolve) => client.once('reconnect', resolve));
    const deviceGone = new Promise((resolve) => rig.device.once('close', resolve));
    process.kill(rig.socat.pid, 'SIGKILL');
    await rig.socat.exited;
    await deviceGone;
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(events, ['disconnect true']);
    assert.is(client.connected, false);
    try {
      await client.start();
      assert.unreachable();
    } catch (err) {
      assert.match(String(err), /closed/);
    }
    rig = await deviceOn(links);
    const t0 = performance.now();
    const hello = await back;
    assert.ok(performance.now() - t0 < 2000);
    assert.is(hello.selfTestChecksum, SELF_TEST_CHECKSUM);
    assert.is(client.connected, true);
    await client.configure(CFG);
    await client.start();
    assert.is((await client.sendSensor(0, sensorValues(0, CFG.nIn, CFG.nOut))).length, 2);
    await client.close();
    await rig.device.close();
    await rig.socat.stop();
  });
}

test.run();
