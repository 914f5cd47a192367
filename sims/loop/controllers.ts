// The controllers the demo compares, all behind one interface (task.ts: Controller):
//   PD alone; PD plus the wasm core's feed-forward command, learning online by feedback-error
//   learning (the PD command is the error signal: err = -u_pd), or frozen after a warm-up; and the
//   classical model-free baseline: PD plus a feed-forward linear in the network's own input
//   features, fitted by recursive least squares, so the network's own gain is visible.
import { PD } from '../control/pd.ts';
import { Rls } from '../control/rls.ts';
import type { ReferenceSample } from '../reference.ts';
import type { Controller, LearnerSignals, TrackingTask } from './task.ts';
import { Core } from '../../host/core/core.ts';
import { defaultCoreConfig, type CoreConfig, type CoreEngine } from '../../host/core/config.ts';

/** PD alone on the task's gains. */
export function pdController(task: TrackingTask): Controller {
  const pd = new PD(task.joints, task.pd);
  const n = task.joints;
  return {
    name: 'PD alone',
    command: (obs, ref) => pd.update(ref.pos, obs.subarray(0, n), obs.subarray(n, 2 * n), ref.vel),
  };
}

/**
 * The learner's network for a task: spiking LIF, two recurrent layers of 32 units (16 for deep-full,
 * whose cross-depth traces would not fit one 64 KiB page at 32), deep e-prop. Membrane leak a = 0.8
 * (a 45 ms time constant at 100 Hz): against a = 0.5, arm2 tracks 2.7x better before the change and
 * 1.3-1.6x after it on every scenario, the motor 1.3-1.9x (seeds 1-3, core 1.5).
 */
export function networkConfig(task: TrackingTask, engine: CoreEngine, seed: number): CoreConfig {
  const n = engine === 'deep-full' ? 16 : 32;
  return defaultCoreConfig({
    neuron: 'lif',
    nIn: task.features(task.reference.at(0)).length,
    units: [n, n],
    nOut: task.joints,
    recurrent: [true, true],
    engine,
    a: 0.8,
    thr: 0.5,
    kappa: 0,
    lr: 2e-3,
    interval: 1,
    clip: 7.9,
    seed,
  });
}

/** PD plus the core's feed-forward; exposes the core, the last commands, and freeze(). */
export interface NetworkController extends Controller {
  /** Stop learning from now on (the frozen baseline). */
  freeze(): void;
  readonly core: Core;
  /** Last network command (actuator units). */
  readonly uNet: Float64Array;
  /** Last PD command (actuator units). */
  readonly uPd: Float64Array;
  /** uNet, uPd and whether the last step learned. */
  readonly learner: LearnerSignals;
}

const Q12 = 4096;
/** |u| <= 8.0 network units (Q12), as on a device. */
const U_LIMIT_Q12 = 32767;
const toQ12 = (v: number) => Math.max(-0x80000000, Math.min(0x7fffffff, Math.round(v * Q12)));

/** Feedback-error learning: u = u_pd + scale * y, and learn(err = -u_pd / scale) every step. */
export function networkController(task: TrackingTask, cfg: CoreConfig, name: string): NetworkController {
  const pd = new PD(task.joints, task.pd);
  const n = task.joints;
  const core = new Core().configure(cfg).initWeights(1.0, 0.2, 0.5);
  const uNet = new Float64Array(n);
  const uPd = new Float64Array(n);
  const err = new Float64Array(n);
  let learning = true;
  return {
    name,
    core,
    uNet,
    uPd,
    learner: {
      uNet,
      uPd,
      get learning() {
        return learning;
      },
    },
    freeze() {
      learning = false;
    },
    // The arithmetic of a device (host/device/fel.ts, the firmware's session): the PD command in Q12
    // network units, err = -u_pd, u = u_pd + y clipped to +-8.0; so this run and `run --port` agree
    // bit for bit.
    command(obs: Float64Array, ref: ReferenceSample) {
      const pdRaw = pd.update(ref.pos, obs.subarray(0, n), obs.subarray(n, 2 * n), ref.vel);
      const y = core.step(task.features(ref));
      const u = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const pdQ = toQ12(pdRaw[i] / task.outputScale);
        const uQ = Math.max(-U_LIMIT_Q12, Math.min(U_LIMIT_Q12, pdQ + Math.round(y[i] * Q12)));
        uPd[i] = (pdQ / Q12) * task.outputScale;
        u[i] = (uQ / Q12) * task.outputScale;
        uNet[i] = u[i] - uPd[i];
        err[i] = -pdQ / Q12;
      }
      if (learning) core.learn(err);
      return u;
    },
  };
}

/** RLS settings of the model-free baseline: forgetting 0.999 (a 10 s memory at 100 Hz), P0 = I, trace(P) <= 30. */
export const RLS_FEEDFORWARD = { lambda: 0.999, p0: 1, maxTrace: 30 };

/**
 * Model-free baseline: u = u_pd + theta_i^T [features, 1] per joint, theta_i by RLS with forgetting
 * on the torque that was needed (feedback-error learning: the target is u_ff + u_pd). No network,
 * no model of the plant: the same inputs the network gets.
 */
export function rlsFeedforwardController(task: TrackingTask): Controller {
  const pd = new PD(task.joints, task.pd);
  const n = task.joints;
  const width = task.features(task.reference.at(0)).length + 1;
  const rls = Array.from({ length: n }, () => new Rls(width, RLS_FEEDFORWARD));
  const z = new Float64Array(width);
  return {
    name: 'RLS feed-forward (no network)',
    command(obs: Float64Array, ref: ReferenceSample) {
      const upd = pd.update(ref.pos, obs.subarray(0, n), obs.subarray(n, 2 * n), ref.vel);
      z.set(task.features(ref));
      z[width - 1] = 1;
      const u = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const uff = rls[i].predict(z);
        u[i] = upd[i] + uff;
        rls[i].update(z, uff + upd[i]);
      }
      return u;
    },
  };
}
