// The closed loop at the plant's fixed control rate: observe, command, step the plant; the
// disturbance of the scenario at the change time. Records what the report and metrics need.
import type { Controller, LearnerSignals, TrackingTask } from './task.ts';
import type { Scenario } from './scenarios.ts';
import type { Phases } from './metrics.ts';
import type { ReferenceSample } from '../reference.ts';

/** A run's record per control step: tracking error, positions, references and commands. */
export interface Trace {
  controller: string;
  dt: number;
  /** Tracking error norm |q - q_d| (rad) per control step, after the step. */
  error: Float64Array;
  /** Per step and joint: position, reference, command (joint-major: [k * joints + i]). */
  position: Float64Array;
  reference: Float64Array;
  command: Float64Array;
  /** Feedback-error learners only (a controller with `learner`): what their commands were made of. */
  learner?: LearnerTrace;
}

export interface LearnerTrace {
  /** Per step and joint (joint-major, like command): the network's part u_net and the PD part u_pd (actuator units). */
  uNet: Float64Array;
  uPd: Float64Array;
  /** Per step: 1 if the learner learned on that step (from err = -u_pd / outputScale), else 0. */
  learning: Uint8Array;
}

/** Callbacks of a tracking run: after every step, and at the end of the warm-up. */
export interface RunHooks {
  /** Called every control step, after it (k = step index). */
  onStep?(k: number, trace: Trace): void;
  /** Called when the warm-up ends. */
  onWarmupEnd?(): void;
}

/**
 * One run's bookkeeping, shared by the synchronous runner below and the asynchronous one of
 * host/client (whose commands come from a device): the plant, the disturbance at the change time,
 * and the trace. Per control step: prepare(k), get a command, apply(k, u).
 */
export class TrackingLoop {
  readonly plant;
  readonly trace: Trace;
  readonly steps: number;
  private readonly changeStep: number;
  private readonly warmupStep: number;
  private readonly joints: number;

  constructor(private readonly task: TrackingTask, controller: string, private readonly scenario: Scenario, phases: Phases, seed: number, private readonly unfilled = 0) {
    this.plant = task.makePlant(seed);
    const dt = this.plant.dt;
    this.steps = Math.round(phases.end / dt);
    this.changeStep = Math.round(phases.change / dt);
    this.warmupStep = Math.round(phases.warmup / dt);
    const n = (this.joints = task.joints);
    this.trace = {
      controller,
      dt,
      error: new Float64Array(this.steps).fill(unfilled),
      position: new Float64Array(this.steps * n).fill(unfilled),
      reference: new Float64Array(this.steps * n).fill(unfilled),
      command: new Float64Array(this.steps * n).fill(unfilled),
    };
  }

  /** Before step k: the disturbance (at the change), then what the controller sees. */
  prepare(k: number): { obs: Float64Array; ref: ReferenceSample; t: number; warmupEnds: boolean } {
    if (k === this.changeStep && this.scenario.change) this.plant.disturb(this.scenario.change);
    const t = k * this.trace.dt;
    return { obs: this.plant.observe(), ref: this.task.reference.at(t), t, warmupEnds: k === this.warmupStep };
  }

  /** Steps the plant with command u and records step k (and the learner's signals, if given). */
  apply(k: number, u: ArrayLike<number>, learner?: LearnerSignals): void {
    const { plant, trace, joints: n } = this;
    if (learner) this.recordLearner(k, learner);
    plant.step(u);
    const t = k * trace.dt;
    const next = this.task.reference.at(t + trace.dt);
    let e2 = 0;
    for (let i = 0; i < n; i++) {
      const e = plant.state[i] - next.pos[i];
      e2 += e * e;
      trace.position[k * n + i] = plant.state[i];
      trace.reference[k * n + i] = next.pos[i];
      trace.command[k * n + i] = u[i];
    }
    if (!Number.isFinite(e2)) throw new Error(`${trace.controller}: the plant state became non-finite at t = ${t.toFixed(2)} s`);
    trace.error[k] = Math.sqrt(e2);
  }

  private recordLearner(k: number, s: LearnerSignals): void {
    const n = this.joints;
    const size = this.steps * n;
    const l = (this.trace.learner ??= { uNet: new Float64Array(size).fill(this.unfilled), uPd: new Float64Array(size).fill(this.unfilled), learning: new Uint8Array(this.steps) });
    for (let i = 0; i < n; i++) {
      l.uNet[k * n + i] = s.uNet[i];
      l.uPd[k * n + i] = s.uPd[i];
    }
    l.learning[k] = s.learning ? 1 : 0;
  }
}

/** Runs one controller on the task's plant through the scenario and phases; returns its trace. */
export function runTracking(task: TrackingTask, controller: Controller, scenario: Scenario, phases: Phases, seed: number, hooks: RunHooks = {}): Trace {
  const loop = new TrackingLoop(task, controller.name, scenario, phases, seed);
  for (let k = 0; k < loop.steps; k++) {
    const { obs, ref, t, warmupEnds } = loop.prepare(k);
    if (warmupEnds) hooks.onWarmupEnd?.();
    const u = controller.command(obs, ref, t);
    loop.apply(k, u, controller.learner);
    hooks.onStep?.(k, loop.trace);
  }
  return loop.trace;
}
