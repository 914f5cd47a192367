// What the Gymnasium-conformant plants add to Plant: Gym's own observation and termination rule.
// (observe() of these plants reads the state vector itself, with the shared sensor noise and delay.)
import type { Plant } from '../plant.ts';

/** A classic-control plant that reproduces its Gymnasium environment step for step (float32 where Gymnasium is). */
export interface GymPlant extends Plant {
  /** Gymnasium's observation of the true state (float32 values, as Gym returns them). */
  gymObservation(): Float64Array;
  /** Gymnasium's `terminated` for the current state (truncation by step count is the caller's job). */
  terminated(): boolean;
}

export const f32 = Math.fround;
