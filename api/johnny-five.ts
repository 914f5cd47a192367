// deeptrace/johnny-five: the IO plugin backed by a simulated plant, the wiring of the motor bench,
// the OnlineLearner component, and the Firmata rig (a real or emulated Uno running StandardFirmata).
export { SimIO } from '../sims/johnny-five/sim-io.ts';
export { MOTOR_WIRING, type Wiring } from '../sims/johnny-five/wiring.ts';
export { runFirmata, emulatedLink, FIRMATA_BAUD, type FirmataOptions, type FirmataResult, type Link } from '../host/firmata/rig.ts';
export { firmataMotorTask } from '../host/firmata/task.ts';
export { OnlineLearner, type OnlineLearnerOptions, type OnlineLearnerData } from '../host/johnny-five/online-learner.ts';
