// The virtual device's session (docs/protocol.md §9) over the in-process pair: HELLO, the state
// machine and its refusals, the feedback-error-learning maths bit for bit, telemetry, clipping,
// retransmitted commands, snapshots.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Core, compileCore } from '../../host/core/core.ts';
import { MCU_SMALL, defaultCoreConfig } from '../../host/core/config.ts';
import { PROTOCOL_VERSION, Status, TelemetryFlag, coreStatusToCode, type Message } from '../../host/protocol/index.ts';
import { helloCoreVersion } from '../../host/device/device.ts';
import { configureMessage, is, rig, sensorValues } from './harness.ts';
import { SELF_TEST_CHECKSUM } from '../core-facts.ts';

const CFG = MCU_SMALL;
const N = CFG.nIn + CFG.nOut;

test('boot: HELLO with the self-test checksum Node computes, and again in reply to a HELLO', async () => {
  const expected = new Core(compileCore()).selfTest();
  assert.is(expected, SELF_TEST_CHECKSUM);
  const { host } = rig({ name: 'unit' });
  const boot = (await host.next(is('HELLO'))).message;
  assert.equal(boot, { type: 'HELLO', protocolVersion: PROTOCOL_VERSION, coreVersion: helloCoreVersion(new Core().x.version()), selfTestChecksum: expected, name: 'unit' });
  assert.is(helloCoreVersion(0x00010000), 0x0100);
  host.send({ type: 'HELLO', protocolVersion: 1, coreVersion: 0, selfTestChecksum: 0, name: 'host' });
  assert.equal((await host.next(is('HELLO'))).message, boot);
});

test('state machine: refusals answer with their status and change nothing', async () => {
  const { host, device } = rig();
  assert.is(await host.command({ type: 'START' }), Status.E_NOT_CONFIGURED);
  assert.is(await host.command({ type: 'LEARN', on: false }), Status.E_NOT_CONFIGURED);
  assert.is(await host.command({ type: 'CONFIGURE', config: new Uint8Array(10) }), Status.E_FRAME_PAYLOAD);
  host.send({ type: 'SNAPSHOT_GET' });
  await host.settle();
  assert.equal(host.drain().flatMap((e) => (e.message.type === 'ERROR' ? [e.message.code] : [])), [Status.E_NOT_CONFIGURED, Status.E_NOT_CONFIGURED, Status.E_FRAME_PAYLOAD, Status.E_NOT_CONFIGURED]);
  assert.is(await host.command(configureMessage(CFG)), Status.OK);
  host.send({ type: 'SENSOR_FRAME', step: 0, values: sensorValues(0, CFG.nIn, CFG.nOut) });
  assert.equal((await host.next(is('ERROR'))).message, { type: 'ERROR', code: Status.E_STATE, text: 'SENSOR_FRAME while not running' });
  // A config field out of range: E_CORE(-100 - k), and the previous configuration stays.
  const bad = configureMessage({ ...CFG, nIn: 65 });
  assert.is(await host.command(bad), coreStatusToCode(-101));
  assert.is(device.session.counts.nIn, CFG.nIn);
  assert.is(await host.command({ type: 'START' }), Status.OK);
  assert.is(await host.command(configureMessage(CFG)), Status.E_STATE);
  const error = (code: number) => host.next((x) => x.message.type === 'ERROR' && x.message.code === code).then((x) => x.message);
  host.send({ type: 'SENSOR_FRAME', step: 0, values: [1, 2, 3] });
  await error(Status.E_VALUE_COUNT);
  host.send({ type: 'SENSOR_FRAME', step: 5, values: sensorValues(0, CFG.nIn, CFG.nOut) });
  const e = await error(Status.E_STEP);
  assert.ok(e.type === 'ERROR' && /expected step 0, got 5/.test(e.text), JSON.stringify(e));
  assert.is(device.session.nextStep, 0);
  host.send({ type: 'SENSOR_FRAME', step: 0, values: sensorValues(0, CFG.nIn, CFG.nOut) });
  assert.is((await host.next(is('ACTUATOR_FRAME'))).message.type, 'ACTUATOR_FRAME');
  assert.is(await host.command({ type: 'ACTUATOR_FRAME', step: 0, values: [] }), Status.E_UNSUPPORTED);
  assert.is(await host.command({ type: 'STOP' }), Status.OK);
  assert.equal(device.actuators, [0, 0]);
  assert.ok(device.session.safe);
});

/** What the device must compute, with the Core wrapper's float API (exact: Q12 in, Q12 out). */
function reference(learnOn: (k: number) => boolean, steps: number) {
  const core = new Core().configure(CFG).initWeights(1.0, 0.2, 0.5);
  return Array.from({ length: steps }, (_, k) => {
    const v = sensorValues(k, CFG.nIn, CFG.nOut);
    const y = core.step(v.slice(0, CFG.nIn).map((q) => q / 4096));
    const uPd = v.slice(CFG.nIn);
    if (learnOn(k)) core.learn(uPd.map((p) => -p / 4096));
    return uPd.map((p, i) => Math.max(-32767, Math.min(32767, p + Math.round(y[i] * 4096))));
  });
}

test('sensor frames: u = u_pd + y and learn(err = -u_pd), bit for bit with the core run locally; LEARN off freezes', async () => {
  const { host } = rig();
  assert.is(await host.command(configureMessage(CFG)), Status.OK);
  assert.is(await host.command({ type: 'START' }), Status.OK);
  const steps = 300;
  const want = reference((k) => k < 150, steps);
  for (let k = 0; k < steps; k++) {
    if (k === 150) assert.is(await host.command({ type: 'LEARN', on: false }), Status.OK);
    host.send({ type: 'SENSOR_FRAME', step: k, values: sensorValues(k, CFG.nIn, CFG.nOut) });
    const a = (await host.next(is('ACTUATOR_FRAME'))).message;
    assert.equal(a, { type: 'ACTUATOR_FRAME', step: k, values: want[k] }, `step ${k}`);
  }
});

test('telemetry every N steps: step, loss = sum u_pd^2, flags, values = y then u_pd; CLIPPED when u is clipped', async () => {
  const { host } = rig();
  assert.is(await host.command(configureMessage(CFG, { telemetryEvery: 5 })), Status.OK);
  assert.is(await host.command({ type: 'START' }), Status.OK);
  for (let k = 0; k < 10; k++) {
    const v = sensorValues(k, CFG.nIn, CFG.nOut);
    host.send({ type: 'SENSOR_FRAME', step: k, values: v });
    const a = (await host.next(is('ACTUATOR_FRAME'))).message;
    if ((k + 1) % 5 !== 0) continue;
    const t = (await host.next(is('TELEMETRY'))).message;
    if (t.type !== 'TELEMETRY' || a.type !== 'ACTUATOR_FRAME') throw new Error('types');
    const uPd = v.slice(CFG.nIn);
    assert.is(t.step, k);
    assert.is(t.flags, TelemetryFlag.RUNNING | TelemetryFlag.LEARNING);
    assert.is(t.loss, Math.round(uPd.reduce((s, p) => s + (p * p) / 4096, 0)));
    assert.equal(t.values.slice(2), uPd);
    assert.equal(t.values.slice(0, 2).map((y, i) => y + uPd[i]), a.values);
  }
  host.send({ type: 'SENSOR_FRAME', step: 10, values: [0, 0, 0, 0, 40000, -40000] });
  assert.equal((await host.next(is('ACTUATOR_FRAME'))).message, { type: 'ACTUATOR_FRAME', step: 10, values: [32767, -32767] });
  for (let k = 11; k < 15; k++) host.send({ type: 'SENSOR_FRAME', step: k, values: [0, 0, 0, 0, 40000, -40000] });
  const t = (await host.next(is('TELEMETRY'))).message;
  assert.ok(t.type === 'TELEMETRY' && (t.flags & TelemetryFlag.CLIPPED) !== 0);
});

test('a retransmitted command (same seq, same bytes) gets the same ACK and is not done twice', async () => {
  const { host, device } = rig();
  assert.is(await host.command(configureMessage(CFG)), Status.OK);
  const seq = host.send({ type: 'START' }, true);
  assert.is((await host.next(is('ACK'))).message.type, 'ACK');
  for (let k = 0; k < 3; k++) {
    host.send({ type: 'SENSOR_FRAME', step: k, values: sensorValues(k, CFG.nIn, CFG.nOut) });
    await host.next(is('ACTUATOR_FRAME'));
  }
  // The ACK got lost, say: the host sends START again with the same seq. Redoing it would restart at step 0.
  assert.is(await host.command({ type: 'START' }, seq), Status.OK);
  assert.is(device.session.nextStep, 3);
  // The same seq with another command is a new command (seqs wrap).
  assert.is(await host.command({ type: 'LEARN', on: false }, seq), Status.OK);
  assert.is(device.session.learning, false);
  // A failed command is answered the same way again, ERROR text only the first time.
  const s2 = host.send({ type: 'CONFIGURE', config: new Uint8Array(3) }, true);
  assert.is((await host.next(is('ERROR'))).message.type, 'ERROR');
  await host.next(is('ACK'));
  assert.is(await host.command({ type: 'CONFIGURE', config: new Uint8Array(3) }, s2), Status.E_STATE);
});

for (const [what, cfg] of [
  ['2x32 deep-fact, staged in one piece', defaultCoreConfig({ nIn: 4, units: [32, 32], nOut: 2 })],
  ['mcu-small (deep-full), larger than the staging area: streamed twice', MCU_SMALL],
] as const) test(`snapshots (${what}): GET in chunks; PUT restores it (the run continues bit for bit); bad chunks and corrupt snapshots are refused`, async () => {
  const { host, device } = rig();
  assert.is(await host.command(configureMessage(cfg)), Status.OK);
  assert.is(await host.command({ type: 'START' }), Status.OK);
  /** Steps from..to-1, sent as step indices from `first` on. */
  const drive = async (from: number, to: number, first = from) => {
    const out: number[][] = [];
    for (let k = from; k < to; k++) {
      host.send({ type: 'SENSOR_FRAME', step: first + k - from, values: sensorValues(k, 4, 2) });
      const a = (await host.next(is('ACTUATOR_FRAME'))).message;
      out.push(a.type === 'ACTUATOR_FRAME' ? a.values : []);
    }
    return out;
  };
  await drive(0, 50);
  host.send({ type: 'SNAPSHOT_GET' });
  const chunks: { offset: number; total: number; data: Uint8Array }[] = [];
  for (;;) {
    const m = (await host.next(is('SNAPSHOT_DATA'))).message;
    if (m.type !== 'SNAPSHOT_DATA') throw new Error();
    chunks.push(m);
    if (m.offset + m.data.length === m.total) break;
  }
  const total = chunks[0].total;
  assert.ok(chunks.length > 1 && chunks.every((c) => c.data.length <= 1000));
  assert.is(total, 32 + device.session.core.stateBytes());
  const snap = new Uint8Array(total);
  for (const c of chunks) snap.set(c.data, c.offset);
  const after = await drive(50, 80);
  assert.is(await host.command({ type: 'STOP' }), Status.OK);

  const put = async (bytes: Uint8Array, size = 1000) => {
    let st = 0;
    for (let o = 0; o < bytes.length; o += size) {
      st = await host.command({ type: 'SNAPSHOT_PUT', offset: o, total: bytes.length, data: bytes.subarray(o, o + size) });
      if (st !== Status.OK) return st;
    }
    return st;
  };
  assert.is(await host.command({ type: 'SNAPSHOT_PUT', offset: 1000, total, data: snap.subarray(1000, 2000) }), Status.E_SNAPSHOT_OFFSET);
  assert.is(await host.command({ type: 'SNAPSHOT_PUT', offset: 0, total: 1 << 20, data: snap.subarray(0, 10) }), Status.E_SNAPSHOT_TOTAL);
  assert.is(await host.command({ type: 'SNAPSHOT_PUT', offset: 0, total, data: snap.subarray(0, 1000) }), Status.OK);
  assert.is(await host.command({ type: 'SNAPSHOT_PUT', offset: 1000, total: total - 1, data: snap.subarray(1000, 1500) }), Status.E_SNAPSHOT_TOTAL);
  const corrupt = snap.slice();
  corrupt[total - 7] ^= 0x10;
  assert.is(await put(corrupt), coreStatusToCode(-14));
  assert.is(await put(snap, 700), Status.OK);
  assert.is(await host.command({ type: 'START' }), Status.OK);
  assert.equal(await drive(50, 80, 0), after);
  const running: Message = { type: 'SNAPSHOT_PUT', offset: 0, total, data: snap.subarray(0, 100) };
  assert.is(await host.command(running), Status.E_STATE);
});

test.run();
