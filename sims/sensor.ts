// The sensor model every plant shares: delay by k whole steps, then add seeded Gaussian noise.
import { Rng } from './random.ts';
import { perElement, type SensorOptions } from './plant.ts';

const MIN_HISTORY = 64;

export class Sensor {
  private std: Float64Array;
  private delay = 0;
  private ring: Float64Array[] = [];
  private head = 0; // index of the next write
  private count = 0;
  private rng = new Rng(0, 1);

  constructor(readonly size: number, private readonly nominal: SensorOptions = {}) {
    this.std = new Float64Array(size);
    this.restore(0);
  }

  /** Back to the construction-time noise and delay, empty history, noise stream seeded by `seed`. */
  restore(seed: number): void {
    this.rng = new Rng(seed, 0x5e45);
    this.ring = [];
    this.head = 0;
    this.count = 0;
    this.setNoise(this.nominal.noiseStd ?? 0);
    this.setDelay(this.nominal.delay ?? 0);
  }

  setNoise(std: number | readonly number[]): void {
    const v = perElement('sensor noise std', std, this.size);
    if (v.some((x) => !(x >= 0 && Number.isFinite(x)))) throw new Error('sensor noise std must be finite and >= 0');
    this.std = v;
  }

  setDelay(steps: number): void {
    if (!Number.isSafeInteger(steps) || steps < 0) throw new Error(`sensor delay must be an integer >= 0, got ${steps}`);
    this.delay = steps;
    const want = Math.max(MIN_HISTORY, steps);
    if (want > this.ring.length) {
      // Grow, keeping the stored history in order (oldest first).
      const old = this.history();
      this.ring = Array.from({ length: want }, () => new Float64Array(this.size));
      old.forEach((s, i) => this.ring[i].set(s));
      this.count = old.length;
      this.head = old.length % want;
    }
  }

  /** Called by the plant with its state just before each step. */
  record(state: Float64Array): void {
    if (this.ring.length === 0) this.setDelay(this.delay);
    this.ring[this.head].set(state);
    this.head = (this.head + 1) % this.ring.length;
    this.count = Math.min(this.count + 1, this.ring.length);
  }

  /** The reading now: the state `delay` steps ago (the oldest one kept if there are fewer) + noise. */
  read(current: Float64Array): Float64Array {
    let src = current;
    if (this.delay > 0 && this.count > 0) {
      const back = Math.min(this.delay, this.count); // 1 = the state before the last step
      src = this.ring[(this.head - back + this.ring.length) % this.ring.length];
    }
    const out = Float64Array.from(src);
    for (let i = 0; i < this.size; i++) if (this.std[i] > 0) out[i] += this.std[i] * this.rng.gauss();
    return out;
  }

  private history(): Float64Array[] {
    const out: Float64Array[] = [];
    for (let k = this.count; k >= 1; k--) out.push(Float64Array.from(this.ring[(this.head - k + this.ring.length) % this.ring.length]));
    return out;
  }
}
