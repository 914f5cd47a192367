// Replay a Gymnasium reference trajectory (sims/data/gym/*.json) through our plant: set the
// initial state, apply the recorded actions open loop, and measure the largest state difference.
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gymPlantNames, makeGymPlant } from './index.ts';

export interface ReplayResult {
  env: string;
  steps: number;
  maxAbsError: number;
}

/** Invalid reference file content: the message names the field. */
export class GymFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GymFileError';
  }
}

export const repoRoot = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

/**
 * The folder of reference trajectories: $DEEPTRACE_GYM_DATA, else the copies shipped in sims/data/gym
 * (produced by running Gymnasium 1.4's own code with NumPy 1.24: initial state, 200 actions, every state).
 */
export function gymDataDir(): string {
  return process.env.DEEPTRACE_GYM_DATA || path.resolve(repoRoot, 'sims/data/gym');
}

/** The *.json files in gymDataDir(), sorted. */
export function gymDataFiles(dir = gymDataDir()): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(dir, f));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumberArray = (v: unknown, n?: number): v is number[] =>
  Array.isArray(v) && (n === undefined || v.length === n) && v.every((x) => typeof x === 'number' && Number.isFinite(x));

export function replayGymFile(json: unknown): ReplayResult {
  if (!isObject(json)) throw new GymFileError('the file must hold a JSON object');
  const env = json.env_id;
  if (typeof env !== 'string') throw new GymFileError("field 'env_id' is missing or not a string");
  if (!gymPlantNames.includes(env)) throw new GymFileError(`unknown env_id '${env}' (allowed: ${gymPlantNames.join(', ')})`);
  const plant = makeGymPlant(env);
  const n = plant.state.length;

  if (!isNumberArray(json.initial_state, n)) throw new GymFileError(`field 'initial_state' is missing or not an array of ${n} finite numbers`);
  const { actions, states } = json;
  if (!Array.isArray(actions) || actions.length === 0) throw new GymFileError("field 'actions' is missing or not a non-empty array");
  if (!Array.isArray(states)) throw new GymFileError("field 'states' is missing or not an array");
  if (states.length !== actions.length) throw new GymFileError(`field 'states' has ${states.length} entries but 'actions' has ${actions.length}`);
  if (json.steps !== undefined && json.steps !== actions.length) throw new GymFileError(`field 'steps' is ${JSON.stringify(json.steps)} but 'actions' has ${actions.length} entries`);

  plant.state = Float64Array.from(json.initial_state);
  let maxAbsError = 0;
  actions.forEach((a: unknown, i: number) => {
    const action = typeof a === 'number' ? [a] : a;
    if (!isNumberArray(action, plant.actionSize)) throw new GymFileError(`actions[${i}] must be a number or an array of ${plant.actionSize} number(s)`);
    const expected: unknown = states[i];
    if (!isNumberArray(expected, n)) throw new GymFileError(`states[${i}] must be an array of ${n} finite numbers`);
    try {
      plant.step(action);
    } catch (err) {
      throw new GymFileError(`actions[${i}]: ${err instanceof Error ? err.message : String(err)}`);
    }
    for (let j = 0; j < n; j++) {
      const e = Math.abs(plant.state[j] - expected[j]);
      if (Number.isNaN(e) || e > maxAbsError) maxAbsError = e; // a NaN sticks
    }
  });
  return { env, steps: actions.length, maxAbsError };
}
