// The closed loop of sims/loop/runner.ts for a controller that answers asynchronously (its command
// comes from a device over a link): same plant, scenario, timing and Trace, plus an abort signal.
import type { ReferenceSample } from '../../sims/reference.ts';
import type { TrackingTask } from '../../sims/loop/task.ts';
import type { Scenario } from '../../sims/loop/scenarios.ts';
import type { Phases } from '../../sims/loop/metrics.ts';
import type { Trace } from '../../sims/loop/runner.ts';

export interface AsyncController {
  readonly name: string;
  command(obs: Float64Array, ref: ReferenceSample, t: number): Promise<Float64Array>;
}

export interface AsyncRunHooks {
  onStep?(k: number, trace: Trace): void;
  onWarmupEnd?(): Promise<void> | void;
  /** Stops the run after the current step. */
  signal?: AbortSignal;
}

export interface AsyncRun {
  trace: Trace;
  /** Control steps completed (less than the trace's length when aborted or failed; the rest is NaN). */
  steps: number;
  /** Why the controller stopped answering (link closed, device error), if it did. */
  error?: Error;
}

export async function runTrackingAsync(task: TrackingTask, controller: AsyncController, scenario: Scenario, phases: Phases, seed: number, hooks: AsyncRunHooks = {}): Promise<AsyncRun> {
  const plant = task.makePlant(seed);
  const dt = plant.dt;
  const steps = Math.round(phases.end / dt);
  const changeStep = Math.round(phases.change / dt);
  const warmupStep = Math.round(phases.warmup / dt);
  const n = task.joints;
  const trace: Trace = {
    controller: controller.name,
    dt,
    error: new Float64Array(steps).fill(NaN),
    position: new Float64Array(steps * n).fill(NaN),
    reference: new Float64Array(steps * n).fill(NaN),
    command: new Float64Array(steps * n).fill(NaN),
  };
  for (let k = 0; k < steps; k++) {
    if (hooks.signal?.aborted) return { trace, steps: k };
    const t = k * dt;
    if (k === warmupStep) await hooks.onWarmupEnd?.();
    if (k === changeStep && scenario.change) plant.disturb(scenario.change);
    const ref = task.reference.at(t);
    let u: Float64Array;
    try {
      u = await controller.command(plant.observe(), ref, t);
    } catch (err) {
      return { trace, steps: k, error: err as Error };
    }
    plant.step(u);
    const next = task.reference.at(t + dt);
    let e2 = 0;
    for (let i = 0; i < n; i++) {
      const e = plant.state[i] - next.pos[i];
      e2 += e * e;
      trace.position[k * n + i] = plant.state[i];
      trace.reference[k * n + i] = next.pos[i];
      trace.command[k * n + i] = u[i];
    }
    if (!Number.isFinite(e2)) throw new Error(`${controller.name}: the plant state became non-finite at t = ${t.toFixed(2)} s`);
    trace.error[k] = Math.sqrt(e2);
    hooks.onStep?.(k, trace);
  }
  return { trace, steps };
}
