// MountainCarContinuous-v0, step for step as Gymnasium 1.4 (Moore 1990).
//
// State [position (abstract length units), velocity (units per step)]. Action [force], clipped to
// [-1, 1]. One step is one abstract time unit (dt = 1).
//   velocity' = clip(velocity + force power - 0.0025 cos(3 position), -max_speed, max_speed)
//   position' = clip(position + velocity', min_position, max_position)
//   if position' == min_position and velocity' < 0: velocity' = 0
// Gymnasium computes that in float64 (NumPy 1.x scalar promotion) and then stores the state as float32,
// so every step ends with a float32 rounding (Math.fround) of both elements. The reset state is float64.
// Reset: position uniform in [-0.6, -0.4], velocity 0 (our PRNG). Terminated: position >= 0.45 and
// velocity >= 0, judged on the stored (float32) state.
// Disturbances: actuatorGain scales the clipped force; no mass, no friction in this model.
import { BasePlant, mergeParams } from '../base.ts';
import type { Rng } from '../random.ts';
import type { PlantOptions } from '../plant.ts';
import { f32, type GymPlant } from './gym.ts';

export interface MountainCarParams {
  minAction: number;
  maxAction: number;
  minPosition: number;
  maxPosition: number;
  maxSpeed: number;
  goalPosition: number;
  goalVelocity: number;
  power: number;
}

export const mountainCarDefaults: MountainCarParams = {
  minAction: -1.0,
  maxAction: 1.0,
  minPosition: -1.2,
  maxPosition: 0.6,
  maxSpeed: 0.07,
  goalPosition: 0.45,
  goalVelocity: 0,
  power: 0.0015,
};

export class MountainCarContinuous extends BasePlant<MountainCarParams> implements GymPlant {
  readonly name = 'MountainCarContinuous-v0';
  readonly dt = 1;
  readonly stateNames = ['position', 'velocity'] as const;
  readonly actionSize = 1;

  constructor(options: PlantOptions<MountainCarParams> = {}) {
    super(mergeParams('MountainCarContinuous-v0', mountainCarDefaults, options.params), 2, options);
    this.reset(options.seed ?? 0);
  }

  protected initialState(rng: Rng): Float64Array {
    return Float64Array.of(rng.uniform(-0.6, -0.4), 0);
  }

  protected advance(action: ArrayLike<number>): void {
    const p = this.params;
    let [position, velocity] = this.state;
    const force = Math.min(Math.max(action[0], p.minAction), p.maxAction) * this.gain[0];
    velocity += force * p.power - 0.0025 * Math.cos(3 * position);
    if (velocity > p.maxSpeed) velocity = p.maxSpeed;
    if (velocity < -p.maxSpeed) velocity = -p.maxSpeed;
    position += velocity;
    if (position > p.maxPosition) position = p.maxPosition;
    if (position < p.minPosition) position = p.minPosition;
    if (position === p.minPosition && velocity < 0) velocity = 0;
    this.state = Float64Array.of(f32(position), f32(velocity));
  }

  gymObservation(): Float64Array {
    return this.state.map(f32);
  }

  terminated(): boolean {
    const [position, velocity] = this.state;
    return position >= this.params.goalPosition && velocity >= this.params.goalVelocity;
  }
}
