// Disturbance scenarios: what changes halfway through a run.
import type { Disturbance } from '../plant.ts';

/** A disturbance applied at the change time (or none), with a description. */
export interface Scenario {
  name: string;
  description: string;
  /** The disturbance applied at the change time. */
  change: Disturbance | null;
}

/** The scenarios by name: payload, friction, gain-loss, sensor-noise, sensor-delay, none. */
export const SCENARIOS: Record<string, Scenario> = {
  payload: { name: 'payload', description: 'the payload doubles', change: { kind: 'payload', scale: 2 } },
  friction: { name: 'friction', description: 'friction triples', change: { kind: 'friction', scale: 3 } },
  'gain-loss': { name: 'gain-loss', description: 'the actuators lose 30% of their gain', change: { kind: 'actuatorGain', gain: 0.7 } },
  'sensor-noise': { name: 'sensor-noise', description: 'the sensors get noisy (std 0.01)', change: { kind: 'sensorNoise', std: 0.01 } },
  'sensor-delay': { name: 'sensor-delay', description: 'the sensors lag by 2 control steps', change: { kind: 'sensorDelay', steps: 2 } },
  none: { name: 'none', description: 'nothing changes', change: null },
};

/** The scenario names (`--scenario`). */
export const SCENARIO_NAMES = Object.keys(SCENARIOS);
