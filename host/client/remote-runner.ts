// The closed loop of sims/loop/runner.ts for a controller that answers asynchronously (its command
// comes from a device over a link): same plant, scenario, timing and Trace, plus an abort signal.
import type { ReferenceSample } from '../../sims/reference.ts';
import type { LearnerSignals, TrackingTask } from '../../sims/loop/task.ts';
import type { Scenario } from '../../sims/loop/scenarios.ts';
import type { Phases } from '../../sims/loop/metrics.ts';
import { TrackingLoop, type Trace } from '../../sims/loop/runner.ts';

/** A controller whose command may come from a device (a promise). */
export interface AsyncController {
  readonly name: string;
  command(obs: Float64Array, ref: ReferenceSample, t: number): Promise<Float64Array>;
  /** Feedback-error learners only: what the last command was made of (recorded in the trace). */
  readonly learner?: LearnerSignals;
}

/** Callbacks and abort signal of an asynchronous tracking run. */
export interface AsyncRunHooks {
  onStep?(k: number, trace: Trace): void;
  onWarmupEnd?(): Promise<void> | void;
  /** Stops the run after the current step. */
  signal?: AbortSignal;
}

/** An asynchronous run's trace, the steps it ran, and the error that stopped it (if any). */
export interface AsyncRun {
  trace: Trace;
  /** Control steps completed (less than the trace's length when aborted or failed; the rest is NaN). */
  steps: number;
  /** Why the controller stopped answering (link closed, device error), if it did. */
  error?: Error;
}

/** Steps between yields to the event loop (see runTrackingAsync). */
const YIELD_EVERY = 500;

/** runTracking for an asynchronous controller (a device); stops on abort or a link failure. */
export async function runTrackingAsync(task: TrackingTask, controller: AsyncController, scenario: Scenario, phases: Phases, seed: number, hooks: AsyncRunHooks = {}): Promise<AsyncRun> {
  const loop = new TrackingLoop(task, controller.name, scenario, phases, seed, NaN);
  for (let k = 0; k < loop.steps; k++) {
    // A controller computed here resolves in microtasks only: yield to the event loop now and then,
    // so that Ctrl-C (a signal handler, a macrotask) can abort a long host-side run promptly.
    if (k % YIELD_EVERY === YIELD_EVERY - 1) await new Promise<void>((resolve) => setImmediate(resolve));
    if (hooks.signal?.aborted) return { trace: loop.trace, steps: k };
    const { obs, ref, t, warmupEnds } = loop.prepare(k);
    if (warmupEnds) await hooks.onWarmupEnd?.();
    let u: Float64Array;
    try {
      u = await controller.command(obs, ref, t);
    } catch (err) {
      return { trace: loop.trace, steps: k, error: err as Error };
    }
    loop.apply(k, u, controller.learner);
    hooks.onStep?.(k, loop.trace);
  }
  return { trace: loop.trace, steps: loop.steps };
}
