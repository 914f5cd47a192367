// The forward pass: every layer in order within the step (feed-forward), each one's recurrence from
// the previous step, then the leaky readout y_t = kappa y_{t-1} + V o^L_t + c.
import { lay, layPtr, LF_H, LF_EPSV, LF_N, LF_NPRE, LF_P, LF_REC, LF_W, LF_MEM, LF_ADAPT, LF_O, LF_PSI, LF_PSIPREV, LF_PRE, G_Y, G_V, G_C } from './layout';
import { LAYERS, NEURON, N_OUT, N_TOP, KAPPA, A, ONE_MINUS_A } from './params';
import { setMaxE } from './rows';
import { NEURON_LIF, NEURON_ALIF, NEURON_RATE } from './config';
import { decayQ15, addSat, ONE_Q12 } from './fixed';
import { lifStep } from './neuron-lif';
import { alifStep } from './neuron-alif';
import { rateStep } from './neuron-rate';
import { copy } from './memory';

/** Byte offsets of the current layer's presynaptic spikes and other non-zero values (event-driven sums). */
const SPIKES: usize = memory.data(2 * 132, 16); // u16
const ACTIVE: usize = memory.data(2 * 132, 16); // u16
const AVAL: usize = memory.data(4 * 132, 16);

/** e^_q <- a e^_q + (1 - a) p_q at pe (i16 Q12), rounded; returns the new e^_q. */
// @ts-ignore: decorator
@inline function inputTraceStep(pe: usize, v: i32): i32 {
  const u = (A * <i32>load<i16>(pe) + ONE_MINUS_A * v + 16384) >> 15;
  store<i16>(pe, <i16>u);
  return u;
}

/** Inputs are clamped to the Q12 range of +-8 (what an i16 can hold). */
// @ts-ignore: decorator
@inline function clampInput(x: i32): i32 {
  return x > 32767 ? 32767 : x < -32768 ? -32768 : x;
}

export function forward(input: usize): void {
  // The inputs, clamped in place (the caller writes them anew every step).
  const nIn0 = lay(0, LF_NPRE);
  for (let q = 0; q < nIn0; q++) {
    const p = input + (<usize>q << 2);
    store<i32>(p, clampInput(load<i32>(p)));
  }
  for (let l = 0; l < LAYERS; l++) {
    const n = lay(l, LF_N);
    const nPre = lay(l, LF_NPRE);
    const P = lay(l, LF_P);
    const o = layPtr(l, LF_O);
    const psi = layPtr(l, LF_PSI);
    const pre = layPtr(l, LF_PRE);
    if (NEURON == NEURON_ALIF) copy(layPtr(l, LF_PSIPREV), psi, <usize>n << 2);
    // p = [o^{l-1}_t ; o^l_{t-1} ; 1], and the byte offsets (into a weight row) of its non-zero
    // entries: spikes (exactly 1.0) in one list, every other value in the other.
    // Event-driven rows (rows.ts) take p only through their input trace e^, so for them the trace
    // is updated here, e^_q <- a e^_q + (1 - a) p_q (i16 Q12: a convex mix of clamped p), and p is
    // not stored; the dense engines (traces.ts) read p from PRE.
    const rows = lay(l, LF_H) > 0;
    const ep = rows ? layPtr(l, LF_EPSV) : pre;
    let nS = 0, nA = 0, mx = 0;
    const src = l == 0 ? input : layPtr(l - 1, LF_O);
    const nIn = lay(l, LF_REC) ? nPre + n : nPre;
    // Two runs of q: the layer below (q < nPre, clamped at the input layer), then o^l_{t-1} (this
    // layer is not updated yet). qb is q's byte offset into a weight row (i16), pe walks EPSV
    // (rows: i16, so qb = pe - ep) or PRE (i32).
    let qb = 0;
    let pe = ep;
    for (let run = 0; run < 2; run++) {
      let from = run == 0 ? src : o;
      const end = from + (<usize>(run == 0 ? nPre : nIn - nPre) << 2);
      if (rows && NEURON != NEURON_RATE && (run == 1 || l > 0)) {
        // Spikes of a LIF/ALIF layer: every value is 0 or exactly 1.0.
        for (; from < end; from += 4, pe += 2) {
          const v = load<i32>(from);
          const u = inputTraceStep(pe, v);
          mx |= u ^ (u >> 31);
          if (v != 0) { store<u16>(SPIKES + (<usize>nS << 1), pe - ep); nS++; }
        }
        qb = <i32>(pe - ep);
        continue;
      }
      for (; from < end; from += 4, qb += 2) {
        const v = load<i32>(from);
        if (rows) {
          const u = inputTraceStep(pe, v);
          pe += 2;
          mx |= u ^ (u >> 31);
        } else {
          store<i32>(pe, v);
          pe += 4;
        }
        if (v == ONE_Q12) { store<u16>(SPIKES + (<usize>nS << 1), qb); nS++; }
        else if (v != 0) { store<u16>(ACTIVE + (<usize>nA << 1), qb); store<i32>(AVAL + (<usize>nA << 2), v); nA++; }
      }
    }
    if (rows) {
      const eb = ep + (<usize>(P - 1) << 1);
      const u = (A * <i32>load<i16>(eb) + ONE_MINUS_A * ONE_Q12 + 16384) >> 15;
      store<i16>(eb, <i16>u);
      setMaxE(l, mx | u);
    } else {
      store<i32>(ep + (<usize>(P - 1) << 2), ONE_Q12);
    }
    store<u16>(SPIKES + (<usize>nS << 1), (P - 1) << 1);
    nS++;
    const w = layPtr(l, LF_W);
    const mem = layPtr(l, LF_MEM);
    const adapt = layPtr(l, LF_ADAPT);
    const sEnd = SPIKES + (<usize>nS << 1);
    const sEnd2 = sEnd - 2; // pairs while a + 2 < sEnd (nS >= 1: the bias)
    const aEnd = ACTIVE + (<usize>nA << 1);
    for (let j = 0; j < n; j++) {
      const row = w + (<usize>(j * P) << 1);
      // i32 sums in Q16: a spike adds (w 4096 + 128) >> 8 = 16 w exactly; any other value
      // (w p + 128) >> 8 with |w p| < 2^30; at most 129 terms of < 2^22.
      let sum = 0;
      let a = SPIKES;
      for (; a < sEnd2; a += 4) sum += <i32>load<i16>(row + <usize>load<u16>(a)) + <i32>load<i16>(row + <usize>load<u16>(a, 2));
      if (a < sEnd) sum += <i32>load<i16>(row + <usize>load<u16>(a));
      let acc = sum << 4;
      for (let a = ACTIVE, b = AVAL; a < aEnd; a += 2, b += 4) acc += (<i32>load<i16>(row + <usize>load<u16>(a)) * load<i32>(b) + 128) >> 8;
      const I = (acc + 8) >> 4;
      const jo = <usize>j << 2;
      let out: i32;
      // o_j still holds z_{t-1} (the reset and ALIF adaptation need it) until out replaces it.
      if (NEURON == NEURON_LIF) out = lifStep(mem + jo, psi + jo, I, load<i32>(o + jo));
      else if (NEURON == NEURON_ALIF) out = alifStep(mem + jo, adapt + jo, psi + jo, I, load<i32>(o + jo));
      else out = rateStep(mem + jo, psi + jo, I);
      store<i32>(o + jo, out);
    }
  }
  // Readout, event-driven: only the non-zero top outputs (spikes, or rate units' values).
  const oL = layPtr(LAYERS - 1, LF_O);
  let nT = 0;
  for (let j = 0; j < N_TOP; j++) {
    const v = load<i32>(oL + (<usize>j << 2));
    if (v == 0) continue;
    store<u16>(ACTIVE + (<usize>nT << 1), j << 1);
    store<i32>(AVAL + (<usize>nT << 2), v);
    nT++;
  }
  const tEnd = ACTIVE + (<usize>nT << 1);
  for (let k = 0; k < N_OUT; k++) {
    let acc = 0;
    const row = G_V + (<usize>(k * N_TOP) << 1);
    for (let a = ACTIVE, b = AVAL; a < tEnd; a += 2, b += 4) acc += (<i32>load<i16>(row + <usize>load<u16>(a)) * load<i32>(b) + 128) >> 8;
    const yk = G_Y + (<usize>k << 2);
    store<i32>(yk, addSat(addSat(decayQ15(load<i32>(yk), KAPPA), (acc + 8) >> 4), <i32>load<i16>(G_C + (<usize>k << 1))));
  }
}
