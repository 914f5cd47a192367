// The online-adaptation demo with the learner on a device: the same task, scenario and table as
// sims/loop/demo.ts, PD alone, the classical adaptive controller and the RLS baseline computed here, the frozen and
// the online network on the device (CONFIGURE, START, sensor frames, LEARN off at the end of the
// warm-up for the frozen one, STOP). Stops cleanly on the abort signal or a link failure (during a
// device run or before one) and returns what ran (traces of unfinished runs are NaN after their
// last step). It does not reconnect: the learner's state went with the device.
import { taskFor } from '../../sims/loop/task.ts';
import { SCENARIOS } from '../../sims/loop/scenarios.ts';
import { networkConfig, pdController, rlsFeedforwardController } from '../../sims/loop/controllers.ts';
import type { CoreEngine } from '../core/config.ts';
import { phasesFor, demoControllerNames, type DemoOptions, type DemoResult, type DemoRow } from '../../sims/loop/demo.ts';
import { recoveryTime, rms } from '../../sims/loop/metrics.ts';
import type { Controller } from '../../sims/loop/task.ts';
import type { Trace } from '../../sims/loop/runner.ts';
import type { DeviceClient } from './client.ts';
import { deviceController } from './device-controller.ts';
import { runTrackingAsync, type AsyncController, type AsyncRun } from './remote-runner.ts';

/** Progress, abort signal and watchdog of runRemoteDemo. */
export interface RemoteDemoHooks {
  onStep?(controller: number, k: number, steps: number, trace: Trace): void;
  signal?: AbortSignal;
  /** Device watchdog during the runs (ms). */
  watchdogMs?: number;
}

/** The demo result of a device run, and where and why it stopped if it did not complete. */
export interface RemoteDemoResult {
  result: DemoResult;
  /** Set when the run did not complete: which controller, at what time, and why. */
  stopped: { controller: string; t: number; reason: string } | null;
}

const onHost = (c: Controller): AsyncController => ({ name: c.name, command: async (obs, ref, t) => c.command(obs, ref, t) });

/** The names of the rows, in order (the in-process demo's). */
export function remoteDemoNames(plant: string, engine: CoreEngine): string[] {
  return demoControllerNames(plant, engine);
}

/** The `deeptrace run` comparison with the networks on a device (run --port). */
export async function runRemoteDemo(client: DeviceClient, o: DemoOptions, hooks: RemoteDemoHooks = {}): Promise<RemoteDemoResult> {
  const task = taskFor(o.plant, o.reference ?? 'periodic', o.seed);
  const scenario = SCENARIOS[o.scenario];
  if (!task) throw new Error(`unknown plant '${o.plant}'`);
  if (!scenario) throw new Error(`unknown scenario '${o.scenario}'`);
  const phases = phasesFor(o.seconds);
  const cfg = networkConfig(task, o.engine, o.seed);
  const names = remoteDemoNames(o.plant, o.engine);
  const runs: AsyncRun[] = [];
  let stopped: RemoteDemoResult['stopped'] = null;
  for (let i = 0; i < names.length && !hooks.signal?.aborted; i++) {
    const onDevice = i === 1 || i === 3;
    const totalSteps = Math.round(phases.end / task.makePlant(o.seed).dt);
    const common = { signal: hooks.signal, onStep: hooks.onStep ? (k: number, tr: Trace) => hooks.onStep!(i, k, totalSteps, tr) : undefined };
    let run: AsyncRun;
    if (onDevice) {
      try {
        await client.stop();
        await client.configure(cfg, { watchdogMs: hooks.watchdogMs ?? 1000 });
        await client.start();
      } catch (err) {
        // the device went away (or refused) while a host-side controller ran: what ran is kept
        stopped = { controller: names[i], t: 0, reason: (err as Error).message };
        break;
      }
      try {
        const learner = deviceController(client, task, names[i]);
        const freeze = i === 1 ? () => learner.freeze() : undefined;
        run = await runTrackingAsync(task, learner, scenario, phases, o.seed, { ...common, onWarmupEnd: freeze });
      } finally {
        await client.stop().catch(() => {});
      }
    } else {
      const c = i === 0 ? pdController(task) : i === 2 ? task.makeAdaptive() : rlsFeedforwardController(task);
      run = await runTrackingAsync(task, onHost(c), scenario, phases, o.seed, common);
    }
    if (run.steps > 0) runs.push(run);
    if (run.steps < run.trace.error.length) {
      stopped = { controller: names[i], t: run.steps * run.trace.dt, reason: run.error?.message ?? 'interrupted' };
      break;
    }
  }
  // A phase that did not run to its end has no number (NaN: 'n/a' in the table).
  const rows: DemoRow[] = runs.map(({ trace, steps }) => {
    const ranTo = steps * trace.dt + 1e-9;
    const complete = steps === trace.error.length;
    return {
      controller: trace.controller,
      rmsBefore: ranTo >= phases.change ? rms(trace.error, trace.dt, phases.warmup, phases.change) : NaN,
      rmsAfter: complete ? rms(trace.error, trace.dt, phases.change, phases.end) : NaN,
      recoverySeconds: complete && scenario.change ? recoveryTime(trace.error, trace.dt, phases, task.period) : null,
    };
  });
  return { result: { ...o, phases, rows, traces: runs.map((r) => r.trace) }, stopped };
}
