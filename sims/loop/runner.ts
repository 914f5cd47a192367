// The closed loop at the plant's fixed control rate: observe, command, step the plant; the
// disturbance of the scenario at the change time. Records what the report and metrics need.
import type { Controller, TrackingTask } from './task.ts';
import type { Scenario } from './scenarios.ts';
import type { Phases } from './metrics.ts';

export interface Trace {
  controller: string;
  dt: number;
  /** Tracking error norm |q - q_d| (rad) per control step, after the step. */
  error: Float64Array;
  /** Per step and joint: position, reference, command (joint-major: [k * joints + i]). */
  position: Float64Array;
  reference: Float64Array;
  command: Float64Array;
}

export interface RunHooks {
  /** Called every control step, after it (k = step index). */
  onStep?(k: number, trace: Trace): void;
  /** Called when the warm-up ends. */
  onWarmupEnd?(): void;
}

export function runTracking(task: TrackingTask, controller: Controller, scenario: Scenario, phases: Phases, seed: number, hooks: RunHooks = {}): Trace {
  const plant = task.makePlant(seed);
  const dt = plant.dt;
  const steps = Math.round(phases.end / dt);
  const changeStep = Math.round(phases.change / dt);
  const warmupStep = Math.round(phases.warmup / dt);
  const n = task.joints;
  const trace: Trace = {
    controller: controller.name,
    dt,
    error: new Float64Array(steps),
    position: new Float64Array(steps * n),
    reference: new Float64Array(steps * n),
    command: new Float64Array(steps * n),
  };
  for (let k = 0; k < steps; k++) {
    const t = k * dt;
    if (k === warmupStep) hooks.onWarmupEnd?.();
    if (k === changeStep && scenario.change) plant.disturb(scenario.change);
    const ref = task.reference.at(t);
    const u = controller.command(plant.observe(), ref, t);
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
  return trace;
}
