// The optimiser, kept apart from the rule: SGD with stochastic rounding onto i16 Q12 weights.
//   w <- clip(w - SR(lr * g)),  lr in Q32, g in Q12, SR = stochastic rounding (random.ts)
// With INTERVAL = 1 each step's gradient estimate is applied at once (no accumulator in memory);
// otherwise it is summed in i32 accumulators and applied every INTERVAL steps (0: never, the
// host reads the accumulated gradient).
import { ACCUMULATE, lay, layPtr, LF_N, LF_NPRE, LF_P, LF_W, LF_GRAD, G_V, G_C, G_GV, G_GC, G_B, G_VLO, G_CLO } from './layout';
import { LR, CLIP, LAYERS, N_OUT, N_TOP } from './params';
import { addSat, mulQ12, isqrt, blockCoefficient, BLOCK_K } from './fixed';
import { ld } from './memory';
import { roundStochastic32, rngSymmetric, rngLoad, rngStore } from './random';

/**
 * The online readout step (interval 1; SGD and row-RMS, optim.ts): [V | c]_kq -= lr err_k o_q for
 * err (i32 Q12 [n_out]) and o = [obar | onebar] given as 15-bit mantissas om (i32 [n_L + 1]) times
 * 2^kb (blockShift), in Q28: V = (V16 << 16 + VLO) / 2^28, c likewise with CLO, rounded to nearest
 * (at 16 more bits than Q12 no stochastic rounding is needed: in Q12 a step of lr err obar ~ 1e-7
 * is a thousandth of an LSB, and the noise of rounding it stochastically kept V from settling),
 * clipped to +-CLIP. V16 and c16, the Q28 values rounded to Q12, are what the forward pass and the
 * learning signals read. Per output k one coefficient kc / 2^sh = err_k lr 2^kb / 2^28 (lr in Q32).
 */
export function readoutStepQ28(err: usize, om: usize, kb: i32): void {
  for (let k = 0; k < N_OUT; k++) {
    const e = ld(err, k);
    if (e == 0) continue;
    const sh = blockCoefficient(<i64>e * <i64>LR, 28 - kb);
    if (sh < 0) continue;
    const kc = BLOCK_K;
    const half = sh > 0 ? 1 << (sh - 1) : 0;
    const row = <usize>(k * N_TOP) << 1;
    const lim = CLIP << 16;
    // Row k of V (q < n_L), then c_k (q = n_L, the bias column); V's residual is at hi + dlo.
    let hi = G_V + row;
    const dlo = G_VLO - G_V;
    const end = om + (<usize>N_TOP << 2);
    for (let p = om; p < end; p += 4, hi += 2) stepQ28(hi, hi + dlo, kc * load<i32>(p), half, sh, lim);
    stepQ28(G_C + (<usize>k << 1), G_CLO + (<usize>k << 1), kc * load<i32>(end), half, sh, lim);
  }
}

/** One Q28 weight (i16 hi << 16 + i16 lo) minus (x + half) >> sh, clipped to lim = CLIP 2^16 (readoutStepQ28). */
// @ts-ignore: decorator
@inline function stepQ28(hi: usize, lo: usize, x: i32, half: i32, sh: i32, lim: i32): void {
  if (x == 0) return;
  // |x| < 2^29 and |w| <= CLIP 2^16 < 2^31: the difference fits an i32 before the clip.
  let w = (<i32>load<i16>(hi) << 16) + <i32>load<i16>(lo) - ((x + half) >> sh);
  if (w > lim) w = lim;
  if (w < -lim) w = -lim;
  const w16 = (w + 32768) >> 16;
  store<i16>(hi, <i16>w16);
  store<i16>(lo, <i16>(w - (w16 << 16)));
}

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
