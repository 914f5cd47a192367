// What the device does with a bad line and a silent host: corrupt frames (every single-bit flip of a
// valid SENSOR_FRAME, truncations, random garbage) are counted and never produce an actuator value;
// the watchdog puts the actuators in the safe state on time, says so once, and the next valid frame
// brings the device back.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MCU_SMALL } from '../../host/core/config.ts';
import { Status, TelemetryFlag, encodeMessage } from '../../host/protocol/index.ts';
import { configureMessage, is, rig, sensorValues } from './harness.ts';

const CFG = MCU_SMALL;

test('corrupt frames never produce an actuator frame, leave the session untouched and are counted', async () => {
  const { host, device } = rig();
  assert.is(await host.command(configureMessage(CFG)), Status.OK);
  assert.is(await host.command({ type: 'START' }), Status.OK);
  host.send({ type: 'SENSOR_FRAME', step: 0, values: sensorValues(0, CFG.nIn, CFG.nOut) });
  await host.next(is('ACTUATOR_FRAME'));
  const before = { actuators: device.actuators.slice(), step: device.session.nextStep, stats: device.stats };
  let changes = 0;
  device.on('actuators', () => changes++);

  const good = encodeMessage({ type: 'SENSOR_FRAME', step: 1, values: sensorValues(1, CFG.nIn, CFG.nOut) }, { seq: 9 });
  const body = good.subarray(0, good.length - 1);
  let sent = 0;
  // Every single-bit flip of the encoded frame (a flip that makes a 0x00 splits it in two runs).
  for (let i = 0; i < body.length; i++) {
    for (let b = 0; b < 8; b++) {
      const bad = Uint8Array.from(body);
      bad[i] ^= 1 << b;
      host.link.writeRaw(Uint8Array.of(...bad, 0));
      sent++;
    }
  }
  // Every truncation.
  for (let n = 1; n < body.length; n++, sent++) host.link.writeRaw(Uint8Array.of(...body.subarray(0, n), 0));
  // Garbage with delimiters sprinkled in.
  let s = 12345;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) & 0xff;
  for (let k = 0; k < 300; k++, sent++) {
    const g = Uint8Array.from({ length: 1 + (rnd() % 60) }, () => rnd() || 1);
    host.link.writeRaw(Uint8Array.of(...g, 0));
  }
  await host.settle(50);
  const after = device.stats;
  assert.is(after.messages, before.stats.messages, 'no corrupt frame was decoded');
  assert.ok(after.rejected - before.stats.rejected >= sent, `${after.rejected - before.stats.rejected} rejections for ${sent} bad frames`);
  assert.ok(after.reasons.crc > 0 && after.reasons.truncated > 0 && after.reasons.cobs + after.reasons.length > 0, JSON.stringify(after.reasons));
  assert.is(host.drain().filter((e) => e.message.type === 'ACTUATOR_FRAME').length, 0);
  assert.is(changes, 0);
  assert.equal(device.actuators, before.actuators);
  assert.is(device.session.nextStep, before.step);
  // The intact frame still works.
  host.link.writeRaw(good);
  assert.is((await host.next(is('ACTUATOR_FRAME'))).message.type, 'ACTUATOR_FRAME');
  assert.is(device.session.nextStep, 2);
});

test('watchdog: safe state within its configured time, ERROR E_WATCHDOG once, SAFE_STATE in telemetry; the next valid frame resumes', async () => {
  const ms = 120;
  const { host, device } = rig();
  assert.is(await host.command(configureMessage(CFG, { watchdogMs: ms, telemetryEvery: 1 })), Status.OK);
  assert.is(await host.command({ type: 'START' }), Status.OK);
  let k = 0;
  let last = 0;
  for (; k < 20; k++) {
    host.send({ type: 'SENSOR_FRAME', step: k, values: sensorValues(k, CFG.nIn, CFG.nOut) });
    await host.next(is('ACTUATOR_FRAME'));
    last = performance.now();
    await host.settle(ms / 4);
  }
  assert.ok(device.actuators.some((u) => u !== 0));
  assert.is(device.session.safe, false);
  const safeAt = await new Promise<number>((resolve) => device.once('watchdog', () => resolve(performance.now())));
  const late = safeAt - last;
  assert.ok(late >= ms - 5 && late <= ms + 60, `safe state ${late.toFixed(1)} ms after the last frame (watchdog ${ms} ms)`);
  assert.equal(device.actuators, [0, 0]);
  const err = (await host.next(is('ERROR'))).message;
  assert.ok(err.type === 'ERROR' && err.code === Status.E_WATCHDOG);
  const tel = (await host.next((e) => e.message.type === 'TELEMETRY' && (e.message.flags & TelemetryFlag.SAFE_STATE) !== 0)).message;
  assert.ok(tel.type === 'TELEMETRY' && (tel.flags & TelemetryFlag.RUNNING) !== 0);
  host.drain();
  await host.settle(3 * ms);
  assert.is(host.drain().filter((e) => e.message.type === 'ERROR').length, 0, 'E_WATCHDOG is sent once');
  host.send({ type: 'SENSOR_FRAME', step: k, values: sensorValues(k, CFG.nIn, CFG.nOut) });
  await host.next(is('ACTUATOR_FRAME'));
  assert.is(device.session.safe, false);
  assert.ok(device.actuators.some((u) => u !== 0));
  const t2 = (await host.next(is('TELEMETRY'))).message;
  assert.ok(t2.type === 'TELEMETRY' && (t2.flags & TelemetryFlag.SAFE_STATE) === 0);
  assert.is(await host.command({ type: 'STOP' }), Status.OK);
  await host.settle(2 * ms);
  assert.is(host.drain().filter((e) => e.message.type === 'ERROR').length, 0, 'no watchdog after STOP');
});

test.run();
