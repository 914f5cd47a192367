// DeviceClient against the virtual device on the in-process pair: commands, ACK loss and command loss
// (retransmission with the same seq, done once), giving up, device refusals as DeviceError with the
// device's text, sensor frames, snapshot and core transfers, and reconnection after an unplug.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MCU_SMALL } from '../../host/core/config.ts';
import { Status, encodeMessage } from '../../host/protocol/index.ts';
import { nullModemPair, type NullModem } from '../../host/transport/null-modem.ts';
import { MessageLink } from '../../host/transport/link.ts';
import { VirtualDevice } from '../../host/device/device.ts';
import { DeviceClient, DeviceError, DisconnectedError, TimeoutError } from '../../host/client/index.ts';
import { repoRoot } from '../helpers.ts';
import { sensorValues } from '../device/harness.ts';
import { Lossy } from './lossy.ts';
import { TEST_KEYS, signTest } from '../test-key.ts';
import { SELF_TEST_CHECKSUM } from '../core-facts.ts';

const CFG = MCU_SMALL;

function pair(opts: { dropToHost?: Lossy['drop']; dropToDevice?: Lossy['drop'] } = {}) {
  const [a, b] = nullModemPair();
  const devEnd = new Lossy(a, opts.dropToHost ?? (() => false));
  const hostEnd = new Lossy(b, opts.dropToDevice ?? (() => false));
  const device = new VirtualDevice(devEnd, { publicKey: TEST_KEYS.publicKey });
  return { device, devEnd, hostEnd, a, b };
}

test('telemetry a device sends right after its HELLO reaches a listener added after connect()', async () => {
  const [a, b] = nullModemPair();
  const dev = new MessageLink(a);
  dev.on('message', (e) => {
    if (e.message.type !== 'HELLO') return;
    // all three frames in one write, so the host reads them in one chunk: the telemetry and the
    // error are decoded before connect()'s caller can add a listener
    const frames = [
      encodeMessage({ type: 'HELLO', protocolVersion: 1, coreVersion: 0x0102, selfTestChecksum: 1, name: 'eager' }, { seq: 1 }),
      encodeMessage({ type: 'TELEMETRY', step: 10, loss: 0, flags: 0, values: [0, 0] }, { seq: 2 }),
      encodeMessage({ type: 'ERROR', code: Status.E_WATCHDOG, text: 'early' }, { seq: 3 }),
    ];
    a.write(Uint8Array.from(frames.flatMap((f) => [0, ...f])));
  });
  const c = await DeviceClient.connect({ open: async () => b });
  const tel: number[] = [];
  const errs: string[] = [];
  c.on('telemetry', (t) => tel.push(t.step));
  c.on('device-error', (e) => errs.push(e.text));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(tel, [10]);
  assert.equal(errs, ['early']);
  await c.close();
});

test('hello, configure, start, sensor frames, telemetry, stop', async () => {
  const { device, hostEnd } = pair();
  const c = await DeviceClient.connect({ open: async () => hostEnd });
  assert.is(c.device!.selfTestChecksum, SELF_TEST_CHECKSUM);
  const tel: number[] = [];
  c.on('telemetry', (t) => tel.push(t.step));
  await c.configure(CFG, { telemetryEvery: 10 });
  await c.start();
  for (let k = 0; k < 30; k++) {
    const u = await c.sendSensor(k, sensorValues(k, CFG.nIn, CFG.nOut));
    assert.equal(u, device.actuators);
  }
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(tel, [9, 19, 29]);
  await c.stop();
  await c.close();
});

test('a lost ACK: the client retransmits with the same seq and the device does not do it twice', async () => {
  let drops = 1;
  const { device, hostEnd } = pair({ dropToHost: (m) => m.type === 'ACK' && drops-- > 0 && device.session.cfg !== null });
  const c = await DeviceClient.connect({ open: async () => hostEnd });
  await c.configure(CFG);
  drops = 1;
  const t0 = performance.now();
  await c.start();
  const dt = performance.now() - t0;
  assert.ok(dt >= 240 && dt < 600, `ACK after a retransmission: ${dt.toFixed(0)} ms`);
  await c.sendSensor(0, sensorValues(0, CFG.nIn, CFG.nOut));
  drops = 1;
  await c.start(); // a new START: restarts at step 0 exactly once even though its ACK was lost
  assert.is(device.session.nextStep, 0);
  await c.close();
});

test('a lost command is retransmitted; after 1 + 3 tries the client gives up with TimeoutError', async () => {
  let drop = 1;
  const { device, hostEnd } = pair({ dropToDevice: (m) => m.type === 'LEARN' && drop-- > 0 });
  const c = await DeviceClient.connect({ open: async () => hostEnd });
  await c.configure(CFG);
  await c.learn(false);
  assert.is(device.session.learning, false);
  drop = 99;
  const t0 = performance.now();
  try {
    await c.learn(true);
    assert.unreachable();
  } catch (err) {
    assert.instance(err, TimeoutError);
    assert.match((err as Error).message, /4 tries/);
  }
  assert.ok(performance.now() - t0 >= 4 * 250 - 10);
  assert.is(device.session.learning, false);
  await c.close();
});

test("refusals are DeviceErrors with the device's status and text", async () => {
  const { hostEnd } = pair();
  const c = await DeviceClient.connect({ open: async () => hostEnd });
  try {
    await c.start();
    assert.unreachable();
  } catch (err) {
    assert.instance(err, DeviceError);
    assert.is((err as DeviceError).status, Status.E_NOT_CONFIGURED);
  }
  await c.configure(CFG);
  await c.start();
  try {
    await c.configure(CFG);
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /E_STATE \(CONFIGURE while running: send STOP first\)/);
  }
  try {
    await c.sendSensor(3, sensorValues(0, CFG.nIn, CFG.nOut));
    assert.unreachable();
  } catch (err) {
    assert.is((err as DeviceError).status, Status.E_STEP);
  }
  await c.close();
});

test('snapshotGet / snapshotPut round trip; uploadCore resolves with the new HELLO', async () => {
  const { device, hostEnd } = pair();
  const c = await DeviceClient.connect({ open: async () => hostEnd });
  // deep-fact: its state fits the staging area twice over (mcu-small's deep-full state does not: E_SNAPSHOT_TOTAL).
  await c.configure({ ...CFG, engine: 'deep-fact' });
  await c.start();
  for (let k = 0; k < 20; k++) await c.sendSensor(k, sensorValues(k, CFG.nIn, CFG.nOut));
  const snap = await c.snapshotGet();
  assert.is(snap.length, 32 + device.session.core.stateBytes());
  for (let k = 20; k < 40; k++) await c.sendSensor(k, sensorValues(k, CFG.nIn, CFG.nOut));
  assert.not.equal(await c.snapshotGet(), snap);
  await c.stop();
  await c.snapshotPut(snap);
  assert.equal(await c.snapshotGet(), snap);
  const debug = readFileSync(path.join(repoRoot, 'build/core.debug.wasm'));
  const hello = await c.uploadCore(debug, signTest(debug));
  assert.is(hello.selfTestChecksum, SELF_TEST_CHECKSUM);
  assert.equal(await c.snapshotGet(), snap, 'state handed over to the new core');
  await c.close();
});

test('unplugged: pending requests fail, the client reports it and reconnects when a device answers again', async () => {
  let current: NullModem | null;
  let [a, b] = nullModemPair();
  new VirtualDevice(a);
  current = b;
  const c = await DeviceClient.connect({ open: async () => {
    if (!current) throw new Error('ENOENT');
    return current;
  } });
  const events: string[] = [];
  c.on('disconnect', (i) => events.push(`disconnect unplugged=${i.unplugged}`));
  const back = new Promise((resolve) => c.on('reconnect', (h) => resolve(h)));
  await c.configure(CFG);
  await c.start();
  const pending = c.sendSensor(0, [1]); // wrong count: the device would answer E_VALUE_COUNT, but the cable goes first
  current = null;
  b.unplug();
  try {
    await pending;
    assert.unreachable();
  } catch (err) {
    assert.ok(err instanceof DisconnectedError || err instanceof DeviceError, String(err));
  }
  assert.equal(events, ['disconnect unplugged=true']);
  assert.is(c.connected, false);
  await new Promise((r) => setTimeout(r, 700));
  [a, b] = nullModemPair();
  new VirtualDevice(a);
  current = b;
  const hello = (await back) as { selfTestChecksum: number };
  assert.is(hello.selfTestChecksum, SELF_TEST_CHECKSUM);
  assert.is(c.connected, true);
  await c.configure(CFG);
  await c.close();
});

test.run();
