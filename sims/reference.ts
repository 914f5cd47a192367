import { Rng } from './random.ts';

// Smooth periodic reference trajectories: per channel, offset + sum_j A_j sin(2 pi f_j t + phi_j), with
// analytic first and second time derivatives. With commensurate frequencies (all multiples of f0) the
// reference is periodic with period 1/f0.

export interface SineComponent {
  amplitude: number;
  /** Hz */
  frequency: number;
  /** rad, default 0 */
  phase?: number;
}

export interface ReferenceChannel {
  offset?: number;
  components: readonly SineComponent[];
}

/** The reference at one time: position, velocity and acceleration per joint. */
export interface ReferenceSample {
  pos: Float64Array;
  vel: Float64Array;
  acc: Float64Array;
}

/** A smooth periodic reference per joint: an offset plus sines; at(t) gives position, velocity and acceleration. */
export class SumOfSines {
  readonly size: number;

  constructor(private readonly channels: readonly ReferenceChannel[]) {
    if (channels.length === 0) throw new Error('SumOfSines needs at least one channel');
    for (const ch of channels) {
      for (const c of ch.components) {
        if (![c.amplitude, c.frequency, c.phase ?? 0].every(Number.isFinite)) throw new Error('SumOfSines: amplitude, frequency and phase must be finite');
      }
    }
    this.size = channels.length;
  }

  /** Position, velocity and acceleration at time t (s). */
  at(t: number): ReferenceSample {
    const n = this.size;
    const out = { pos: new Float64Array(n), vel: new Float64Array(n), acc: new Float64Array(n) };
    this.channels.forEach((ch, i) => {
      let p = ch.offset ?? 0, v = 0, a = 0;
      for (const c of ch.components) {
        const w = 2 * Math.PI * c.frequency;
        const arg = w * t + (c.phase ?? 0);
        const s = Math.sin(arg), co = Math.cos(arg);
        p += c.amplitude * s;
        v += c.amplitude * w * co;
        a -= c.amplitude * w * w * s;
      }
      out.pos[i] = p;
      out.vel[i] = v;
      out.acc[i] = a;
    });
    return out;
  }
}

/** Per joint: where the random reference is centred and how far it may go from there. */
export interface RandomChannelSpec {
  offset: number;
  /** The reference stays within offset +- excursion (the sum of its amplitudes). */
  excursion: number;
}

/** Components per joint and the band of a random reference. */
export const RANDOM_REFERENCE_COMPONENTS = 5;
export const RANDOM_REFERENCE_BAND: readonly [number, number] = [0.05, 1.25];

/**
 * A seeded random smooth reference: per joint, RANDOM_REFERENCE_COMPONENTS sines with frequencies
 * drawn uniformly in `band` Hz (so band-limited and, with incommensurate frequencies, not
 * periodic over any run), random phases, and amplitudes drawn then scaled so that they sum to the
 * excursion: the reference never leaves offset +- excursion.
 */
export function randomSmoothReference(seed: number, channels: readonly RandomChannelSpec[], band: readonly [number, number] = RANDOM_REFERENCE_BAND): SumOfSines {
  const rng = new Rng(seed, 0x7265); // a stream of its own: the plant's noise uses others
  return new SumOfSines(channels.map((ch) => {
    const raw = Array.from({ length: RANDOM_REFERENCE_COMPONENTS }, () => ({
      amplitude: rng.uniform(0.2, 1.2),
      frequency: rng.uniform(band[0], band[1]),
      phase: rng.uniform(0, 2 * Math.PI),
    }));
    const total = raw.reduce((a, c) => a + c.amplitude, 0);
    return { offset: ch.offset, components: raw.map((c) => ({ ...c, amplitude: (c.amplitude / total) * ch.excursion })) };
  }));
}
