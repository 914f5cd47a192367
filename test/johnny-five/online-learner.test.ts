// The OnlineLearner component on the emulated Uno running the real StandardFirmata 2.4: a plain
// johnny-five Board, the component's own Sensors and Motor, events, start/stop, snapshots.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import five from 'johnny-five';
import { OnlineLearner, type OnlineLearnerData } from '../../host/johnny-five/online-learner.ts';
import { emulatedLink, type Link } from '../../host/firmata/rig.ts';
import { firmataMotorTask } from '../../host/firmata/task.ts';
import { MOTOR_WIRING } from '../../sims/johnny-five/wiring.ts';
import { rms } from '../../sims/loop/metrics.ts';

const task = firmataMotorTask();
const SAMPLING_MS = 20;

async function readyBoard(): Promise<{ link: Link; board: InstanceType<typeof five.Board> }> {
  const link = await emulatedLink(task, MOTOR_WIRING, 1, SAMPLING_MS);
  const board = new five.Board({ io: link.io, repl: false, debug: false, sigint: false, timeout: 20000 });
  const ready = new Promise<void>((resolve, reject) => {
    board.once('ready', () => resolve());
    board.once('error', reject);
  });
  link.open();
  await Promise.race([ready, link.failed]);
  return { link, board };
}

/** Runs `steps` control steps, returns every 'data' event. */
function collect(learner: OnlineLearner, steps: number): Promise<OnlineLearnerData[]> {
  const seen: OnlineLearnerData[] = [];
  return new Promise((resolve, reject) => {
    learner.on('error', reject);
    learner.on('data', (d: OnlineLearnerData) => {
      seen.push(d);
      if (seen.length === steps) {
        learner.stop();
        resolve(seen);
      }
    });
    learner.start();
  });
}

async function run(controller: 'pd' | 'online', seconds: number): Promise<{ data: OnlineLearnerData[]; learner: OnlineLearner }> {
  const { link, board } = await readyBoard();
  try {
    const learner = new OnlineLearner({ board, task, wiring: MOTOR_WIRING, controller, samplingMs: SAMPLING_MS, config: { lr: 2e-2 } });
    const data = await collect(learner, Math.round((seconds * 1000) / SAMPLING_MS));
    return { data, learner };
  } finally {
    await link.close();
  }
}

test('PD alone and the online learner on the emulated Uno: one data event per step, the learner tracks better', async () => {
  const seconds = 12;
  const pd = await run('pd', seconds);
  const online = await run('online', seconds);
  for (const { data } of [pd, online]) {
    assert.equal(data.map((d) => d.step), data.map((_, i) => i), 'steps 0, 1, 2, ... in order');
    assert.ok(data.every((d) => Number.isFinite(d.command) && Math.abs(d.error - Math.abs(d.position - d.reference)) < 1e-12));
  }
  assert.ok(pd.data.every((d) => d.network === 0 && d.pd === d.command));
  assert.ok(online.data.some((d) => d.network !== 0), 'the network acts');
  const err = (data: OnlineLearnerData[]) => rms(Float64Array.from(data, (d) => d.error), SAMPLING_MS / 1000, seconds / 2, seconds);
  assert.ok(err(online.data) < 0.9 * err(pd.data), `second half: online ${err(online.data)} vs PD ${err(pd.data)}`);
  assert.is(online.learner.steps, online.data.length);
});

test('stop() ends the data events; a snapshot restores the learned state bit for bit; bad input is refused', async () => {
  const { link, board } = await readyBoard();
  try {
    const learner = new OnlineLearner({ board, task, wiring: MOTOR_WIRING, samplingMs: SAMPLING_MS });
    let stopped = 0;
    learner.on('stop', () => stopped++);
    await collect(learner, 25);
    const count = learner.steps;
    await new Promise((r) => setTimeout(r, 200));
    assert.is(learner.steps, count, 'no step after stop()');
    assert.is(stopped, 1);
    const snap = learner.snapshot();
    const other = new OnlineLearner({ board, task, wiring: MOTOR_WIRING, samplingMs: SAMPLING_MS });
    assert.not.equal(other.snapshot(), snap, 'a fresh learner differs');
    other.restore(snap);
    assert.equal(other.snapshot(), snap);
    const bad = snap.slice();
    bad[bad.length - 1] ^= 1;
    assert.throws(() => other.restore(bad), /refused/);
    assert.equal(other.snapshot(), snap, 'a refused snapshot leaves the state as it was');
    assert.throws(() => new OnlineLearner({ board, task, wiring: { ...MOTOR_WIRING, actuators: [] }, samplingMs: SAMPLING_MS }), /exactly one H-bridge/);
    assert.throws(() => new OnlineLearner({ board, task, wiring: MOTOR_WIRING, samplingMs: 0 }), /samplingMs must be an integer 1\.\.1000, got 0/);
    const pd = new OnlineLearner({ board, task, wiring: MOTOR_WIRING, controller: 'pd', samplingMs: SAMPLING_MS });
    assert.throws(() => pd.snapshot(), /no learned state/);
    other.stop();
    pd.stop();
    assert.is(stopped, 1, "stop() of a learner that never ran emits no 'stop'");
  } finally {
    await link.close();
  }
});

test.run();
