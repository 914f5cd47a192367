// The host half of the closed loop, kept lean for millions of steps: the arm2 plant, its reference,
// PD and the network's features, the way host/client/device-controller.ts sends them (features and
// u_pd / outputScale in Q12; the device answers u in Q12). Nothing per step is kept: the tracking
// error is summed over a window. When a command never comes back (its ACTUATOR_FRAME was lost), the
// plant gets PD alone for that step. Virtual time: the plant only moves when a step is taken, so it
// waits through a fault (a silence, an unplug, a reset) rather than falling.
import { PD } from '../../sims/control/pd.ts';
import { arm2Task, type TrackingTask } from '../../sims/loop/task.ts';
import type { Plant } from '../../sims/plant.ts';
import { Q12 } from '../core/config.ts';

const toQ12 = (v: number) => Math.max(-0x80000000, Math.min(0x7fffffff, Math.round(v * Q12)));

/** Steps of the tracking-error window. */
export const ERROR_WINDOW = 10_000;

export class PlantLoop {
  readonly task: TrackingTask = arm2Task;
  private plant: Plant;
  private readonly pd: PD;
  private readonly n: number;
  private readonly dt: number;
  private k = 0;
  private uPd: Float64Array = new Float64Array(0);
  private e2 = 0;
  private windowSteps = 0;
  /** RMS tracking error (rad) of the last full window, NaN before one is full. */
  lastWindowRms = NaN;
  /** The largest window RMS so far (rad), NaN before a window is full. */
  worstWindowRms = NaN;
  /** Times the plant state went non-finite and was started again on the reference. */
  restarts = 0;

  constructor(private readonly seed: number, private readonly onWindow: (rms: number) => void = () => {}) {
    this.plant = this.task.makePlant(seed);
    this.pd = new PD(this.task.joints, this.task.pd);
    this.n = this.task.joints;
    this.dt = this.plant.dt;
  }

  /** The SENSOR_FRAME values for the next step: features, then u_pd / outputScale (Q12). */
  values(): number[] {
    const { task, n } = this;
    const ref = task.reference.at(this.k * this.dt);
    const obs = this.plant.observe();
    this.uPd = this.pd.update(ref.pos, obs.subarray(0, n), obs.subarray(n, 2 * n), ref.vel);
    const out = task.features(ref).map(toQ12);
    for (let i = 0; i < n; i++) out.push(toQ12(this.uPd[i] / task.outputScale));
    return out;
  }

  /** Steps the plant with the device's command u (Q12), or PD alone when null. */
  apply(uQ12: readonly number[] | null): void {
    const { task, n } = this;
    const u = new Float64Array(n);
    for (let i = 0; i < n; i++) u[i] = uQ12 ? (uQ12[i] / Q12) * task.outputScale : this.uPd[i];
    this.plant.step(u);
    this.k++;
    const next = task.reference.at(this.k * this.dt).pos;
    let e2 = 0;
    for (let i = 0; i < n; i++) e2 += (this.plant.state[i] - next[i]) ** 2;
    if (!Number.isFinite(e2)) {
      this.restarts++;
      this.plant = task.makePlant(this.seed + this.restarts);
      this.k = 0;
      return;
    }
    this.e2 += e2;
    if (++this.windowSteps === ERROR_WINDOW) {
      this.lastWindowRms = Math.sqrt(this.e2 / ERROR_WINDOW);
      if (!(this.worstWindowRms >= this.lastWindowRms)) this.worstWindowRms = this.lastWindowRms;
      this.onWindow(this.lastWindowRms);
      this.e2 = 0;
      this.windowSteps = 0;
    }
  }
}
