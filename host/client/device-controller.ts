// Feedback-error learning with the network on the device: the host computes the PD command and the
// features, sends both in Q12 network-output units (u_pd / outputScale), and applies the device's
// u * outputScale to the plant. The maths of sims/loop/controllers.ts networkController, split
// across the link.
import { PD } from '../../sims/control/pd.ts';
import type { TrackingTask } from '../../sims/loop/task.ts';
import { Q12 } from '../core/config.ts';
import type { DeviceClient } from './client.ts';
import type { AsyncController } from './remote-runner.ts';

const toQ12 = (v: number) => Math.max(-0x80000000, Math.min(0x7fffffff, Math.round(v * Q12)));

/** A tracking controller whose network runs on the device: PD here, the feed-forward from ACTUATOR_FRAMEs. */
export function deviceController(client: DeviceClient, task: TrackingTask, name: string): AsyncController {
  const pd = new PD(task.joints, task.pd);
  const n = task.joints;
  let step = 0;
  return {
    name,
    async command(obs, ref) {
      const uPd = pd.update(ref.pos, obs.subarray(0, n), obs.subarray(n, 2 * n), ref.vel);
      const values = [...task.features(ref).map(toQ12), ...Array.from(uPd, (u) => toQ12(u / task.outputScale))];
      const u = await client.sendSensor(step++, values);
      return Float64Array.from(u, (v) => (v / Q12) * task.outputScale);
    },
  };
}
