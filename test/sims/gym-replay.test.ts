import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import { gymDataFiles, replayGymFile, GymFileError } from '../../sims/replay.ts';
import { makeGymPlant } from '../../sims/index.ts';

const files = gymDataFiles();
const load = (f: string) => JSON.parse(fs.readFileSync(f, 'utf8'));

test('there are reference files for all four classic plants', () => {
  const envs = new Set(files.map((f) => load(f).env_id));
  for (const env of ['CartPole-v1', 'Pendulum-v1', 'Acrobot-v1', 'MountainCarContinuous-v0']) assert.ok(envs.has(env), env);
});

for (const file of files) {
  const data = load(file);
  test(`${data.env_id}: every state within 1e-6 of Gymnasium (${file.split('/').pop()})`, () => {
    const r = replayGymFile(data);
    assert.is(r.env, data.env_id);
    assert.is(r.steps, data.actions.length);
    assert.ok(r.maxAbsError <= 1e-6, `max abs error ${r.maxAbsError}`);
  });

  test(`${data.env_id}: Gym observation and terminated flag match`, () => {
    const plant = makeGymPlant(data.env_id);
    plant.state = Float64Array.from(data.initial_state);
    let maxObs = 0;
    data.actions.forEach((a: number | number[], i: number) => {
      plant.step(typeof a === 'number' ? [a] : a);
      const o = plant.gymObservation();
      data.obs[i].forEach((v: number, j: number) => (maxObs = Math.max(maxObs, Math.abs(v - o[j]))));
      assert.is(plant.terminated(), data.terminated[i], `terminated at step ${i}`);
    });
    assert.ok(maxObs <= 1e-6, `max obs error ${maxObs}`);
  });
}

test('replayGymFile names the missing or invalid field', () => {
  const good = load(files[0]);
  const cases: [unknown, RegExp][] = [
    [[], /JSON object/],
    [{ ...good, env_id: undefined }, /'env_id'/],
    [{ ...good, env_id: 'Nope-v0' }, /unknown env_id 'Nope-v0' \(allowed: CartPole-v1, /],
    [{ ...good, initial_state: [1] }, /'initial_state'/],
    [{ ...good, actions: undefined }, /'actions'/],
    [{ ...good, states: undefined }, /'states'/],
    [{ ...good, states: good.states.slice(1) }, /'states' has/],
    [{ ...good, steps: 3 }, /'steps'/],
    [{ ...good, states: [['x'], ...good.states.slice(1)] }, /states\[0\]/],
  ];
  for (const [json, re] of cases) {
    assert.throws(() => replayGymFile(json), (e: Error) => e instanceof GymFileError && re.test(e.message), String(re));
  }
});

test('DEEPTRACE_GYM_DATA overrides the data folder', async () => {
  const { gymDataDir } = await import('../../sims/replay.ts');
  const saved = process.env.DEEPTRACE_GYM_DATA;
  process.env.DEEPTRACE_GYM_DATA = '/somewhere/else';
  try {
    assert.is(gymDataDir(), '/somewhere/else');
  } finally {
    if (saved === undefined) delete process.env.DEEPTRACE_GYM_DATA;
    else process.env.DEEPTRACE_GYM_DATA = saved;
  }
});

test.run();
