// A johnny-five IO plugin (the contract of rwaldron/io-plugins) backed by a simulated plant instead
// of a board: an Uno-shaped pin table (D0-D13, PWM on 3/5/6/9/10/11, A0-A5 = pins 14-19), where the
// output pins drive the plant's inputs and the plant's state appears on the analog inputs, both
// through a Wiring (wiring.ts). An ordinary johnny-five program (Board, Sensor, Motor, Led, Servo)
// runs against it unchanged.
//
// Time: with clock 'realtime' (default) the plant advances with the wall clock (times `timeScale`);
// with 'manual' only advance(seconds) moves it, synchronously, which is what tests and fast
// experiments want. Either way the plant steps at its own dt and analog/digital reports go out every
// sampling interval of simulated time (19 ms by default, as StandardFirmata), each reporting
// channel in ascending order as `analog-read-N` events (N = the analog channel, as in firmata.js).
import { EventEmitter } from 'node:events';
import type { Plant } from '../plant.ts';
import { plantInput, sensorOn, sensorRaw, type PinProbe, type Wiring } from './wiring.ts';

export const SIM_IO_MODES = Object.freeze({ INPUT: 0, OUTPUT: 1, ANALOG: 2, PWM: 3, SERVO: 4 });
const { INPUT, OUTPUT, ANALOG, PWM, SERVO } = SIM_IO_MODES;
const UNKNOWN = 99;

const PWM_PINS = new Set([3, 5, 6, 9, 10, 11]);
const ANALOG_CHANNELS = 6;
const FIRST_ANALOG_PIN = 14;

export interface SimPin {
  supportedModes: number[];
  mode: number;
  value: number;
  report: 0 | 1;
  analogChannel: number;
}

export interface SimIOOptions {
  plant: Plant;
  wiring: Wiring;
  clock?: 'realtime' | 'manual';
  /** Simulated seconds per wall second in 'realtime' (default 1). */
  timeScale?: number;
  /** Milliseconds of simulated time between reports (default 19). */
  samplingInterval?: number;
}

/** A johnny-five IO plugin backed by a simulated plant: pins read the plant's sensors and drive its actuators, no firmware. */
export class SimIO extends EventEmitter {
  readonly name = 'SimIO';
  readonly MODES = SIM_IO_MODES;
  readonly RESOLUTION = Object.freeze({ ADC: 1023, PWM: 255, DAC: null });
  readonly defaultLed = 13;
  readonly pins: SimPin[];
  readonly analogPins: number[];
  isReady = false;
  /** Simulated seconds since construction. */
  simTime = 0;
  /** Last servo pulse width (microseconds) per pin. */
  private readonly pulse = new Map<number, number>();
  private readonly servoRange = new Map<number, [number, number]>();
  private samplingMs: number;
  private nextReport: number;
  private timer: NodeJS.Timeout | null = null;
  private wallStart = 0;
  private closed = false;

  constructor(readonly o: SimIOOptions) {
    super();
    this.samplingMs = o.samplingInterval ?? 19;
    this.nextReport = this.samplingMs / 1000;
    this.pins = [];
    for (let p = 0; p < FIRST_ANALOG_PIN + ANALOG_CHANNELS; p++) {
      const analog = p >= FIRST_ANALOG_PIN;
      const modes = p < 2 ? [] : analog ? [INPUT, OUTPUT, ANALOG] : PWM_PINS.has(p) ? [INPUT, OUTPUT, PWM, SERVO] : [INPUT, OUTPUT, SERVO];
      this.pins.push({ supportedModes: modes, mode: analog ? ANALOG : p < 2 ? UNKNOWN : OUTPUT, value: 0, report: 0, analogChannel: analog ? p - FIRST_ANALOG_PIN : 127 });
    }
    this.analogPins = this.pins.flatMap((pin, i) => (pin.analogChannel !== 127 ? [i] : []));
    // "connect" then "ready", asynchronously, as the contract asks.
    setImmediate(() => {
      if (this.closed) return;
      this.emit('connect');
      this.isReady = true;
      this.emit('ready');
      if ((this.o.clock ?? 'realtime') === 'realtime') this.startClock();
    });
  }

  get plant(): Plant {
    return this.o.plant;
  }

  /** 'A0'..'A5' (and '14'..'19' as numbers stay numbers) to what analogRead and pinMode(_, ANALOG) take: the channel. */
  normalize(pin: number | string): number {
    if (typeof pin === 'string') {
      const m = /^A(\d+)$/i.exec(pin);
      if (m) return Number(m[1]);
      const n = Number(pin);
      if (Number.isInteger(n)) return n;
      throw new Error(`SimIO: unknown pin '${pin}'`);
    }
    return pin;
  }

  private pinAt(pin: number, what: string): SimPin {
    const p = this.pins[pin];
    if (!p) throw new Error(`SimIO.${what}: no pin ${pin} (0..${this.pins.length - 1})`);
    return p;
  }

  private analogPin(channel: number, what: string): SimPin {
    // firmata.js addresses analog inputs by channel; accept the pin number (14..19) too.
    const pin = channel < ANALOG_CHANNELS ? this.analogPins[channel] : channel;
    const p = this.pinAt(pin, what);
    if (p.analogChannel === 127) throw new Error(`SimIO.${what}: pin ${pin} has no analog input`);
    return p;
  }

  pinMode(pin: number, mode: number): this {
    if (mode === ANALOG) {
      this.analogPin(pin, 'pinMode').mode = ANALOG;
      return this;
    }
    const p = this.pinAt(pin, 'pinMode');
    if (!p.supportedModes.includes(mode)) throw new Error(`SimIO.pinMode: pin ${pin} does not support mode ${mode}`);
    p.mode = mode;
    return this;
  }

  analogWrite(pin: number, value: number): this {
    const p = this.pinAt(pin, 'analogWrite');
    if (!p.supportedModes.includes(PWM)) throw new Error(`SimIO.analogWrite: pin ${pin} has no PWM`);
    p.mode = PWM;
    p.value = Math.min(255, Math.max(0, Math.round(value)));
    return this;
  }

  pwmWrite(pin: number, value: number): this {
    return this.analogWrite(pin, value);
  }

  digitalWrite(pin: number, value: number): this {
    const p = this.pinAt(pin, 'digitalWrite');
    if (p.mode !== OUTPUT) p.mode = OUTPUT;
    p.value = value ? 1 : 0;
    return this;
  }

  servoConfig(pin: number | { pin: number; min: number; max: number }, min?: number, max?: number): this {
    if (typeof pin === 'object') ({ pin, min, max } = pin);
    if (min === undefined || max === undefined) throw new Error('SimIO.servoConfig: min and max must be given');
    this.pinAt(pin, 'servoConfig').mode = SERVO;
    this.servoRange.set(pin, [min, max]);
    return this;
  }

  /** Like firmata.js: values below 544 are degrees (0..180), the others microseconds. */
  servoWrite(pin: number, value: number): this {
    const p = this.pinAt(pin, 'servoWrite');
    if (!p.supportedModes.includes(SERVO)) throw new Error(`SimIO.servoWrite: pin ${pin} cannot drive a servo`);
    p.mode = SERVO;
    p.value = value;
    const [lo, hi] = this.servoRange.get(pin) ?? [544, 2400];
    this.pulse.set(pin, value < 544 ? lo + (Math.min(180, Math.max(0, value)) / 180) * (hi - lo) : value);
    return this;
  }

  analogRead(channel: number, handler: (value: number) => void): this {
    this.reportAnalogPin(channel, 1);
    this.on(`analog-read-${channel}`, handler);
    return this;
  }

  digitalRead(pin: number, handler: (value: number) => void): this {
    this.reportDigitalPin(pin, 1);
    this.on(`digital-read-${pin}`, handler);
    return this;
  }

  reportAnalogPin(channel: number, value: 0 | 1): this {
    const p = this.analogPin(channel, 'reportAnalogPin');
    p.report = value;
    if (value) p.mode = ANALOG;
    return this;
  }

  reportDigitalPin(pin: number, value: 0 | 1): this {
    const p = this.pinAt(pin, 'reportDigitalPin');
    p.report = value;
    if (value && p.analogChannel === 127) p.mode = INPUT;
    return this;
  }

  setSamplingInterval(ms: number): this {
    this.samplingMs = Math.min(65535, Math.max(1, Math.round(ms)));
    this.nextReport = this.simTime + this.samplingMs / 1000;
    return this;
  }

  getSamplingInterval(): number {
    return this.samplingMs;
  }

  queryPinState(pin: number, callback: () => void): this {
    this.pinAt(pin, 'queryPinState');
    setImmediate(callback);
    return this;
  }

  // No I2C, serial or one-wire bus on a simulated plant: essential features that cannot be
  // implemented must throw (the contract).
  i2cConfig(): never { throw new Error('SimIO: no I2C bus'); }
  i2cWrite(): never { throw new Error('SimIO: no I2C bus'); }
  i2cWriteReg(): never { throw new Error('SimIO: no I2C bus'); }
  i2cRead(): never { throw new Error('SimIO: no I2C bus'); }
  i2cReadOnce(): never { throw new Error('SimIO: no I2C bus'); }

  private readonly probe: PinProbe = {
    duty: (pin) => {
      const p = this.pins[pin];
      if (p.mode === PWM) return p.value / 255;
      if (p.mode === OUTPUT) return p.value ? 1 : 0;
      return 0;
    },
    level: (pin) => {
      const p = this.pins[pin];
      return (p.mode === OUTPUT || p.mode === PWM) && p.value > 0;
    },
    pulseUs: (pin) => (this.pins[pin].mode === SERVO ? this.pulse.get(pin) ?? 0 : 0),
  };

  /** Advance the simulation by `seconds` (plant steps at its dt; reports at the sampling interval). */
  advance(seconds: number): void {
    const plant = this.o.plant;
    const target = this.simTime + seconds;
    const half = plant.dt / 2;
    while (this.simTime + half < target && !this.closed) {
      plant.step(plantInput(this.o.wiring, this.probe, plant.actionSize));
      this.simTime += plant.dt;
      if (this.simTime + half >= this.nextReport) {
        this.nextReport += this.samplingMs / 1000;
        this.report();
      }
    }
  }

  private report(): void {
    const obs = this.o.plant.observe();
    for (let ch = 0; ch < ANALOG_CHANNELS; ch++) {
      const p = this.pins[this.analogPins[ch]];
      if (!p.report) continue;
      const wire = sensorOn(this.o.wiring, ch);
      p.value = wire ? sensorRaw(this.o.wiring, wire, obs[wire.state]) : 0;
      this.emit(`analog-read-${ch}`, p.value);
    }
    for (let pin = 0; pin < FIRST_ANALOG_PIN; pin++) {
      const p = this.pins[pin];
      if (p.report && p.mode === INPUT) this.emit(`digital-read-${pin}`, p.value);
    }
  }

  private startClock(): void {
    const scale = this.o.timeScale ?? 1;
    this.wallStart = performance.now();
    this.timer = setInterval(() => {
      const target = ((performance.now() - this.wallStart) / 1000) * scale;
      try {
        this.advance(target - this.simTime);
      } catch (e) {
        this.close();
        this.emit('error', e);
      }
    }, 5);
  }

  /** Stop the clock; the plugin emits 'close'. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.emit('close');
  }
}
