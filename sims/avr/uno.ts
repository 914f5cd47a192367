// An Arduino Uno (ATmega328P at 16 MHz) emulated with avr8js: the CPU running a flash image, the
// three timers (so millis(), PWM and the Servo library work), USART0 (the USB serial of the Uno),
// ports B/C/D and the ADC. Around it, what a bench would have: a serial line to feed and listen to,
// pin meters that measure what an oscilloscope would (duty cycle over a window, pulse widths,
// levels), and the analog inputs' voltages.
//
// Arduino pin numbers: D0-D7 are PD0-PD7, D8-D13 are PB0-PB5, A0-A5 (D14-D19) are PC0-PC5.
import {
  CPU, avrInstruction, AVRTimer, timer0Config, timer1Config, timer2Config, AVRUSART, usart0Config,
  AVRIOPort, portBConfig, portCConfig, portDConfig, AVRADC, adcConfig,
} from 'avr8js';

export const UNO_CLOCK_HZ = 16_000_000;
export const UNO_DIGITAL_PINS = 20;
export const UNO_ANALOG_CHANNELS = 6;

/** Port and bit of an Arduino pin number (0..19). */
export function unoPin(pin: number): { port: 'B' | 'C' | 'D'; bit: number } {
  if (!Number.isInteger(pin) || pin < 0 || pin >= UNO_DIGITAL_PINS) throw new Error(`uno: pin must be an integer 0..19, got ${pin}`);
  if (pin < 8) return { port: 'D', bit: pin };
  if (pin < 14) return { port: 'B', bit: pin - 8 };
  return { port: 'C', bit: pin - 14 };
}

/** Watches one pin's level over time, counted in CPU cycles. */
export class PinMeter {
  private high: boolean;
  private lastEdge: number;
  private highCycles = 0;
  private windowStart: number;
  private riseAt = -1;
  /** Width of the last complete high pulse, in cycles (0 until one was seen). */
  lastPulseCycles = 0;
  /** Number of complete high pulses seen. */
  pulses = 0;

  constructor(private readonly cpu: CPU, level: boolean) {
    this.high = level;
    this.lastEdge = cpu.cycles;
    this.windowStart = cpu.cycles;
  }

  /** Called by the port listener with the pin's new level. */
  update(level: boolean): void {
    if (level === this.high) return;
    const now = this.cpu.cycles;
    if (this.high) {
      this.highCycles += now - this.lastEdge;
      if (this.riseAt >= 0) {
        this.lastPulseCycles = now - this.riseAt;
        this.pulses++;
      }
    } else {
      this.riseAt = now;
    }
    this.high = level;
    this.lastEdge = now;
  }

  get level(): boolean {
    return this.high;
  }

  /** Fraction of the time the pin was high since the last call (or since the meter started). */
  takeDuty(): number {
    const now = this.cpu.cycles;
    let high = this.highCycles;
    if (this.high) high += now - this.lastEdge;
    const span = now - this.windowStart;
    this.highCycles = 0;
    this.lastEdge = now;
    this.windowStart = now;
    if (span <= 0) return this.high ? 1 : 0;
    return high / span;
  }
}

export interface UnoOptions {
  /** The flash image (bytes, as parseIntelHex gives them). */
  program: Uint8Array;
}

export class Uno {
  readonly cpu: CPU;
  readonly timers: AVRTimer[];
  readonly usart: AVRUSART;
  readonly ports: Record<'B' | 'C' | 'D', AVRIOPort>;
  readonly adc: AVRADC;
  /** Every byte the firmware transmits on USART0. */
  onSerialByte: ((byte: number) => void) | null = null;
  private readonly rxQueue: number[] = [];
  private rxHead = 0;
  private rxFeeding = false;
  private readonly meters = new Map<number, PinMeter>();

  constructor(o: UnoOptions) {
    const flash = new Uint8Array(0x8000);
    flash.set(o.program.subarray(0, flash.length));
    this.cpu = new CPU(new Uint16Array(flash.buffer));
    this.timers = [timer0Config, timer1Config, timer2Config].map((c) => new AVRTimer(this.cpu, c));
    this.usart = new AVRUSART(this.cpu, usart0Config, UNO_CLOCK_HZ);
    this.ports = {
      B: new AVRIOPort(this.cpu, portBConfig),
      C: new AVRIOPort(this.cpu, portCConfig),
      D: new AVRIOPort(this.cpu, portDConfig),
    };
    this.adc = new AVRADC(this.cpu, adcConfig);
    this.usart.onByteTransmit = (b) => this.onSerialByte?.(b);
    this.usart.onRxComplete = () => {
      this.rxFeeding = false;
      this.feed();
    };
    for (const name of ['B', 'C', 'D'] as const) {
      const offset = name === 'D' ? 0 : name === 'B' ? 8 : 14;
      this.ports[name].addListener((value) => {
        for (let bit = 0; bit < 8; bit++) this.meters.get(offset + bit)?.update(((value >> bit) & 1) === 1);
      });
    }
  }

  /** Emulated seconds since power-up. */
  get seconds(): number {
    return this.cpu.cycles / UNO_CLOCK_HZ;
  }

  /** Run the CPU for `cycles` clock cycles (to the first instruction boundary at or past them). */
  run(cycles: number): void {
    const cpu = this.cpu;
    const end = cpu.cycles + cycles;
    if (!this.rxFeeding && this.rxHead < this.rxQueue.length) this.feed();
    while (cpu.cycles < end) {
      avrInstruction(cpu);
      cpu.tick();
    }
  }

  /** Call `fn` every `cycles` clock cycles of emulated time, from now on. Returns a cancel function. */
  every(cycles: number, fn: () => void): () => void {
    let live = true;
    const tick = () => {
      if (!live) return;
      fn();
      this.cpu.addClockEvent(tick, cycles);
    };
    this.cpu.addClockEvent(tick, cycles);
    return () => {
      live = false;
    };
  }

  /** Bytes arriving on the Uno's RX line, one character time apart at the firmware's baud rate. */
  serialWrite(bytes: ArrayLike<number>): void {
    for (let i = 0; i < bytes.length; i++) this.rxQueue.push(bytes[i] & 0xff);
    if (!this.rxFeeding) this.feed();
  }

  /** Bytes written to the RX line that the USART has not received yet. */
  get serialPending(): number {
    return this.rxQueue.length - this.rxHead;
  }

  private feed(): void {
    if (this.rxHead >= this.rxQueue.length) {
      this.rxQueue.length = 0;
      this.rxHead = 0;
      return;
    }
    // Before the firmware enables the receiver, bytes wait (run() retries): the host only talks
    // after the board announced itself, so nothing real is lost by waiting.
    if (this.usart.writeByte(this.rxQueue[this.rxHead]) === true) {
      this.rxHead++;
      this.rxFeeding = true;
    }
  }

  /** A meter on an Arduino pin (created on first use; one per pin). */
  meter(pin: number): PinMeter {
    let m = this.meters.get(pin);
    if (!m) {
      m = new PinMeter(this.cpu, this.level(pin));
      this.meters.set(pin, m);
    }
    return m;
  }

  /** The level an output pin drives (false for an input). */
  level(pin: number): boolean {
    const { port, bit } = unoPin(pin);
    return this.ports[port].pinState(bit) === 1; // PinState.High
  }

  /** Drive an input pin from outside (a button, a digital sensor). */
  setInput(pin: number, high: boolean): void {
    const { port, bit } = unoPin(pin);
    this.ports[port].setPin(bit, high);
  }

  /** Voltage on analog input A`channel` (clamped to 0..5 V, the Uno's AVCC). */
  setAnalogVoltage(channel: number, volts: number): void {
    if (!Number.isInteger(channel) || channel < 0 || channel >= UNO_ANALOG_CHANNELS) throw new Error(`uno: analog channel must be 0..5, got ${channel}`);
    this.adc.channelValues[channel] = Math.min(5, Math.max(0, volts));
  }
}
