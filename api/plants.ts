// deeptrace/plants: the simulated plants (Gymnasium-exact classic control, the motor, the two-link
// arm) and the plant interface.
export * from '../sims/index.ts';
export { Arm2, arm2Defaults } from '../sims/robot/arm2.ts';
export { Motor, motorDefaults } from '../sims/robot/motor.ts';
export { SumOfSines, randomSmoothReference, type ReferenceSample, type RandomChannelSpec } from '../sims/reference.ts';
