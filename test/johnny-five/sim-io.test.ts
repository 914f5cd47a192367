import { test } from 'uvu';
import * as assert from 'uvu/assert';
import five from 'johnny-five';
import { SimIO, SIM_IO_MODES } from '../../sims/johnny-five/sim-io.ts';
import { MOTOR_WIRING, sensorRaw, sensorValue, plantInput, type Wiring } from '../../sims/johnny-five/wiring.ts';
import { Motor } from '../../sims/robot/motor.ts';

function readyBoard(io: SimIO) {
  const board = new five.Board({ io, repl: false, debug: false, sigint: false });
  return new Promise<typeof board>((resolve) => board.once('ready', () => resolve(board)));
}

test('the IO plugin contract: Uno-shaped pins, frozen MODES, asynchronous connect then ready', async () => {
  const io = new SimIO({ plant: new Motor(), wiring: MOTOR_WIRING, clock: 'manual' });
  assert.is(io.isReady, false);
  assert.ok(Object.isFrozen(io.MODES));
  assert.equal({ ...io.MODES }, { INPUT: 0, OUTPUT: 1, ANALOG: 2, PWM: 3, SERVO: 4 });
  assert.is(io.pins.length, 20);
  assert.equal(io.analogPins, [14, 15, 16, 17, 18, 19]);
  assert.equal(io.pins[3].supportedModes, [0, 1, 3, 4]);
  assert.equal(io.pins[14].analogChannel, 0);
  assert.is(io.pins[13].analogChannel, 127);
  assert.is(io.normalize('A2'), 2);
  const events: string[] = [];
  io.on('connect', () => events.push('connect'));
  io.on('ready', () => events.push(`ready:${io.isReady}`));
  await new Promise((r) => setImmediate(r));
  assert.equal(events, ['connect', 'ready:true']);
  assert.throws(() => io.i2cConfig(), /no I2C/);
  assert.throws(() => io.analogWrite(4, 10), /no PWM/);
  io.close();
});

test('pins drive the plant and the plant shows on the analog inputs (manual clock)', () => {
  const plant = new Motor();
  const io = new SimIO({ plant, wiring: MOTOR_WIRING, clock: 'manual', samplingInterval: 20 });
  const reads: number[] = [];
  io.analogRead(0, (v) => reads.push(v));
  io.pinMode(12, SIM_IO_MODES.OUTPUT);
  io.digitalWrite(12, 1);
  io.analogWrite(3, 43); // about +2 V
  io.advance(0.5);
  assert.is(reads.length, 25);
  const theta = plant.state[0];
  assert.ok(theta > 1, `theta ${theta}`);
  assert.ok(Math.abs(sensorValue(MOTOR_WIRING, MOTOR_WIRING.sensors[0], reads[reads.length - 1]) - theta) < 0.05);
  io.digitalWrite(12, 0); // reverse
  io.advance(1);
  assert.ok(plant.state[1] < 0, 'the motor turns the other way');
  io.close();
});

test('a servo pulse sets a plant input through the wiring', () => {
  const wiring: Wiring = { actuators: [{ kind: 'servo', input: 0, pin: 9, minUs: 1000, maxUs: 2000, min: -6, max: 6 }], sensors: [], vref: 5, adcMax: 1023 };
  const io = new SimIO({ plant: new Motor(), wiring, clock: 'manual' });
  io.servoConfig(9, 1000, 2000);
  io.servoWrite(9, 1750);
  const probe = { duty: () => 0, level: () => false, pulseUs: () => 1750 };
  assert.is(plantInput(wiring, probe, 1)[0], 3);
  io.servoWrite(9, 90); // degrees: the middle of the configured range
  assert.is((io as unknown as { pulse: Map<number, number> }).pulse.get(9), 1500);
  assert.is(sensorRaw(MOTOR_WIRING, MOTOR_WIRING.sensors[0], 0), 512);
  assert.is(sensorRaw(MOTOR_WIRING, MOTOR_WIRING.sensors[0], 99), 1023);
  io.close();
});

test('an ordinary johnny-five program (Board, Sensor, Motor, Led) closes a P loop on the motor in real time', async () => {
  const plant = new Motor();
  const io = new SimIO({ plant, wiring: MOTOR_WIRING, samplingInterval: 10 });
  const board = await readyBoard(io);
  const target = 1.5; // rad
  const kp = 6; // V/rad
  const angle = new five.Sensor({ pin: 'A0', freq: 20, board });
  const motor = new five.Motor({ pins: { pwm: 3, dir: 12 }, threshold: 0, board });
  const led = new five.Led({ pin: 9, board }); // brightness shows the error
  const errors: number[] = [];
  await new Promise<void>((resolve) => {
    angle.on('data', () => {
      const theta = sensorValue(MOTOR_WIRING, MOTOR_WIRING.sensors[0], angle.raw as number);
      const e = target - theta;
      errors.push(Math.abs(e));
      const volts = Math.max(-12, Math.min(12, kp * e));
      const duty = Math.round((Math.abs(volts) / 12) * 255);
      if (volts >= 0) motor.forward(duty);
      else motor.reverse(duty);
      led.brightness(Math.min(255, Math.round(Math.abs(e) * 100)));
      if (errors.length === 60) resolve(); // 1.2 s
    });
  });
  angle.disable();
  motor.stop();
  io.close();
  const last = errors.slice(-10);
  assert.ok(errors[0] > 1, `first error ${errors[0]}`);
  assert.ok(Math.max(...last) < 0.05, `error at the end ${last.map((x) => x.toFixed(3)).join(' ')}`);
  assert.ok(Math.abs(plant.state[0] - target) < 0.05);
  assert.is(io.pins[9].mode, io.MODES.PWM);
  assert.ok(io.simTime > 1);
});

test.run();
