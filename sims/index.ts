// The plant registry: every simulated plant by name.
import type { Plant, PlantOptions } from './plant.ts';
import { CartPole } from './classic/cartpole.ts';
import { Pendulum } from './classic/pendulum.ts';
import { Acrobot } from './classic/acrobot.ts';
import { MountainCarContinuous } from './classic/mountain-car-continuous.ts';
import type { GymPlant } from './classic/gym.ts';
import { Motor } from './robot/motor.ts';
import { Arm2 } from './robot/arm2.ts';

export type { Plant, PlantOptions, Disturbance, SensorOptions } from './plant.ts';
export type { GymPlant } from './classic/gym.ts';

type Factory<P extends Plant> = (options?: PlantOptions<any>) => P;

const gymFactories = {
  'CartPole-v1': (o) => new CartPole(o),
  'Pendulum-v1': (o) => new Pendulum(o),
  'Acrobot-v1': (o) => new Acrobot(o),
  'MountainCarContinuous-v0': (o) => new MountainCarContinuous(o),
} satisfies Record<string, Factory<GymPlant>>;

const robotFactories = {
  motor: (o) => new Motor(o),
  arm2: (o) => new Arm2(o),
} satisfies Record<string, Factory<Plant>>;

const factories: Record<string, Factory<Plant>> = { ...gymFactories, ...robotFactories };

/** Names of the Gymnasium-exact plants (CartPole-v1, Pendulum-v1, Acrobot-v1, MountainCarContinuous-v0). */
export const gymPlantNames: readonly string[] = Object.keys(gymFactories);
/** Names of every plant makePlant() knows (the Gymnasium ones, motor, arm2). */
export const plantNames: readonly string[] = Object.keys(factories);

function lookup<P extends Plant>(table: Record<string, Factory<P>>, name: string, what: string): Factory<P> {
  if (!Object.hasOwn(table, name)) throw new Error(`unknown ${what} '${name}' (allowed: ${Object.keys(table).join(', ')})`);
  return table[name];
}

/** A new plant, reset with options.seed (default 0). `params` keys are checked against the plant's. */
export function makePlant(name: string, options?: PlantOptions<Record<string, unknown>>): Plant {
  return lookup(factories, name, 'plant')(options);
}

/** A Gymnasium-exact plant by its Gymnasium id; throws for an unknown name. */
export function makeGymPlant(name: string, options?: PlantOptions<Record<string, unknown>>): GymPlant {
  return lookup<GymPlant>(gymFactories, name, 'Gymnasium environment')(options);
}
