// Factorised deep e-prop, the microcontroller candidate. Each layer's eligibility is filtered once
// more by the scalar leak of every layer above it and by the readout leak, then multiplied by the
// same-time learning signal:
//
//   g^l_jp = sum_t L^l_j,t [F_kappa o F_a(L) o ... o F_a(l+1)](elig^l)_jp,t,   F_a(x)_t = a F_a(x)_{t-1} + x_t
//
// Exact for one hop into a LIF or v-form layer with a uniform leak, no lateral recurrence and
// kappa = 0; beyond that it freezes the upper layers' psi inside the filters. Memory O(L * S).
import type { EngineOptions } from '../config.ts';
import { ReadoutTrace, type Gradient } from '../gradient.ts';
import type { Network } from '../network.ts';
import type { OnlineEngine } from './engine.ts';
import { addOuter } from './eprop.ts';
import { LearningSignal } from './learning-signal.ts';
import { LocalTrace } from './local-trace.ts';

export class DeepFact implements OnlineEngine {
  readonly name = 'deep-fact' as const;
  private readonly local: LocalTrace;
  private readonly signal: LearningSignal;
  private readonly readout: ReadoutTrace;
  /** stages[l][h]: the h-th filter stage of layer l; h = 0..L-l-2 the upper layers, the last one kappa. */
  private readonly stages: Float64Array[][];

  constructor(private readonly net: Network, opts: EngineOptions) {
    this.local = new LocalTrace(net, opts.leak);
    this.signal = new LearningSignal(net, opts.feedback);
    this.readout = new ReadoutTrace(net);
    this.stages = this.local.elig.map((e, l) => Array.from({ length: net.L - l }, () => new Float64Array(e.length)));
  }

  get traceSize(): number {
    return this.local.size + this.stages.flat().reduce((s, e) => s + e.length, 0);
  }

  reset(): void {
    this.local.reset();
    this.readout.reset();
    for (const st of this.stages.flat()) st.fill(0);
  }

  update(): void {
    this.local.update();
    this.readout.update();
    const { net } = this;
    const a = net.model.leak[0];
    for (let l = 0; l < net.L; l++) {
      let src = this.local.elig[l];
      const st = this.stages[l];
      for (let h = 0; h < st.length; h++) {
        const leak = h === st.length - 1 ? net.cfg.kappa : a;
        const dst = st[h];
        for (let i = 0; i < dst.length; i++) dst[i] = leak * dst[i] + src[i];
        src = dst;
      }
    }
  }

  accumulate(err: ArrayLike<number>, grad: Gradient): void {
    this.readout.accumulate(err, grad);
    const Ls = this.signal.compute(err);
    for (let l = 0; l < this.net.L; l++) {
      const st = this.stages[l];
      addOuter(grad.theta[l], Ls[l], st[st.length - 1], this.net.P[l]);
    }
  }
}
