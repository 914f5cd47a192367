// Row-RMS, the core's normalised optimiser (config OPTIM = 1): the rule of the float64 reference's
// RowRms (host/reference/optim.ts), at a cost per row and per step, never per synapse.
//
// Hidden layer l (n rows, P presynaptic values), every learn() at count t (from 0):
//   row j0 = t mod n samples the mean square of its gradient, m = L_j0^2 mean_q stage_last_j0q^2
//   (g_jq = L_j stage_last_jq, the gradient the SGD rule steps along), then
//     r_j0 <- b_n r_j0 + (1 - b_n) m,  w_j0 <- b_n w_j0 + (1 - b_n),  b_n = beta^n,
//     D_j0 = max(sqrt(r_j0 / w_j0), F_H),  scale_j0 = lr G / D_j0;
//   rows.ts applies a row's pending gradient with its own scale_j instead of the layer's lr G, and
//   the sampled row's pending gradient is applied (flush) with its old scale before the new one is
//   set, so every step's gradient is taken with the scale the float64 rule uses for it. A row never
//   sampled yet has scale 0 (no step).
// Readout, as one matrix [V | c] with inputs [obar, onebar] (n_L + 1 columns), gradient err_k x o_q:
//   every step R_k <- beta R_k + (1 - beta) err_k^2 mean_q o_q^2, w_R <- beta w_R + (1 - beta);
//   column q0 = t mod (n_L + 1): C_q0 <- b C_q0 + (1 - b) o_q0^2 mean_k err_k^2, w_Cq0 likewise,
//     b = beta^(n_L + 1), IB_q0 = 1 / max(sqrt(C_q0 / w_Cq0), F_O) (0 until sampled);
//   A_k = sqrt(R_k / (mean_k R_k w_R)), the step is SGD's with err_k / max(A_k, F_A) for err_k and
//   o_q IB_q for o_q: dV_kq = lr (err_k / max(A_k, F_A)) (obar_q IB_q), dc_k likewise with onebar.
//
// Formats: beta = 32735 / 2^15 (0.99899); F_H = 1e-3, F_O = 1e-2, F_A = 0.1 (gradient units, real);
// every statistic (r, w, scale, R, w_R, C, w_C, IB) is a posfloat word (posfloat.ts: 16-bit
// mantissa and exponent) in real units (m and R in squared gradient units); L, err, obar, onebar
// are Q12 i32; the normalised err and o are Q12 i32, saturated.
import { lay, layPtr, LF_N, LF_P, LF_SIG, LF_TRACE, LF_META, LF_H, LF_RMS, G_OPT_T, G_OPT_R, G_OPT_WR, G_OPT_C, G_OPT_WC, G_OPT_IB, G_OBAR, G_ONEBAR, metaWords } from './layout';
import { LAYERS, N_OUT, N_TOP } from './params';
import { blockShift } from './fixed';
import { readoutStepQ28 } from './weights';
import { MAX_LAYERS } from './config';
import { ld } from './memory';
import { flush, gainOf, lrGainOf } from './rows';
import { pf32, pfMul, pfAdd, pfDiv, pfSqrt, pfMax, pfScale } from './posfloat';

const BETA_Q15: i32 = 32735;
let PF_ONE: i32 = 0, PF_BETA: i32 = 0, PF_1MBETA: i32 = 0, PF_BC: i32 = 0, PF_1MBC: i32 = 0;
let PF_FH: i32 = 0, PF_FO: i32 = 0, PF_FA: i32 = 0, PF_INV_OUT: i32 = 0, PF_INV_COLS: i32 = 0;
/** Per layer: beta^n, 1 - beta^n, 1 / P (posfloat). */
const BN: usize = memory.data(MAX_LAYERS * 4, 16);
const OMBN: usize = memory.data(MAX_LAYERS * 4, 16);
const INVP: usize = memory.data(MAX_LAYERS * 4, 16);
/** Scratch: normalised errors (Q12, n_out) and readout inputs (Q12, n_L + 1: obar, then onebar), and the latter's mantissas. */
const ERR_N: usize = memory.data(4 * 8, 16);
const OBAR_N: usize = memory.data(4 * 65, 16);
const OBAR_M: usize = memory.data(4 * 65, 16);

// @ts-ignore: decorator
@inline function gw(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function sw(p: usize, i: i32, v: i32): void { store<i32>(p + (<usize>i << 2), v); }

/** beta^k and 1 - beta^k as posfloat words (BETA_Q15 applied k times in Q30). */
function powBeta(k: i32): i32 {
  let b: i64 = <i64>1 << 30;
  for (let i = 0; i < k; i++) b = (b * <i64>BETA_Q15 + 16384) >> 15;
  powRest = pf32(<i32>((<i64>1 << 30) - b), 30);
  return pf32(<i32>b, 30);
}
let powRest: i32 = 0;

/** |x|^2 of a Q12 value, real units. */
// @ts-ignore: decorator
@inline function sqQ12(x: i32): i32 {
  const a = pf32(x < 0 ? (x == -2147483648 ? 2147483647 : -x) : x, 12);
  return pfMul(a, a);
}

/** Derives the constants (init). */
export function deriveOptim(): void {
  PF_ONE = pf32(1, 0);
  PF_BETA = powBeta(1); PF_1MBETA = powRest;
  PF_BC = powBeta(N_TOP + 1); PF_1MBC = powRest;
  PF_FH = pf32(1073742, 30); // 1e-3
  PF_FO = pf32(10737418, 30); // 1e-2
  PF_FA = pf32(107374182, 30); // 0.1
  PF_INV_OUT = pf32((1 << 30) / N_OUT, 30);
  PF_INV_COLS = pf32((1 << 30) / (N_TOP + 1), 30);
  for (let l = 0; l < LAYERS; l++) {
    sw(BN, l, powBeta(lay(l, LF_N)));
    sw(OMBN, l, powRest);
    sw(INVP, l, pf32((1 << 30) / lay(l, LF_P), 30));
  }
}

/**
 * Sum of squares of row j's last stage as it is now (its stored mantissas decayed by its M^d), in
 * real units: sum_q (s^_last,q)^2, s^ in Q12 (rows.ts's stage_last = G s^_last).
 */
function lastStageSquares(l: i32, j: i32): i32 {
  const H = lay(l, LF_H);
  const P = lay(l, LF_P);
  const meta = layPtr(l, LF_META) + (<usize>(j * metaWords(H)) << 2);
  const w0 = load<u32>(meta);
  // Row H - 1 of M^d (Q15) and the stage exponents.
  let ta = H == 1 ? <i32>(w0 & 0xffff) : gw(meta, 5); // coefficient of stage 0
  let tb = H == 1 ? 0 : <i32>(w0 >> 16); // of stage 1
  const e0 = gw(meta, 1 + H) & 255;
  const e1 = H > 1 ? gw(meta, 2 + H) & 255 : 0;
  const tmax = ta > tb ? ta : tb;
  if (tmax == 0) return 0;
  // Scale the coefficients up to [2^14, 2^15] (k bits) so that small decays keep their precision.
  let k = 0;
  while ((tmax << k) < 16384) k++;
  ta <<= k; tb <<= k;
  const E = H > 1 && e1 > e0 ? e1 : e0;
  const sa = 15 + E - e0, sb = 15 + E - e1;
  const stride = <usize>(H == 1 ? 2 : 4); // i16 mantissas, interleaved (rows.ts with W1 = W20 = W21 = 2)
  let p = layPtr(l, LF_TRACE) + <usize>(j * P) * stride;
  const end = p + <usize>P * stride;
  // (A stage more than 31 bits below the other adds nothing: its coefficient is set to 0.)
  if (sa > 31) ta = 0;
  if (sb > 31) tb = 0;
  const ra = sa > 31 ? 0 : sa, rb = sb > 31 ? 0 : sb;
  let ss = 0;
  if (H == 1) {
    for (; p < end; p += stride) {
      const x1 = ((ta * <i32>load<i16>(p)) >> ra) >> 1;
      ss += (x1 * x1) >> 7;
    }
  } else {
    for (; p < end; p += stride) {
      const x1 = (((ta * <i32>load<i16>(p)) >> ra) + ((tb * <i32>load<i16>(p + 2)) >> rb)) >> 1;
      ss += (x1 * x1) >> 7;
    }
  }
  // value = x 2^(E - k) in Q12; x^2 = 2^9 (x1^2 >> 7) (up to rounding): sum value^2 = ss 2^(9 + 2E - 2k) / 2^24.
  return pf32(ss, 24 - 9 - 2 * (E - k));
}

/** Hidden layer l, before this step's signals enter the rows: samples row t mod n and sets its scale. */
export function sampleRow(l: i32): void {
  const G = gainOf(l), lrG = lrGainOf(l);
  const n = lay(l, LF_N);
  const j = load<i32>(G_OPT_T) % n;
  flush(l, j); // the pending gradient, with the old scale
  const L = ld(layPtr(l, LF_SIG), j);
  const m = pfMul(pfMul(sqQ12(L), pfMul(G, G)), pfMul(lastStageSquares(l, j), gw(INVP, l)));
  const rp = layPtr(l, LF_RMS) + <usize>(j * 12);
  const bn = gw(BN, l), ombn = gw(OMBN, l);
  const r = pfAdd(pfMul(bn, load<i32>(rp)), pfMul(ombn, m));
  const w = pfAdd(pfMul(bn, load<i32>(rp + 4)), ombn);
  store<i32>(rp, r);
  store<i32>(rp + 4, w);
  store<i32>(rp + 8, pfDiv(lrG, pfMax(pfSqrt(pfDiv(r, w)), PF_FH)));
}

/**
 * Readout: updates R, w_R and one column's C, w_C, IB, then writes the normalised errors to ERR_N
 * and the normalised [obar, onebar] to OBAR_N (Q12).
 */
export function normaliseReadout(err: usize): void {
  const t = load<i32>(G_OPT_T);
  const onebar = load<i32>(G_ONEBAR);
  // mean over the n_L + 1 inputs of o_q^2, and mean over outputs of err_k^2 (real units)
  let so = sqQ12(onebar);
  for (let q = 0; q < N_TOP; q++) so = pfAdd(so, sqQ12(ld(G_OBAR, q)));
  so = pfMul(so, PF_INV_COLS);
  let se = 0;
  const wR = pfAdd(pfMul(PF_BETA, load<i32>(G_OPT_WR)), PF_1MBETA);
  store<i32>(G_OPT_WR, wR);
  let meanR = 0;
  for (let k = 0; k < N_OUT; k++) {
    const e2 = sqQ12(ld(err, k));
    se = pfAdd(se, e2);
    const R = pfAdd(pfMul(PF_BETA, gw(G_OPT_R, k)), pfMul(PF_1MBETA, pfMul(e2, so)));
    sw(G_OPT_R, k, R);
    meanR = pfAdd(meanR, R);
  }
  se = pfMul(se, PF_INV_OUT);
  meanR = pfMul(meanR, PF_INV_OUT);
  const denom = pfMul(meanR, wR);
  for (let k = 0; k < N_OUT; k++) {
    const A = pfSqrt(pfDiv(gw(G_OPT_R, k), denom));
    sw(ERR_N, k, pfScale(ld(err, k), pfDiv(PF_ONE, pfMax(A, PF_FA))));
  }
  const q0 = t % (N_TOP + 1);
  const o = q0 < N_TOP ? ld(G_OBAR, q0) : onebar;
  const C = pfAdd(pfMul(PF_BC, gw(G_OPT_C, q0)), pfMul(PF_1MBC, pfMul(sqQ12(o), se)));
  const wC = pfAdd(pfMul(PF_BC, gw(G_OPT_WC, q0)), PF_1MBC);
  sw(G_OPT_C, q0, C);
  sw(G_OPT_WC, q0, wC);
  sw(G_OPT_IB, q0, pfDiv(PF_ONE, pfMax(pfSqrt(pfDiv(C, wC)), PF_FO)));
  for (let q = 0; q < N_TOP; q++) sw(OBAR_N, q, pfScale(ld(G_OBAR, q), gw(G_OPT_IB, q)));
  sw(OBAR_N, N_TOP, pfScale(onebar, gw(G_OPT_IB, N_TOP)));
}

/** The readout step with the normalised err and o (weights.ts readoutStepQ28, as SGD's). */
export function readoutStep(): void {
  readoutStepQ28(ERR_N, OBAR_M, blockShift(OBAR_N, OBAR_M, N_TOP + 1));
}

/** After the learning step: t <- t + 1. */
export function advanceOptim(): void {
  store<i32>(G_OPT_T, load<i32>(G_OPT_T) + 1);
}

/** optim()'s phases: at init, in learn() before the hidden layers' signals enter the rows, after them. */
export const OPTIM_INIT = 0;
export const OPTIM_BEFORE = 1;
export const OPTIM_AFTER = 2;

/**
 * The one entry of the row-RMS optimiser (core.ts init, learn.ts learnStep). One function called
 * from three places, so that binaryen does not inline the optimiser into init() and learnStep():
 * an interpreter that compiles a function when it is first called (WASM3) then compiles none of
 * it for an SGD net.
 */
export function optim(phase: i32, err: usize): void {
  if (phase == OPTIM_INIT) {
    deriveOptim();
  } else if (phase == OPTIM_BEFORE) {
    // Each layer's sampled row takes its new scale before this step's signals enter the rows.
    for (let l = 0; l < LAYERS; l++) sampleRow(l);
  } else {
    normaliseReadout(err);
    readoutStep();
    advanceOptim();
  }
}

