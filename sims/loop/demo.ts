// The online-adaptation demo behind `npm start`: the same tracking task and disturbance for five
// controllers, PD alone, the frozen network, the classical adaptive controller, online deep e-prop
// and the model-free RLS baseline, with the numbers that say where we stand.
import { TASKS, taskFor, type Controller, type ReferenceKind, type TrackingTask } from './task.ts';
import { SCENARIOS, type Scenario } from './scenarios.ts';
import { pdController, networkController, networkConfig, rlsFeedforwardController } from './controllers.ts';
import { runTracking, type Trace } from './runner.ts';
import { recoveryTime, rms, type Phases } from './metrics.ts';
import type { CoreEngine } from '../../host/core/config.ts';

/** What the demo runs: plant, scenario, engine, simulated seconds, seed. */
export interface DemoOptions {
  plant: string;
  scenario: string;
  engine: CoreEngine;
  seconds: number;
  seed: number;
  /** The reference tracked (default periodic; random: seeded with `seed`, sims/loop/task.ts taskFor). */
  reference?: ReferenceKind;
}

/** One controller's row of the demo table: RMS error before and after the change, recovery time. */
export interface DemoRow {
  controller: string;
  /** RMS tracking error (rad) between the end of the warm-up and the change. */
  rmsBefore: number;
  /** RMS tracking error (rad) from the change to the end. */
  rmsAfter: number;
  /** Seconds to get back within 1.2x of the pre-change error; null = never in this run. */
  recoverySeconds: number | null;
}

/** The demo's options, phases, one row per controller, and every controller's trace. */
export interface DemoResult {
  plant: string;
  scenario: string;
  engine: CoreEngine;
  seconds: number;
  seed: number;
  reference?: ReferenceKind;
  phases: Phases;
  rows: DemoRow[];
  traces: Trace[];
}

export interface DemoHooks {
  /** Progress: controller index (0..3), its step, its total steps, its trace so far. */
  onStep?(controller: number, k: number, steps: number, trace: Trace): void;
}

export const CONTROLLER_COUNT = 5;

/** The rows of the demo, in order (the same on a device: run --port). */
export function demoControllerNames(plant: string, engine: CoreEngine): string[] {
  return ['PD alone', 'frozen network', TASKS[plant].makeAdaptive().name, `online deep e-prop (${engine})`, rlsFeedforwardController(TASKS[plant]).name];
}

/** The demo's phases for a run of `seconds`: warm-up a quarter, the change at half. */
export function phasesFor(seconds: number): Phases {
  return { warmup: 0.25 * seconds, change: 0.5 * seconds, end: seconds };
}

/** The `deeptrace run` comparison in process: every controller on the same task, scenario and seed. */
export function runDemo(o: DemoOptions, hooks: DemoHooks = {}): DemoResult {
  const task: TrackingTask = taskFor(o.plant, o.reference ?? 'periodic', o.seed);
  const scenario: Scenario = SCENARIOS[o.scenario];
  if (!task) throw new Error(`unknown plant '${o.plant}'`);
  if (!scenario) throw new Error(`unknown scenario '${o.scenario}'`);
  const phases = phasesFor(o.seconds);
  const cfg = networkConfig(task, o.engine, o.seed);
  const frozen = networkController(task, cfg, 'frozen network');
  const online = networkController(task, cfg, `online deep e-prop (${o.engine})`);
  const runs: { c: Controller; onWarmupEnd?: () => void }[] = [
    { c: pdController(task) },
    { c: frozen, onWarmupEnd: () => frozen.freeze() },
    { c: task.makeAdaptive() },
    { c: online },
    { c: rlsFeedforwardController(task) },
  ];
  const traces = runs.map(({ c, onWarmupEnd }, i) => {
    const steps = Math.round(phases.end / task.makePlant(o.seed).dt);
    return runTracking(task, c, scenario, phases, o.seed, {
      onWarmupEnd,
      onStep: hooks.onStep ? (k, tr) => hooks.onStep!(i, k, steps, tr) : undefined,
    });
  });
  const rows = traces.map((tr) => ({
    controller: tr.controller,
    rmsBefore: rms(tr.error, tr.dt, phases.warmup, phases.change),
    rmsAfter: rms(tr.error, tr.dt, phases.change, phases.end),
    recoverySeconds: scenario.change ? recoveryTime(tr.error, tr.dt, phases, task.period) : null,
  }));
  return { ...o, phases, rows, traces };
}
