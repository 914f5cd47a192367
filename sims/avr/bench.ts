// A plant on the emulated Uno's pins: every plant step (plant.dt of emulated time) the plant's input
// is measured on the output pins (PWM duty over the step, direction level, servo pulse width), the
// plant advances one step, and its sensor reading (plant.observe(): noise and delay included) is put
// on the analog inputs as voltages. Disturbances: call plant.disturb() between steps.
import type { Plant } from '../plant.ts';
import { plantInput, sensorVolts, type PinProbe, type Wiring } from '../johnny-five/wiring.ts';
import { UNO_CLOCK_HZ, type Uno } from './uno.ts';

export class PlantBench {
  /** Plant steps taken. */
  steps = 0;
  /** The last input applied to the plant. */
  readonly lastInput: Float64Array;
  private cancel: (() => void) | null = null;

  constructor(readonly uno: Uno, readonly plant: Plant, readonly wiring: Wiring) {
    this.lastInput = new Float64Array(plant.actionSize);
    const probe: PinProbe = {
      duty: (pin) => uno.meter(pin).takeDuty(),
      level: (pin) => uno.meter(pin).level,
      pulseUs: (pin) => (uno.meter(pin).lastPulseCycles / UNO_CLOCK_HZ) * 1e6,
    };
    // Create the meters now so that the first step measures from power-up.
    for (const a of wiring.actuators) {
      if (a.kind === 'hbridge') {
        uno.meter(a.pwm);
        uno.meter(a.dir);
      } else uno.meter(a.pin);
    }
    this.putSensors();
    const cycles = Math.round(plant.dt * UNO_CLOCK_HZ);
    this.cancel = uno.every(cycles, () => {
      const u = plantInput(wiring, probe, plant.actionSize);
      this.lastInput.set(u);
      plant.step(u);
      this.steps++;
      this.putSensors();
    });
  }

  private putSensors(): void {
    const s = this.plant.observe();
    for (const w of this.wiring.sensors) this.uno.setAnalogVoltage(w.channel, sensorVolts(this.wiring, w, s[w.state]));
  }

  detach(): void {
    this.cancel?.();
    this.cancel = null;
  }
}
