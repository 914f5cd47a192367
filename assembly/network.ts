// The forward pass: every layer in order within the step (feed-forward), each one's recurrence from
// the previous step, then the leaky readout y_t = kappa y_{t-1} + V o^L_t + c.
import { lay, layPtr, LF_N, LF_NPRE, LF_P, LF_REC, LF_W, LF_MEM, LF_ADAPT, LF_O, LF_OPREV, LF_PSI, LF_PSIPREV, LF_PRE, G_Y, G_V, G_C } from './layout';
import { LAYERS, NEURON, N_OUT, N_TOP, KAPPA } from './params';
import { NEURON_LIF, NEURON_ALIF } from './config';
import { decayQ15, q24toQ12, addSat, ONE_Q12 } from './fixed';
import { lifStep } from './neuron-lif';
import { alifStep } from './neuron-alif';
import { rateStep } from './neuron-rate';
import { copy } from './memory';

/** Indices of the non-zero presynaptic values of the current layer (event-driven sums). */
const ACTIVE: usize = memory.data(4 * 160, 16);

/** Inputs are clamped to the Q12 range of +-8 (what an i16 can hold). */
// @ts-ignore: decorator
@inline function clampInput(x: i32): i32 {
  return x > 32767 ? 32767 : x < -32768 ? -32768 : x;
}

export function forward(input: usize): void {
  for (let l = 0; l < LAYERS; l++) {
    const n = lay(l, LF_N);
    const nPre = lay(l, LF_NPRE);
    const P = lay(l, LF_P);
    const o = layPtr(l, LF_O);
    const oPrev = layPtr(l, LF_OPREV);
    const psi = layPtr(l, LF_PSI);
    const pre = layPtr(l, LF_PRE);
    copy(oPrev, o, <usize>n << 2);
    copy(layPtr(l, LF_PSIPREV), psi, <usize>n << 2);
    // p = [o^{l-1}_t ; o^l_{t-1} ; 1]
    if (l == 0) {
      for (let i = 0; i < nPre; i++) store<i32>(pre + (<usize>i << 2), clampInput(load<i32>(input + (<usize>i << 2))));
    } else {
      copy(pre, layPtr(l - 1, LF_O), <usize>nPre << 2);
    }
    if (lay(l, LF_REC)) copy(pre + (<usize>nPre << 2), oPrev, <usize>n << 2);
    store<i32>(pre + (<usize>(P - 1) << 2), ONE_Q12);
    let nActive = 0;
    for (let q = 0; q < P; q++) {
      if (load<i32>(pre + (<usize>q << 2)) != 0) {
        store<i32>(ACTIVE + (<usize>nActive << 2), q);
        nActive++;
      }
    }
    const w = layPtr(l, LF_W);
    const mem = layPtr(l, LF_MEM);
    const adapt = layPtr(l, LF_ADAPT);
    for (let j = 0; j < n; j++) {
      const row = w + (<usize>(j * P) << 1);
      let acc: i64 = 0;
      for (let a = 0; a < nActive; a++) {
        const q = load<i32>(ACTIVE + (<usize>a << 2));
        acc += <i64>load<i16>(row + (<usize>q << 1)) * <i64>load<i32>(pre + (<usize>q << 2));
      }
      const I = q24toQ12(acc);
      const jo = <usize>j << 2;
      let out: i32;
      if (NEURON == NEURON_LIF) out = lifStep(mem + jo, psi + jo, I, load<i32>(oPrev + jo));
      else if (NEURON == NEURON_ALIF) out = alifStep(mem + jo, adapt + jo, psi + jo, I, load<i32>(oPrev + jo));
      else out = rateStep(mem + jo, psi + jo, I);
      store<i32>(o + jo, out);
    }
  }
  // Readout.
  const oL = layPtr(LAYERS - 1, LF_O);
  for (let k = 0; k < N_OUT; k++) {
    let acc: i64 = 0;
    const row = G_V + (<usize>(k * N_TOP) << 1);
    for (let j = 0; j < N_TOP; j++) acc += <i64>load<i16>(row + (<usize>j << 1)) * <i64>load<i32>(oL + (<usize>j << 2));
    const yk = G_Y + (<usize>k << 2);
    store<i32>(yk, addSat(addSat(decayQ15(load<i32>(yk), KAPPA), q24toQ12(acc)), <i32>load<i16>(G_C + (<usize>k << 1))));
  }
}
