// The optimiser, kept apart from the rule: SGD with stochastic rounding onto i16 Q12 weights.
//   w <- clip(w - SR(lr * g)),  lr in Q32, g in Q12, SR = stochastic rounding (random.ts)
// With INTERVAL = 1 each step's gradient estimate is applied at once (no accumulator in memory);
// otherwise it is summed in i32 accumulators and applied every INTERVAL steps (0: never, the
// host reads the accumulated gradient).
import { ACCUMULATE, lay, layPtr, LF_N, LF_NPRE, LF_P, LF_W, LF_GRAD, G_V, G_C, G_GV, G_GC, G_B } from './layout';
import { LR, CLIP, LAYERS, N_OUT, N_TOP } from './params';
import { addSat, mulQ12, isqrt } from './fixed';
import { roundStochastic32, rngSymmetric, rngLoad, rngStore } from './random';

/** Applies one gradient contribution (Q12) to the weight at w (i16) or adds it to the accumulator at g. */
// @ts-ignore: decorator
@inline export function contribute(w: usize, g: usize, contrib: i32): void {
  if (ACCUMULATE) {
    store<i32>(g, addSat(load<i32>(g), contrib));
  } else if (contrib != 0) {
    applyOne(w, contrib);
  }
}

// @ts-ignore: decorator
@inline function applyOne(w: usize, grad: i32): void {
  const dw = roundStochastic32(<i64>LR * <i64>grad);
  let nw = <i32>load<i16>(w) - dw;
  if (nw > CLIP) nw = CLIP;
  if (nw < -CLIP) nw = -CLIP;
  store<i16>(w, <i16>nw);
}

/**
 * One row of a learning signal times a trace (eprop, deep-fact): contrib_q = s trace_q (Q12), then
 * contribute() each. The same as calling contribute() per element (same random draws in the same
 * order), with the PRNG state kept in a local for the row.
 */
export function contributeRow(w: usize, g: usize, trace: usize, P: i32, s: i32): void {
  const end = trace + (<usize>P << 2);
  if (ACCUMULATE) {
    for (let t = trace; t < end; t += 4, g += 4) store<i32>(g, addSat(load<i32>(g), mulQ12(s, load<i32>(t))));
    return;
  }
  let r = rngLoad();
  for (let t = trace; t < end; t += 4, w += 2) {
    const c = mulQ12(s, load<i32>(t));
    if (c == 0) continue;
    r ^= r << 13;
    r ^= r >> 17;
    r ^= r << 5;
    const q = (<i64>LR * <i64>c + <i64>r) >> 32;
    const dw = q > 2147483647 ? 2147483647 : q < -2147483648 ? -2147483648 : <i32>q;
    let nw = <i32>load<i16>(w) - dw;
    if (nw > CLIP) nw = CLIP;
    if (nw < -CLIP) nw = -CLIP;
    store<i16>(w, <i16>nw);
  }
  rngStore(r);
}

function applyArray(w: usize, g: usize, count: i32): void {
  for (let i = 0; i < count; i++) {
    const gp = g + (<usize>i << 2);
    const gi = load<i32>(gp);
    if (gi != 0) applyOne(w + (<usize>i << 1), gi);
    store<i32>(gp, 0);
  }
}

/** Applies and clears every accumulator. */
export function applyAccumulated(): void {
  if (!ACCUMULATE) return;
  for (let l = 0; l < LAYERS; l++) applyArray(layPtr(l, LF_W), layPtr(l, LF_GRAD), lay(l, LF_N) * lay(l, LF_P));
  applyArray(G_V, G_GV, N_OUT * N_TOP);
  applyArray(G_C, G_GC, N_OUT);
}

/** Clears every accumulator without applying. */
export function clearAccumulated(): void {
  if (!ACCUMULATE) return;
  for (let l = 0; l < LAYERS; l++) {
    const g = layPtr(l, LF_GRAD);
    const count = lay(l, LF_N) * lay(l, LF_P);
    for (let i = 0; i < count; i++) store<i32>(g + (<usize>i << 2), 0);
  }
  for (let i = 0; i < N_OUT * N_TOP; i++) store<i32>(G_GV + (<usize>i << 2), 0);
  for (let i = 0; i < N_OUT; i++) store<i32>(G_GC + (<usize>i << 2), 0);
}


/** amp / sqrt(fanIn), amp in Q12. */
function scaled(amp: i32, fanIn: i32): i32 {
  return <i32>((<u32>amp * 64) / isqrt(<u32>fanIn * 4096));
}

/**
 * Seeded initialisation from the core's PRNG: W^l ~ U(+-ampIn/sqrt(n_pre)), R^l ~ U(+-ampRec/sqrt(n_l))
 * with a zero diagonal, b = 0, V and B ~ U(+-ampOut/sqrt(n_L)), c = 0. Amplitudes in Q12.
 */
export function initWeights(ampIn: i32, ampRec: i32, ampOut: i32): void {
  for (let l = 0; l < LAYERS; l++) {
    const n = lay(l, LF_N);
    const P = lay(l, LF_P);
    const nPre = lay(l, LF_NPRE);
    const w = layPtr(l, LF_W);
    const rec = P - 1 - nPre == n;
    const a1 = scaled(ampIn, nPre);
    const a2 = scaled(ampRec, n);
    for (let j = 0; j < n; j++) {
      for (let q = 0; q < P; q++) {
        let v = 0;
        if (q < nPre) v = rngSymmetric(a1);
        else if (q < P - 1 && rec) v = q - nPre == j ? 0 : rngSymmetric(a2);
        store<i16>(w + (<usize>(j * P + q) << 1), <i16>v);
      }
    }
  }
  const a3 = scaled(ampOut, N_TOP);
  for (let i = 0; i < N_OUT * N_TOP; i++) store<i16>(G_V + (<usize>i << 1), <i16>rngSymmetric(a3));
  for (let i = 0; i < N_OUT; i++) store<i16>(G_C + (<usize>i << 1), 0);
  for (let i = 0; i < N_OUT * N_TOP; i++) store<i16>(G_B + (<usize>i << 1), <i16>rngSymmetric(a3));
}
