// Forward-model learning: while a PD loop tracks the reference, the network learns to predict the
// next sensor reading from the current one and the command (error = prediction - measurement, the
// third kind of learning signal the core takes). Compared with the obvious baseline (the reading
// does not change) and with the same model frozen after the warm-up.
import { PD } from '../control/pd.ts';
import { TASKS, type TrackingTask } from './task.ts';
import { SCENARIOS } from './scenarios.ts';
import { recoveryTime, rms, type Phases } from './metrics.ts';
import { phasesFor, type DemoOptions, type DemoRow } from './demo.ts';
import { networkConfig } from './controllers.ts';
import { Core } from '../../host/core/core.ts';

/** Predicted quantity: the change of every observed value over one step, in these units per unit of output. */
function deltaScale(task: TrackingTask): number[] {
  return task.plant === 'arm2' ? [0.05, 0.05, 0.5, 0.5] : [0.01, 1];
}

export interface ForwardModelResult {
  plant: string;
  scenario: string;
  engine: string;
  seconds: number;
  seed: number;
  phases: Phases;
  /** Rows with prediction errors (RMS over the observed values, in their units) instead of tracking errors. */
  rows: DemoRow[];
}

export function runForwardModel(o: DemoOptions, onStep?: (k: number, steps: number) => void): ForwardModelResult {
  const task = TASKS[o.plant];
  const scenario = SCENARIOS[o.scenario];
  const phases = phasesFor(o.seconds);
  const plant = task.makePlant(o.seed);
  const pd = new PD(task.joints, task.pd);
  const obsSize = plant.observe().length;
  const observed = Math.min(obsSize, 2 * task.joints);
  const scale = deltaScale(task).slice(0, observed);
  const base = networkConfig(task, o.engine, o.seed);
  const nIn = observed + task.joints;
  const cfg = { ...base, neuron: 'rate' as const, a: 0, kappa: 0, lr: 0.1, nIn, nOut: observed };
  const online = new Core().configure(cfg).initWeights(1.0, 0.2, 0.5);
  const frozen = new Core().configure(cfg).initWeights(1.0, 0.2, 0.5);
  const steps = Math.round(phases.end / plant.dt);
  const errs = { none: new Float64Array(steps), frozen: new Float64Array(steps), online: new Float64Array(steps) };
  const inputScale = task.plant === 'arm2' ? [1, 1, 0.2, 0.2, 0.05, 0.05] : [0.5, 0.05, 0.1];
  for (let k = 0; k < steps; k++) {
    const t = k * plant.dt;
    if (k === Math.round(phases.change / plant.dt) && scenario.change) plant.disturb(scenario.change);
    const obs = plant.observe();
    const ref = task.reference.at(t);
    const u = pd.update(ref.pos, obs.subarray(0, task.joints), obs.subarray(task.joints, 2 * task.joints), ref.vel);
    const x = [...Array.from(obs.subarray(0, observed)), ...Array.from(u)].map((v, i) => v * inputScale[i]);
    const pOnline = online.step(x);
    const pFrozen = frozen.step(x);
    plant.step(u);
    const next = plant.observe();
    let eN = 0, eF = 0, eO = 0;
    const errOnline = new Float64Array(observed);
    const errFrozen = new Float64Array(observed);
    for (let i = 0; i < observed; i++) {
      const delta = next[i] - obs[i];
      errOnline[i] = pOnline[i] - delta / scale[i];
      errFrozen[i] = pFrozen[i] - delta / scale[i];
      eN += delta * delta;
      eF += (errFrozen[i] * scale[i]) ** 2;
      eO += (errOnline[i] * scale[i]) ** 2;
    }
    errs.none[k] = Math.sqrt(eN / observed);
    errs.frozen[k] = Math.sqrt(eF / observed);
    errs.online[k] = Math.sqrt(eO / observed);
    online.learn(errOnline);
    if (t < phases.warmup) frozen.learn(errFrozen);
    onStep?.(k, steps);
  }
  const row = (controller: string, e: Float64Array): DemoRow => ({
    controller,
    rmsBefore: rms(e, plant.dt, phases.warmup, phases.change),
    rmsAfter: rms(e, plant.dt, phases.change, phases.end),
    recoverySeconds: scenario.change ? recoveryTime(e, plant.dt, phases, task.period) : null,
  });
  return {
    ...o,
    phases,
    rows: [row('no model (reading unchanged)', errs.none), row('frozen forward model', errs.frozen), row(`online deep e-prop model (${o.engine})`, errs.online)],
  };
}
