// Feedback-error learning with the network on the device: the host computes the PD command and the
// features, sends both in Q12 network-output units (u_pd / outputScale), and applies the device's
// u * outputScale to the plant. The maths of sims/loop/controllers.ts networkController, split
// across the link. The learner signals it reports are the u_pd it sent (after Q12 rounding) and
// u_net = u - u_pd (the network's output unless the device clipped u).
import { PD } from '../../sims/control/pd.ts';
import type { LearnerSignals, TrackingTask } from '../../sims/loop/task.ts';
import { Q12 } from '../core/config.ts';
import type { DeviceClient } from './client.ts';
import type { AsyncController } from './remote-runner.ts';

const toQ12 = (v: number) => Math.max(-0x80000000, Math.min(0x7fffffff, Math.round(v * Q12)));

/** A tracking controller on a device: the learner runs there (its signals recorded here), with freeze(). */
export interface DeviceLearner extends AsyncController {
  readonly learner: LearnerSignals;
  /** LEARN off on the device (the frozen baseline). */
  freeze(): Promise<void>;
}

/** A tracking controller whose network runs on the device: PD here, the feed-forward from ACTUATOR_FRAMEs. */
export function deviceController(client: DeviceClient, task: TrackingTask, name: string): DeviceLearner {
  const pd = new PD(task.joints, task.pd);
  const n = task.joints;
  const uNet = new Float64Array(n);
  const uPdSent = new Float64Array(n);
  let learning = true;
  let step = 0;
  return {
    name,
    learner: {
      uNet,
      uPd: uPdSent,
      get learning() {
        return learning;
      },
    },
    async freeze() {
      await client.learn(false);
      learning = false;
    },
    async command(obs, ref) {
      const uPd = pd.update(ref.pos, obs.subarray(0, n), obs.subarray(n, 2 * n), ref.vel);
      const pdQ = Array.from(uPd, (u) => toQ12(u / task.outputScale));
      const values = [...task.features(ref).map(toQ12), ...pdQ];
      const u = Float64Array.from(await client.sendSensor(step++, values), (v) => (v / Q12) * task.outputScale);
      for (let i = 0; i < n; i++) {
        uPdSent[i] = (pdQ[i] / Q12) * task.outputScale;
        uNet[i] = u[i] - uPdSent[i];
      }
      return u;
    },
  };
}
