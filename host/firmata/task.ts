// The tracking task of the Firmata rig: the motor bench (sims/johnny-five/wiring.ts MOTOR_WIRING)
// at the Firmata sampling rate (50 Hz by default), following a reference slow enough for it (period
// 4 s, peak speed 3.8 rad/s). The PD loop and the network's features and output scale are those of
// the motor task of `deeptrace run` (sims/loop/task.ts), so the controllers are the same code.
import { Motor } from '../../sims/robot/motor.ts';
import { SumOfSines } from '../../sims/reference.ts';
import { motorTask, type TrackingTask } from '../../sims/loop/task.ts';
import type { Plant } from '../../sims/plant.ts';

export const FIRMATA_REFERENCE = new SumOfSines([{ components: [{ amplitude: 1.2, frequency: 0.25 }, { amplitude: 0.4, frequency: 0.75 }] }]);

/** The rig's task (position 0 of the reference is 0, where the motor starts). */
export function firmataMotorTask(): TrackingTask {
  return {
    plant: 'motor',
    makePlant: (seed: number): Plant => new Motor({ seed }),
    reference: FIRMATA_REFERENCE,
    joints: 1,
    pd: motorTask.pd,
    features: motorTask.features,
    outputScale: motorTask.outputScale,
    makeAdaptive: () => {
      throw new Error('the Firmata rig compares PD alone with the online learner only');
    },
    defaultSeconds: 24,
    period: 4,
  };
}
