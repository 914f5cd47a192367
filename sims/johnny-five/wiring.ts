// How a simulated plant is wired to a microcontroller board: which output pins drive which plant
// input (through what driver), and which plant state goes to which analog input (through what
// sensor scaling). The same description serves the IO plugin backed by a sim (sim-io.ts), the
// emulated Uno bench (sims/avr/bench.ts), and the host program that must convert raw readings back
// to units and commands to pin values.
//
// Pins are Arduino Uno numbers (0..19, A0 = 14); analog inputs are channels (0 = A0).

/** Something that drives one plant input from pins. */
export type ActuatorWire =
  /** H-bridge: |input| = duty x supply on the PWM pin; sign + when the direction pin is high. */
  | { kind: 'hbridge'; input: number; pwm: number; dir: number; supply: number }
  /** Unipolar PWM driver: input = min + duty x (max - min). */
  | { kind: 'pwm'; input: number; pin: number; min: number; max: number }
  /** Hobby-servo pulse: input = min + (width - minUs) / (maxUs - minUs) x (max - min), width clamped. */
  | { kind: 'servo'; input: number; pin: number; minUs: number; maxUs: number; min: number; max: number };

/** A plant state element read by an analog input: 0 V at `min`, `vref` at `max` (clamped outside). */
export interface SensorWire {
  channel: number;
  state: number;
  min: number;
  max: number;
}

/** How a plant is wired to a board: analog sensor channels (scaled to plant units) and actuator pins. */
export interface Wiring {
  actuators: ActuatorWire[];
  sensors: SensorWire[];
  /** Analog reference voltage (the Uno's AVCC: 5 V). */
  vref: number;
  /** ADC full scale (1023 for 10 bits). */
  adcMax: number;
}

/** What the plant side can measure on the board's pins. */
export interface PinProbe {
  /** Fraction of the last interval the pin was high (0..1). */
  duty(pin: number): number;
  /** Current level. */
  level(pin: number): boolean;
  /** Width of the last high pulse in microseconds (0 if none yet). */
  pulseUs(pin: number): number;
}

/** The plant's input vector from the pins. */
export function plantInput(w: Wiring, probe: PinProbe, size: number): Float64Array {
  const u = new Float64Array(size);
  for (const a of w.actuators) {
    switch (a.kind) {
      case 'hbridge':
        u[a.input] = (probe.level(a.dir) ? 1 : -1) * probe.duty(a.pwm) * a.supply;
        break;
      case 'pwm':
        u[a.input] = a.min + probe.duty(a.pin) * (a.max - a.min);
        break;
      case 'servo': {
        const width = probe.pulseUs(a.pin);
        if (width === 0) break; // no pulse yet: the servo holds its input at 0
        const f = Math.min(1, Math.max(0, (width - a.minUs) / (a.maxUs - a.minUs)));
        u[a.input] = a.min + f * (a.max - a.min);
        break;
      }
    }
  }
  return u;
}

/** Voltage on an analog input for a state value. */
export function sensorVolts(w: Wiring, s: SensorWire, value: number): number {
  const f = (value - s.min) / (s.max - s.min);
  return Math.min(1, Math.max(0, f)) * w.vref;
}

/** ADC reading (0..adcMax) for a state value, as an ideal converter would round it. */
export function sensorRaw(w: Wiring, s: SensorWire, value: number): number {
  const v = sensorVolts(w, s, value);
  return Math.min(w.adcMax, Math.floor((v / w.vref) * (w.adcMax + 1)));
}

/** State value back from an ADC reading (the middle of the reading's quantisation step). */
export function sensorValue(w: Wiring, s: SensorWire, raw: number): number {
  return s.min + ((raw + 0.5) / (w.adcMax + 1)) * (s.max - s.min);
}

/** The wire of analog channel `channel`, if any. */
export function sensorOn(w: Wiring, channel: number): SensorWire | undefined {
  return w.sensors.find((s) => s.channel === channel);
}

/**
 * The motor bench: a DC motor behind an H-bridge (PWM on D3, direction on D12, 12 V supply), a
 * potentiometer on the output shaft on A0 (-4..4 rad) and a tachometer on A1 (-20..20 rad/s).
 */
export const MOTOR_WIRING: Wiring = {
  actuators: [{ kind: 'hbridge', input: 0, pwm: 3, dir: 12, supply: 12 }],
  sensors: [
    { channel: 0, state: 0, min: -4, max: 4 },
    { channel: 1, state: 1, min: -20, max: 20 },
  ],
  vref: 5,
  adcMax: 1023,
};
