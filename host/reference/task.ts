// The regression task gradcheck and the tests use: frozen random input spikes and smooth random
// targets. Deterministic per seed.
import { Rng } from './random.ts';

export interface Sequence {
  inputs: Float64Array[];
  targets: Float64Array[];
}

/**
 * nIn Bernoulli spike trains (probability `rate` per step) and nOut targets, each a sum of three
 * sines with random phases and amplitudes, periods between T/4 and T.
 */
export function randomSequence(seed: number, T: number, nIn: number, nOut: number, rate = 0.2): Sequence {
  const rng = new Rng(seed * 7919 + 17);
  const inputs = Array.from({ length: T }, () => Float64Array.from({ length: nIn }, () => (rng.uniform() < rate ? 1 : 0)));
  const comps = Array.from({ length: nOut }, () =>
    Array.from({ length: 3 }, () => ({ amp: 0.5 * rng.uniform(), period: T / 4 + rng.uniform() * (3 * T) / 4, phase: 2 * Math.PI * rng.uniform() })),
  );
  const targets = Array.from({ length: T }, (_, t) =>
    Float64Array.from(comps, (cs) => cs.reduce((s, c) => s + c.amp * Math.sin((2 * Math.PI * t) / c.period + c.phase), 0)),
  );
  return { inputs, targets };
}
