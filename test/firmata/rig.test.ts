import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SerialPortStream } from '@serialport/stream';
import firmataIo from 'firmata-io';
import five from 'johnny-five';
import { InProcessBinding } from '../../host/firmata/binding.ts';
import { EmulatedUno } from '../../host/firmata/emulated.ts';
import { firmataHex } from '../../host/firmata/firmware.ts';
import { runFirmata } from '../../host/firmata/rig.ts';
import { rms } from '../../sims/loop/metrics.ts';

test('the emulated Uno running StandardFirmata reaches johnny-five\'s ready; its ADC, PWM and servo pins work', async () => {
  let failure: Error | null = null;
  const uno = new EmulatedUno({ program: await firmataHex(), onError: (e) => (failure = e) });
  const port = new SerialPortStream({ binding: InProcessBinding, path: uno.path, baudRate: 57600, autoOpen: false });
  /** Let `seconds` of emulated time pass. */
  const elapse = (seconds: number) => {
    const end = uno.seconds + seconds;
    return new Promise<void>((resolve, reject) => {
      const wait = () => (failure ? reject(failure) : uno.seconds > end ? resolve() : setImmediate(wait));
      wait();
    });
  };
  try {
    const io = new firmataIo.Firmata(port);
    const board = new five.Board({ io, repl: false, debug: false, sigint: false });
    port.open();
    await new Promise<void>((resolve, reject) => {
      board.once('ready', () => resolve());
      board.once('error', reject);
    });
    assert.is(io.firmware.name, 'StandardFirmata.ino');
    assert.equal(io.firmware.version, { major: 2, minor: 4 });
    assert.is(io.pins.length, 20);
    assert.equal(io.analogPins, [14, 15, 16, 17, 18, 19]);

    uno.uno!.setAnalogVoltage(2, 1.25);
    const raw = await new Promise<number>((resolve) => io.analogRead(2, (v: number) => resolve(v)));
    assert.is(raw, 256);

    const meter = uno.uno!.meter(3);
    const led = new five.Led({ pin: 3, board });
    led.brightness(64);
    await elapse(0.05);
    meter.takeDuty();
    await elapse(0.1);
    const duty = meter.takeDuty();
    assert.ok(Math.abs(duty - 64 / 255) < 0.01, `duty ${duty}`);

    const servoMeter = uno.uno!.meter(9);
    const servo = new five.Servo({ pin: 9, board }); // pulses of 600..2400 us: 90 degrees = 1500 us
    servo.to(90);
    await elapse(0.1);
    const pulseUs = servoMeter.lastPulseCycles / 16;
    assert.ok(servoMeter.pulses >= 3 && Math.abs(pulseUs - 1500) < 10, `servo pulse ${pulseUs} us (${servoMeter.pulses} pulses)`);
  } finally {
    await new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
    uno.dispose();
  }
});

test('hardware in the loop: the online learner tracks better than PD alone through emulated Firmata', async () => {
  let ready = 0;
  const r = await runFirmata({ emulated: true, seconds: 12, seed: 1 }, { onReady: () => ready++ });
  assert.is(ready, 2);
  assert.is(r.firmware, 'StandardFirmata.ino 2.4');
  const [pd, online] = r.traces;
  assert.is(pd.controller, 'PD alone');
  assert.is(pd.error.length, 600);
  const lastPeriod = (e: Float64Array) => rms(e, 0.02, 8, 12);
  const a = lastPeriod(pd.error), b = lastPeriod(online.error);
  process.stderr.write(`firmata rig: last-period RMS PD ${a.toFixed(4)} rad, online ${b.toFixed(4)} rad; emulation ${r.emulationSpeed!.map((s) => s.toFixed(2)).join('/')} emulated s per wall s\n`);
  assert.ok(a > 0.05 && a < 0.3, `PD error ${a}`);
  assert.ok(b < 0.7 * a, `online ${b} vs PD ${a}`);
  assert.ok(r.rows[1].rmsAfter < r.rows[0].rmsAfter);
  assert.ok(r.emulationSpeed!.every((s) => s > 0.3));
});

test.run();
