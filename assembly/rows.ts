// Event-driven trace rows: the eprop and deep-fact traces of LIF and rate layers, touched only when
// they change. (ALIF and deep-full keep the dense recursion in traces.ts.)
//
// The maths is traces.ts's filter cascade, written for one row j (all synapses q of unit j):
//   stage_0 <- leak_0 stage_0 + psi_j eps_q,   stage_h <- leak_h stage_h + stage_{h-1} (h = 1..H-1),
//   leak_h = a for every stage but the last, kappa for the last; H = 1 (eprop) or L - l (deep-fact).
// Normalised, so that no stage grows past its input and every matrix power stays within [0, 1]:
//   e^_q = (1 - a) eps_q (LIF) or eps_q (rate: already (1 - a)-weighted), kept per input in EPSV:
//          e^_q <- a e^_q + (1 - a) p_q
//   s^_0 <- leak_0 s^_0 + psi_j e^_q,   s^_h <- leak_h s^_h + (1 - leak_h) s^_{h-1}(new)
//   stage_last = G s^_last,  G = (LIF: 1 / (1 - a)) x prod_{h >= 1} 1 / (1 - leak_h).
// Without input (psi_j = 0) a row only decays: s^(t0 + d) = M^d s^(t0), M lower-triangular, so a
// row is brought up to date ("materialised") only when psi_j != 0. Each row keeps its own M^d (the
// decay since it was last materialised), advanced by one M per step (a few i32 operations per row)
// and reset to I when the row is materialised. The gradient of the steps in between is kept per
// row, not per synapse:
//   sum_t L_j(t) stage_last(t) = G sum_h Gamma_h s^_h(t0),   Gamma_h = sum_t L_j(t) (M^{d_t})_{H-1,h}
// and applied (SGD with stochastic rounding, or added to the accumulator) when the row is next
// materialised, on sync(), or by the sweep: every SWEEP_EVERY steps one row per layer, round-robin,
// applies what it has pending (a pass over its synapses that leaves its stages as they are), so no
// update waits longer than SWEEP_EVERY n steps, even for a unit that has gone silent.
//
// Formats:
//   e^ (EPSV)       i16 Q12 (a convex mix of inputs clamped to [-8, 8))
//   s^ (TRACE)      i16 mantissa m with a per-row, per-stage exponent e: s^ = m 2^e in Q12
//   META, 3 H words per row:
//     word 0        M^d, u16 Q15 entries in [0, 1]: H = 1: (M^d)_00 in bits 0-15; H = 2: (M^d)_00 in
//                   bits 0-15, (M^d)_11 in bits 16-31
//     words 1..H    Gamma_h, i32 Q20 (saturating; |Gamma| < 2048): finer than the Q12 signals, so
//                   that the small terms L (M^d)_{H-1,h} of a long gap are not rounded away
//     words H+1..2H (max |m| << 8) | e of each stage
//     word 5        H = 2: (M^d)_10, Q15
//   coefficients    per row: k_h (|k_h| < 2^13) and one shift SH, so that a synapse's update is
//                   (sum_h k_h m_h + rounding) >> SH in i32: no i64 in any per-synapse loop.
import { lay, layPtr, ACCUMULATE, ROW_RMS, LF_N, LF_P, LF_W, LF_PSI, LF_EPSV, LF_GRAD, LF_TRACE, LF_META, LF_H, LF_RMS, G_STEPS, SWEEP_EVERY, metaWords } from './layout';
import { pf32, pfMant15, pfExp15 } from './posfloat';
import { LAYERS, NEURON, A, ONE_MINUS_A, KAPPA, LR, CLIP } from './params';
import { NEURON_LIF, MAX_LAYERS } from './config';
import { ONE_Q15, addSat, sat32 } from './fixed';
import { rngLoad, rngStore, lcgNext } from './random';

/** Per layer: G and lr G as mantissa (in [2^14, 2^15)) and exponent: value = M / 2^E. */
const G_M: usize = memory.data(MAX_LAYERS * 4, 16);
const G_E: usize = memory.data(MAX_LAYERS * 4, 16);
const LG_M: usize = memory.data(MAX_LAYERS * 4, 16);
const LG_E: usize = memory.data(MAX_LAYERS * 4, 16);
/** Per layer and stage: leak (Q15) and the input weight b_h = prod_{i=1..h} (1 - leak_i) (Q15). */
const LEAK: usize = memory.data(MAX_LAYERS * MAX_LAYERS * 4, 16);
const BIN: usize = memory.data(MAX_LAYERS * MAX_LAYERS * 4, 16);
/** Scratch: the coefficients k_h of a row. */
const KBUF: usize = memory.data(4 * MAX_LAYERS, 16);

// @ts-ignore: decorator
@inline function gi(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function si(p: usize, i: i32, v: i32): void { store<i32>(p + (<usize>i << 2), v); }

/** normalise(): exponent of the last result. */
let normE: i32 = 0;

/** M / 2^E normalised so that 2^14 <= |M| < 2^15 (M = 0 stays 0); returns M, sets normE. */
function normalise(m: i64, e: i32): i32 {
  if (m == 0) { normE = 0; return 0; }
  while (m >= 32768 || m <= -32768) { m = (m + 1) >> 1; e--; }
  while (m < 16384 && m > -16384) { m <<= 1; e++; }
  normE = e;
  return <i32>m;
}

/** Derives the per-layer constants (init). */
export function deriveRows(): void {
  for (let l = 0; l < LAYERS; l++) {
    const H = lay(l, LF_H);
    if (H == 0) continue;
    const lp = LEAK + (<usize>(l * MAX_LAYERS) << 2);
    const bp = BIN + (<usize>(l * MAX_LAYERS) << 2);
    let b: i32 = ONE_Q15;
    // G as m / 2^e, one factor 2^15 / (1 - leak) at a time (Q15 leaks).
    let m: i32 = 16384, e: i32 = 14;
    if (NEURON == NEURON_LIF) { m = normalise((<i64>m << 15) / <i64>ONE_MINUS_A, e); e = normE; }
    for (let h = 0; h < H; h++) {
      const leak = h == H - 1 ? KAPPA : A;
      si(lp, h, leak);
      if (h > 0) {
        const c = ONE_Q15 - leak;
        b = <i32>((<i64>b * <i64>c + 16384) >> 15);
        m = normalise((<i64>m << 15) / <i64>c, e);
        e = normE;
      }
      si(bp, h, b);
    }
    si(G_M, l, m); si(G_E, l, e);
    si(LG_M, l, normalise(<i64>LR * <i64>m, e)); si(LG_E, l, normE);
  }
}

/** Layer l's G and lr G as posfloat words (optim.ts). */
export function gainOf(l: i32): i32 { return pf32(gi(G_M, l), gi(G_E, l)); }
export function lrGainOf(l: i32): i32 { return pf32(gi(LG_M, l), gi(LG_E, l)); }

/**
 * The step coefficients of row j for SGD: mantissa in [2^14, 2^15) (returned) and exponent (in
 * gainE): the layer's lr G, or with row-RMS the row's own scale (optim.ts; 0 until sampled).
 */
let gainE: i32 = 0;
function rowLrGain(l: i32, j: i32): i32 {
  if (!ROW_RMS) { gainE = gi(LG_E, l); return gi(LG_M, l); }
  const s = load<i32>(layPtr(l, LF_RMS) + <usize>(j * 12) + 8);
  gainE = pfExp15(s);
  return pfMant15(s);
}

/**
 * Per-row coefficients for sum_h m_h P_h 2^-(T - e_h): k_h into KBUF with |k_h| < 2^13, and the
 * shift SH in [minSh, 30] returned (SGD asks for >= 1: its rounding offset is r >> (32 - SH)). -1 when every P_h is 0. (i64 here is per row, not per synapse.)
 */
function coefficients(l: i32, meta: usize, H: i32, mant: i32, T: i32, minSh: i32): i32 {
  let sh: i32 = 30;
  let any = false;
  for (let h = 0; h < H; h++) {
    const P = <i64>gi(meta, 1 + h) * <i64>mant;
    if (P == 0) continue;
    any = true;
    const bits = 64 - <i32>clz<i64>(P < 0 ? -P : P);
    const lim = kBits(H) - bits + T - (gi(meta, 1 + H + h) & 255);
    if (lim < sh) sh = lim;
  }
  if (!any) return -1;
  if (sh < minSh) sh = minSh;
  for (let h = 0; h < H; h++) {
    const P = <i64>gi(meta, 1 + h) * <i64>mant;
    const s = T - (gi(meta, 1 + H + h) & 255) - sh;
    const kMax: i64 = (<i64>1 << kBits(H)) - 1;
    let k: i64 = s > 0 ? (s >= 63 ? 0 : (P + (<i64>1 << (s - 1))) >> s) : s < -40 ? (P > 0 ? kMax : -kMax) : P << (-s);
    if (k > kMax) k = kMax;
    if (k < -kMax) k = -kMax;
    si(KBUF, h, <i32>k);
  }
  return sh;
}


/**
 * Width of the stage mantissas (build-time constants below): i16 everywhere (the default), or i8 for
 * one-stage rows and for the second stage of two-stage rows, which takes mcu-ref's state from
 * 19,136 B to 15,744 B (core 1.4). Measured with W1 = 1, W20 = 2, W21 = 1 (an i8 stage keeps its
 * row's true maximum, seenMax, so that its exponent follows the row): pattern task (SGD) 0.95-1.05x
 * float64 on seeds 1-5, but 99.5k wasm instructions per mcu-ref learning step on the bench workload
 * (seed 7) and 85.0k on the mean of seeds 1-5, against 90.9k and 74.5k with i16: the pass costs
 * about 8 instructions more per i8 stage and synapse (the maximum), and the learned weights leave
 * more units with a pseudo-derivative.
 * |m| < mantMaxOf(H, h); per-row coefficients |k_h| <= 2^kBits(H) - 1, so sum_h k_h m_h fits an i32.
 */
/** rowPass (ADVANCE): an OR of the magnitudes of the new i8 mantissas of stage 0 and 1. */
let seenMax0: i32 = 0, seenMax1: i32 = 0;

/** Bytes of stage h's mantissa in a row of H stages: one-stage rows, then the two of two-stage rows. */
const W1: i32 = 2, W20: i32 = 2, W21: i32 = 2;
// @ts-ignore: decorator
@inline function mantBytesOf(H: i32, h: i32): i32 { return H == 1 ? W1 : h == 0 ? W20 : W21; }
// @ts-ignore: decorator
@inline function mantMaxOf(H: i32, h: i32): i32 { return mantBytesOf(H, h) == 1 ? 127 : 32767; }
// @ts-ignore: decorator
@inline function kBits(H: i32): i32 { return (H == 1 ? W1 : W20 < W21 ? W20 : W21) == 1 ? 21 : 13; }
/** Bytes per synapse of a row set's stages. */
// @ts-ignore: decorator
@inline export function rowBytes(H: i32): i32 { return H == 1 ? W1 : W20 + W21; }

/** Largest |e^| of each layer this step (an upper bound: an OR of magnitudes), for the exponents. */
const MAXE: usize = memory.data(MAX_LAYERS * 4, 16);

/** Smallest exponent e <= 15 with (B >> e) < mx: mantissas of values up to B fit below mx. */
// @ts-ignore: decorator
@inline function exponentFor(B: i64, mx: i32): i32 {
  let e = 0;
  while (e < 15 && (B >> e) >= <i64>mx) e++;
  return e;
}

/**
 * Headroom of a new mantissa under its stage's limit, and what a stored maximum adds to its bound:
 * a pass coefficient is rounded once per row (below 1/2 unit of the result per term, three terms
 * at most) and the result once more, so a new mantissa is within 2 units of the exact value; the
 * bounds floor twice (below 1 unit). Exponents are chosen with the limit lowered by MARGIN, and an
 * i16 stage's stored maximum is its bound plus MARGIN, so it stays an upper bound step after step.
 */
const MARGIN: i32 = 3;

/** x 2^s rounded to nearest, half up (s of either sign), as an i32: the caller's bound keeps it in range. */
// @ts-ignore: decorator
@inline function scaleRound(x: i64, s: i32): i32 {
  if (s >= 0) return <i32>(x << s);
  if (s < -62) return 0;
  return <i32>((x + (<i64>1 << (-s - 1))) >> -s);
}

/**
 * Brings row j of layer l up to date: applies its pending gradient, decays its stages by M^d and
 * adds the input psi e^ (c = psi_j != 0), then M^d = I. H <= 2 (layout.ts: deeper deep-fact nets
 * keep the dense traces) in one pass over the row, exponents chosen from bounds:
 *   |new_0| <= M_00 max|s^_0| + max|x|,  |new_1| <= M_11 max|s^_1| + M_10 max|s^_0| + b_1 max|x|.
 * The pass computes each new mantissa with one shift (Q15 coefficients of the row, rowPass()):
 *   m0' = (A0 m0 + C0 e^ + 2^14) >> 15,           A0 = M_00 2^(e0 - ne0),  C0 = psi 2^(3 - ne0)
 *   m1' = (A11 m1 + A10 m0 + C1 e^ + 2^14) >> 15,  A11 = M_11 2^(e1 - ne1), A10 = M_10 2^(e0 - ne1),
 *                                                  C1 = b_1 psi 2^(-12 - ne1)
 * (M in Q15, psi and e^ in Q12, s^_h = m_h 2^e_h in Q12, ne_h the new exponents). Each term is below
 * 2^15 times the new mantissa's bound (< 2^15), so the sum fits an i32.
 */
export function materialise(l: i32, j: i32, c: i32): void {
  const H = lay(l, LF_H);
  const P = lay(l, LF_P);
  const meta = layPtr(l, LF_META) + (<usize>(j * metaWords(H)) << 2);
  const w0 = load<u32>(meta);
  const t00 = <i32>(w0 & 0xffff);
  const t10 = H > 1 ? gi(meta, 5) : 0;
  const t11 = H > 1 ? <i32>(w0 >> 16) : 0;
  store<u32>(meta, H > 1 ? 0x80008000 : 0x8000);
  if (H > 1) si(meta, 5, 0);
  let sh: i32;
  if (ACCUMULATE) sh = coefficients(l, meta, H, gi(G_M, l), 20 + gi(G_E, l), 0);
  else {
    const gm = rowLrGain(l, j);
    sh = coefficients(l, meta, H, gm, 52 + gainE, 1);
  }
  for (let h = 0; h < H; h++) si(meta, 1 + h, 0);
  const em0 = gi(meta, 1 + H);
  const em1 = H > 1 ? gi(meta, 2 + H) : 0;
  if (c > 32767) c = 32767;
  if (c < -32767) c = -32767;
  if (em0 == 0 && em1 == 0 && c == 0) return; // an all-zero row stays zero
  const e0 = em0 & 255, e1 = em1 & 255;
  const top0 = <i64>(em0 >> 8), top1 = <i64>(em1 >> 8);
  const maxX = ((<i64>(c < 0 ? -c : c) * <i64>gi(MAXE, l)) >> 12) + 1;
  const b1 = H > 1 ? gi(BIN + (<usize>(l * MAX_LAYERS) << 2), 1) : 0;
  const B0 = (((<i64>t00 * top0) << e0) >> 15) + maxX + 2;
  const B1 = ((((<i64>t11 * top1) << e1) + ((<i64>t10 * top0) << e0)) >> 15) + ((<i64>b1 * maxX) >> 15) + 3;
  const ne0 = exponentFor(B0, mantMaxOf(H, 0) - MARGIN);
  const ne1 = H > 1 ? exponentFor(B1, mantMaxOf(H, 1) - MARGIN) : 0;
  const a0 = scaleRound(<i64>t00, e0 - ne0);
  const c0 = scaleRound(<i64>c, 3 - ne0);
  const a11 = H > 1 ? scaleRound(<i64>t11, e1 - ne1) : 0;
  const a10 = H > 1 ? scaleRound(<i64>t10, e0 - ne1) : 0;
  const c1 = H > 1 ? scaleRound(<i64>b1 * <i64>c, -12 - ne1) : 0;
  const k0 = sh >= 0 ? gi(KBUF, 0) : 0;
  const k1 = sh >= 0 && H > 1 ? gi(KBUF, 1) : 0;
  const row = <usize>(j * P);
  if (sh >= 0 && ACCUMULATE) rowPassAccumulate(H, true, l, row, P, sh, k0, k1, a0, c0, a11, a10, c1);
  else if (sh >= 0) {
    if (H == 1) rowPass(1, true, true, false, l, row, P, sh, k0, 0, a0, c0, 0, 0, 0);
    else rowPass(2, true, true, false, l, row, P, sh, k0, k1, a0, c0, a11, a10, c1);
  } else {
    if (H == 1) rowPass(1, true, false, false, l, row, P, 0, 0, 0, a0, c0, 0, 0, 0);
    else rowPass(2, true, false, false, l, row, P, 0, 0, 0, a0, c0, a11, a10, c1);
  }
  // New maxima: for an i8 stage what the pass saw (an OR of magnitudes: below 2 max), so that its
  // next exponent follows the row rather than a chain of bounds; for an i16 stage the bound the
  // exponent came from, plus the rounding headroom.
  const q0 = mantBytesOf(H, 0) == 1 ? <i64>seenMax0 : (B0 >> ne0) + MARGIN;
  si(meta, 1 + H, ((q0 > mantMaxOf(H, 0) ? mantMaxOf(H, 0) : <i32>q0) << 8) | ne0);
  if (H > 1) {
    const q1 = mantBytesOf(H, 1) == 1 ? <i64>seenMax1 : (B1 >> ne1) + MARGIN;
    si(meta, 2 + H, ((q1 > mantMaxOf(H, 1) ? mantMaxOf(H, 1) : <i32>q1) << 8) | ne1);
  }
}

/** Applies row j's pending gradient (if any) and leaves its stages and M^d as they are. */
export function flush(l: i32, j: i32): void {
  const H = lay(l, LF_H);
  const meta = layPtr(l, LF_META) + (<usize>(j * metaWords(H)) << 2);
  let sh: i32;
  if (ACCUMULATE) sh = coefficients(l, meta, H, gi(G_M, l), 20 + gi(G_E, l), 0);
  else {
    const gm = rowLrGain(l, j);
    sh = coefficients(l, meta, H, gm, 52 + gainE, 1);
  }
  // sh < 0: nothing to apply (every Gamma_h is 0, or the row-RMS scale is 0: a row not sampled yet
  // drops its pending gradient, as the float64 rule does).
  for (let h = 0; h < H; h++) si(meta, 1 + h, 0);
  if (sh < 0) return;
  const P = lay(l, LF_P);
  const row = <usize>(j * P);
  const k0 = gi(KBUF, 0);
  const k1 = H > 1 ? gi(KBUF, 1) : 0;
  if (ACCUMULATE) rowPassAccumulate(H, false, l, row, P, sh, k0, k1, 0, 0, 0, 0, 0);
  else if (H == 1) rowPass(1, false, true, false, l, row, P, sh, k0, 0, 0, 0, 0, 0, 0);
  else rowPass(2, false, true, false, l, row, P, sh, k0, k1, 0, 0, 0, 0, 0);
}

/**
 * rowPass with the update added to the accumulator (interval != 1), kept out of materialise() and
 * flush() so that an interpreter that compiles a function at its first call (WASM3) compiles these
 * variants only for the configs that use them.
 */
function rowPassAccumulate(H: i32, ADVANCE: bool, l: i32, row: usize, P: i32, sh: i32, k0: i32, k1: i32,
  a0: i32, c0: i32, a11: i32, a10: i32, c1: i32): void {
  if (ADVANCE) {
    if (H == 1) rowPass(1, true, true, true, l, row, P, sh, k0, 0, a0, c0, 0, 0, 0);
    else rowPass(2, true, true, true, l, row, P, sh, k0, k1, a0, c0, a11, a10, c1);
  } else {
    if (H == 1) rowPass(1, false, true, true, l, row, P, sh, k0, 0, 0, 0, 0, 0, 0);
    else rowPass(2, false, true, true, l, row, P, sh, k0, k1, 0, 0, 0, 0, 0);
  }
}

/**
 * One pass over a row of H = 1 or 2 stages (H, ADVANCE, UPD, ACC constants after inlining): the
 * pending update from the old stages, then (ADVANCE) the stages advanced with the row's Q15
 * coefficients (materialise()): m0' = (a0 m0 + c0 e^ + 2^14) >> 15, m1' = (a11 m1 + a10 m0 + c1 e^
 * + 2^14) >> 15. The exponents come from bounds, so the mantissas fit without clamping.
 * Stochastic rounding of the weight step: one LCG draw per row, then a Weyl sequence (+ 2^32 / phi)
 * per synapse, so that every synapse's offset is uniform in [0, 2^sh) and the step unbiased.
 * P >= 1 (every row has its bias), so the loop tests at its end.
 */
// @ts-ignore: decorator
@inline function rowPass(H: i32, ADVANCE: bool, UPD: bool, ACC: bool, l: i32, row: usize, P: i32, sh: i32, k0: i32, k1: i32,
  a0: i32, c0: i32, a11: i32, a10: i32, c1: i32): void {
  const half = sh > 0 ? 1 << (sh - 1) : 0;
  const rs = 32 - sh; // sh >= 1 when UPD and not ACC (coefficients())
  const clip = CLIP, clip2 = CLIP << 1;
  // TRACE interleaves a synapse's H stages, rowBytes(H) per synapse.
  const stride = <usize>rowBytes(H);
  let p0 = layPtr(l, LF_TRACE) + row * stride;
  const end = p0 + <usize>P * stride;
  // One-stage rows step 2 bytes, as the weights do: one pointer (p0) then serves both. pw is the
  // weight's address (two-stage rows: its own pointer), e^_q is at pw + de (wrapping: only the sum
  // is an address).
  let pw = layPtr(l, LF_W) + (row << 1);
  const de = layPtr(l, LF_EPSV) - pw;
  const one = H == 1 && W1 == 2;
  const dw = pw - p0, de1 = de + dw;
  let pg = ACC ? layPtr(l, LF_GRAD) + (row << 2) : 0;
  let r = UPD && !ACC ? lcgNext(rngLoad()) : 0;
  let mx0 = 0, mx1 = 0;
  do {
    const m0 = mantBytesOf(H, 0) == 1 ? <i32>load<i8>(p0) : <i32>load<i16>(p0);
    const m1 = H == 1 ? 0 : W21 == 1 ? <i32>load<i8>(p0 + <usize>W20) : <i32>load<i16>(p0 + <usize>W20);
    // The pending update, from the stored (old) stages.
    // (x = 0 needs no test: the rounding offset is below 2^sh, so the step is 0.)
    if (UPD) {
      const x = H > 1 ? k0 * m0 + k1 * m1 : k0 * m0;
      if (ACC) {
        store<i32>(pg, addSat(load<i32>(pg), (x + half) >> sh));
        pg += 4;
      } else {
        r += 0x9e3779b9;
        // At lr ~ 1e-6 the step is 0 for almost every synapse: only the others touch the weight.
        const d = (x + <i32>(r >> rs)) >> sh;
        if (d != 0) {
          const a = one ? p0 + dw : pw;
          let nw = <i32>load<i16>(a) - d;
          if (<u32>(nw + clip) > <u32>clip2) nw = nw > 0 ? clip : -clip;
          store<i16>(a, <i16>nw);
        }
      }
    }
    // The stages, advanced by M^d, with this step's input.
    if (ADVANCE) {
      const e = <i32>load<i16>(one ? p0 + de1 : pw + de);
      const n0 = (a0 * m0 + c0 * e + 16384) >> 15;
      if (mantBytesOf(H, 0) == 1) {
        store<i8>(p0, <i8>n0);
        mx0 |= n0 ^ (n0 >> 31);
      } else {
        store<i16>(p0, <i16>n0);
      }
      if (H > 1) {
        const n1 = (a11 * m1 + a10 * m0 + c1 * e + 16384) >> 15;
        if (W21 == 1) {
          store<i8>(p0 + <usize>W20, <i8>n1);
          mx1 |= n1 ^ (n1 >> 31);
        } else {
          store<i16>(p0 + <usize>W20, <i16>n1);
        }
      }
    }
    p0 += stride;
    if (!one) pw += 2;
  } while (p0 < end);
  if (UPD && !ACC) rngStore(r);
  seenMax0 = mx0;
  seenMax1 = mx1;
}

/** learn(): adds L_j (M^d)_{H-1,h} to Gamma_h of every row with a signal (sig: i32 Q12 [n]). */
export function accumulateSignals(l: i32, sig: usize): void {
  const H = lay(l, LF_H);
  const n = lay(l, LF_N);
  const words = <usize>metaWords(H) << 2;
  let meta = layPtr(l, LF_META);
  for (let j = 0; j < n; j++, meta += words) {
    let L = gi(sig, j);
    if (L == 0) continue;
    // A row whose stages are all zero has nothing a pending sum could multiply.
    if (gi(meta, 1 + H) == 0 && (H == 1 || gi(meta, 2 + H) == 0)) continue;
    // |L| < 16.0 (Q12 2^16, far above any signal a bounded error and i16 feedback weights give), so
    // that L t (t <= 2^15) fits an i32.
    if (<u32>(L + 65535) > 131070) L = L > 0 ? 65535 : -65535;
    // Row H - 1 of M^d: H = 1: (M^d)_00; H = 2: (M^d)_10, (M^d)_11. L t / 2^7: Q12 x Q15 -> Q20.
    const w0 = load<u32>(meta);
    if (H == 1) {
      si(meta, 1, addSat(gi(meta, 1), (L * <i32>(w0 & 0xffff) + 64) >> 7));
    } else {
      const t10 = gi(meta, 5);
      if (t10 != 0) si(meta, 1, addSat(gi(meta, 1), (L * t10 + 64) >> 7));
      si(meta, 2, addSat(gi(meta, 2), (L * <i32>(w0 >> 16) + 64) >> 7));
    }
  }
}

/** forward() updates e^ of event-driven layers as it reads p; it reports the layer's max |e^| here. */
export function setMaxE(l: i32, mx: i32): void {
  si(MAXE, l, mx);
}

/**
 * step(), after forward(): every row ages one step (M^d <- M M^d, Q15, rounded), then the rows that
 * change (psi != 0) are materialised and the sweep row applies what it has pending.
 */
export function updateRows(l: i32): void {
  const n = lay(l, LF_N);
  const H = lay(l, LF_H);
  const now = load<i32>(G_STEPS) + 1;
  const sweep = now % SWEEP_EVERY == 0 ? (now / SWEEP_EVERY) % n : -1;
  const psi = layPtr(l, LF_PSI);
  const words = <usize>metaWords(H) << 2;
  const lp = LEAK + (<usize>(l * MAX_LAYERS) << 2);
  // H = 1: the one stage leaks with kappa; H = 2: stage 0 with a, stage 1 with kappa.
  const l0 = <u32>gi(lp, 0);
  const l1 = H > 1 ? <u32>gi(lp, 1) : 0;
  const c1 = <u32>ONE_Q15 - l1;
  let meta = layPtr(l, LF_META);
  for (let j = 0; j < n; j++, meta += words) {
    const w0 = load<u32>(meta);
    if (H == 1) {
      store<u32>(meta, ((w0 & 0xffff) * l0 + 16384) >> 15);
    } else {
      // Row 0 of M^{d+1}: a (M^d)_00; row 1: kappa (M^d)_10 + (1 - kappa) (M^{d+1})_00, kappa (M^d)_11.
      const t00 = ((w0 & 0xffff) * l0 + 16384) >> 15;
      const t11 = ((w0 >> 16) * l1 + 16384) >> 15;
      si(meta, 5, <i32>((<u32>gi(meta, 5) * l1 + c1 * t00 + 16384) >> 15));
      store<u32>(meta, t00 | (t11 << 16));
    }
    const c = gi(psi, j);
    if (c != 0) materialise(l, j, c);
    else if (j == sweep) flush(l, j);
  }
}

/** Applies every pending per-row gradient (to the weights or the accumulator); changes no maths. */
export function syncRows(): void {
  for (let l = 0; l < LAYERS; l++) {
    if (lay(l, LF_H) == 0) continue;
    const n = lay(l, LF_N);
    for (let j = 0; j < n; j++) flush(l, j);
  }
}

/** Drops every pending per-row gradient (clear_gradient). */
export function clearRows(): void {
  for (let l = 0; l < LAYERS; l++) {
    const H = lay(l, LF_H);
    if (H == 0) continue;
    let meta = layPtr(l, LF_META);
    for (let j = 0; j < lay(l, LF_N); j++, meta += <usize>metaWords(H) << 2) for (let h = 0; h < H; h++) si(meta, 1 + h, 0);
  }
}
