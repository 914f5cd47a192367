// The arm2 tracking loop with the plant simulated on the host and the learner on the device
// (feedback-error learning, docs/protocol.md section 9): per control step the host sends
// SENSOR_FRAME [features (Q12), u_pd / outputScale (Q12)], the device answers ACTUATOR_FRAME u
// (Q12) = u_pd + y, and the host applies u * outputScale to the plant. PD alone runs the same
// plant, reference and gains without a device. A host-side mirror of the device's step (the same
// core.wasm in Node, the same integer arithmetic) predicts every ACTUATOR_FRAME bit for bit.
import { arm2Task } from '../../sims/loop/task.ts';
import { networkConfig } from '../../sims/loop/controllers.ts';
import { PD } from '../../sims/control/pd.ts';
import { Core } from '../../host/core/core.ts';
import { toBlock, type CoreConfig } from '../../host/core/config.ts';
import type { Client } from './harness.ts';

export const task = arm2Task;
export const loopConfig = networkConfig(task, 'deep-fact', 1);
/** init_weights amplitudes (Q12) of sims/loop/controllers.ts: 1.0, 0.2, 0.5. */
export const AMP: [number, number, number] = [4096, 819, 2048];
const Q12 = 4096;
const q12 = (v: number) => Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, Math.round(v * Q12)));

export interface LoopResult {
  /** |q - q_d| (rad) after each step. */
  error: Float64Array;
  /** steps whose ACTUATOR_FRAME differed from the host mirror (device runs only). */
  mismatches: number;
}

/** RMS of error over the steps in [from, to) seconds. */
export function rms(e: Float64Array, dt: number, from: number, to: number): number {
  const a = Math.round(from / dt), b = Math.min(e.length, Math.round(to / dt));
  let s = 0;
  for (let k = a; k < b; k++) s += e[k] * e[k];
  return Math.sqrt(s / (b - a));
}

/**
 * The device's step in Node (dt_session_step.c): the same core, the same Q12 inputs; y = step(x),
 * then learn(err = -u_pd) unless learning is off; the device answers u = clip(u_pd + y, +-32767).
 * Also used by the Cortex-M4 bench (bench/mcu-m4.ts) to drive and check the device.
 */
export class Mirror {
  private readonly core = new Core();
  constructor(cfg: CoreConfig = loopConfig, amp: [number, number, number] = AMP) {
    const x = this.core.x;
    const mem = new Int32Array(x.memory.buffer);
    mem.set(toBlock(cfg), x.config_ptr() >> 2);
    if (x.init() !== 0 || x.init_weights(...amp) !== 0) throw new Error('mirror core refused the config');
  }
  /** step(): n_in Q12 inputs in, the n_out Q12 outputs y. */
  forward(x: number[], nOut: number): number[] {
    const c = this.core.x;
    const mem = new Int32Array(c.memory.buffer);
    mem.set(x, c.input_ptr() >> 2);
    c.step();
    return Array.from(mem.subarray(c.output_ptr() >> 2, (c.output_ptr() >> 2) + nOut));
  }
  /** learn() with the feedback error of the PD commands: err = -u_pd. */
  learn(upd: number[]): void {
    const c = this.core.x;
    new Int32Array(c.memory.buffer).set(upd.map((u) => (u === -(2 ** 31) ? 2 ** 31 - 1 : -u)), c.error_ptr() >> 2);
    c.learn();
  }
  /** The device's answer to a SENSOR_FRAME [x (n_in), u_pd (n_out)]. */
  step(values: number[], nIn: number, nOut: number, learn = true): number[] {
    const y = this.forward(values.slice(0, nIn), nOut);
    const upd = values.slice(nIn);
    if (learn) this.learn(upd);
    return upd.map((u, k) => Math.max(-32767, Math.min(32767, u + y[k])));
  }
}

/**
 * Runs `seconds` of the loop. With a client the device computes the command (and a Node mirror
 * checks it); without one the command is PD alone.
 */
export async function runLoop(seconds: number, client?: Client, seed = 1): Promise<LoopResult> {
  const plant = task.makePlant(seed);
  const dt = plant.dt;
  const steps = Math.round(seconds / dt);
  const n = task.joints;
  const pd = new PD(n, task.pd);
  const mirror = client ? new Mirror() : null;
  const error = new Float64Array(steps);
  let mismatches = 0;
  for (let k = 0; k < steps; k++) {
    const t = k * dt;
    const ref = task.reference.at(t);
    const obs = plant.observe();
    const uPd = pd.update(ref.pos, obs.subarray(0, n), obs.subarray(n, 2 * n), ref.vel);
    let u: Float64Array = uPd;
    if (client) {
      const values = [...task.features(ref).map(q12), ...Array.from(uPd, (v) => q12(v / task.outputScale))];
      client.send({ type: 'SENSOR_FRAME', step: k, values });
      const a = await client.next('ACTUATOR_FRAME', 2000, (m) => m.step === k);
      const want = mirror!.step(values, values.length - n, n);
      if (a.values.some((v, i) => v !== want[i])) mismatches++;
      u = Float64Array.from(a.values, (v) => (v / Q12) * task.outputScale);
    }
    plant.step(u);
    const next = task.reference.at(t + dt);
    let e2 = 0;
    for (let i = 0; i < n; i++) e2 += (plant.state[i] - next.pos[i]) ** 2;
    error[k] = Math.sqrt(e2);
  }
  return { error, mismatches };
}
