// Per-layer e-prop (Bellec et al. 2020): g^l_jp = sum_t L^l_j,t ebar^l_jp,t, ebar = F_kappa(elig).
import type { EngineOptions } from '../config.ts';
import { ReadoutTrace, type Gradient } from '../gradient.ts';
import type { Network } from '../network.ts';
import type { OnlineEngine } from './engine.ts';
import { LearningSignal } from './learning-signal.ts';
import { LocalTrace } from './local-trace.ts';

export class Eprop implements OnlineEngine {
  readonly name = 'eprop' as const;
  private readonly local: LocalTrace;
  private readonly signal: LearningSignal;
  private readonly readout: ReadoutTrace;
  private readonly eBar: Float64Array[];

  constructor(private readonly net: Network, opts: EngineOptions) {
    this.local = new LocalTrace(net, opts.leak);
    this.signal = new LearningSignal(net, opts.feedback);
    this.readout = new ReadoutTrace(net);
    this.eBar = this.local.elig.map((e) => new Float64Array(e.length));
  }

  get traceSize(): number {
    return this.local.size + this.eBar.reduce((s, e) => s + e.length, 0);
  }

  reset(): void {
    this.local.reset();
    this.readout.reset();
    for (const e of this.eBar) e.fill(0);
  }

  update(): void {
    this.local.update();
    this.readout.update();
    const k = this.net.cfg.kappa;
    for (let l = 0; l < this.net.L; l++) {
      const eb = this.eBar[l];
      const el = this.local.elig[l];
      for (let i = 0; i < eb.length; i++) eb[i] = k * eb[i] + el[i];
    }
  }

  accumulate(err: ArrayLike<number>, grad: Gradient): void {
    this.readout.accumulate(err, grad);
    const Ls = this.signal.compute(err);
    for (let l = 0; l < this.net.L; l++) addOuter(grad.theta[l], Ls[l], this.eBar[l], this.net.P[l]);
  }
}

/** grad[j, q] += sig[j] * trace[j, q] for a row-major n x P trace. */
export function addOuter(grad: Float64Array, sig: Float64Array, trace: Float64Array, P: number): void {
  for (let j = 0; j < sig.length; j++) {
    const s = sig[j];
    if (s === 0) continue;
    for (let q = 0; q < P; q++) grad[j * P + q] += s * trace[j * P + q];
  }
}
