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
// row is brought up to date ("materialised") only when psi_j != 0 and, round-robin, one row per
// layer every SWEEP_EVERY steps, which bounds every row's age d by SWEEP_EVERY n. The gradient of the steps in
// between is kept per row, not per synapse:
//   sum_t L_j(t) stage_last(t) = G sum_h Gamma_h s^_h(t0),   Gamma_h = sum_t L_j(t) (M^{d_t})_{H-1,h}
// and applied (SGD with stochastic rounding, or added to the accumulator) when the row is next
// materialised, or on sync().
//
// Formats:
//   e^ (EPSV)       i16 Q12 (a convex mix of inputs clamped to [-8, 8))
//   s^ (TRACE)      i16 mantissa m with a per-row, per-stage exponent e: s^ = m 2^e in Q12
//   META word 0     t0, the step count when the row was last materialised
//   META 1..H       Gamma_h, i32 Q20 (saturating; |Gamma| < 2048): finer than the Q12 signals, so
//                   that the small terms L (M^d)_{H-1,h} of a long gap are not rounded away
//   META H+1..2H    (max |m| << 8) | e of each stage
//   TAB             u16 Q15 (M^d)_{h,k}, k <= h, for d = 0..SWEEP_EVERY n: entries in [0, 1]
//   coefficients    per row: k_h (|k_h| < 2^13) and one shift SH, so that a synapse's update is
//                   (sum_h k_h m_h + rounding) >> SH in i32: no i64 in any per-synapse loop.
import { lay, layPtr, ACCUMULATE, LF_N, LF_P, LF_W, LF_PSI, LF_EPSV, LF_GRAD, LF_TRACE, LF_META, LF_TAB, LF_H, G_STEPS, SWEEP_EVERY } from './layout';
import { LAYERS, NEURON, A, ONE_MINUS_A, KAPPA, LR, CLIP } from './params';
import { NEURON_LIF, MAX_LAYERS, MAX_UNITS } from './config';
import { ONE_Q15, addSat } from './fixed';
import { rngLoad, rngStore, lcgNext } from './random';

/** Per layer: G and lr G as mantissa (in [2^14, 2^15)) and exponent: value = M / 2^E. */
const G_M: usize = memory.data(MAX_LAYERS * 4, 16);
const G_E: usize = memory.data(MAX_LAYERS * 4, 16);
const LG_M: usize = memory.data(MAX_LAYERS * 4, 16);
const LG_E: usize = memory.data(MAX_LAYERS * 4, 16);
/** Per layer and stage: leak (Q15) and the input weight b_h = prod_{i=1..h} (1 - leak_i) (Q15). */
const LEAK: usize = memory.data(MAX_LAYERS * MAX_LAYERS * 4, 16);
const BIN: usize = memory.data(MAX_LAYERS * MAX_LAYERS * 4, 16);
/** Scratch: one table column while deriving (Q30), the coefficients k_h of a row. */
const ROWBUF: usize = memory.data(4 * MAX_LAYERS, 16);
const KBUF: usize = memory.data(4 * MAX_LAYERS, 16);

// @ts-ignore: decorator
@inline function gi(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function si(p: usize, i: i32, v: i32): void { store<i32>(p + (<usize>i << 2), v); }

/** Entries of one age's table: H (H + 1) / 2; entry (h, k) at h (h + 1) / 2 + k. */
// @ts-ignore: decorator
@inline function tri(H: i32): i32 { return (H * (H + 1)) >> 1; }
// @ts-ignore: decorator
@inline function tab(l: i32, d: i32, h: i32, k: i32, H: i32): i32 {
  return <i32>load<u16>(layPtr(l, LF_TAB) + (<usize>(d * tri(H) + ((h * (h + 1)) >> 1) + k) << 1));
}

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

/** Derives the per-layer constants and fills the stage tables (init; the tables are not state). */
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
    // M^d column by column in Q30, rounded to Q15 per entry.
    const n = lay(l, LF_N);
    const t = layPtr(l, LF_TAB);
    for (let k = 0; k < H; k++) {
      for (let h = 0; h < H; h++) si(ROWBUF, h, h == k ? 1 << 30 : 0);
      for (let d = 0; d <= SWEEP_EVERY * n; d++) {
        for (let h = k; h < H; h++) {
          let v = (gi(ROWBUF, h) + (1 << 14)) >> 15;
          if (v > 65535) v = 65535;
          store<u16>(t + (<usize>(d * tri(H) + ((h * (h + 1)) >> 1) + k) << 1), <u16>v);
        }
        // one step without input: s_0 <- l_0 s_0; s_h <- l_h s_h + (1 - l_h) s_{h-1}(new)
        let below: i64 = 0;
        for (let h = 0; h < H; h++) {
          const leak = <i64>gi(lp, h);
          let v = (<i64>gi(ROWBUF, h) * leak + 16384) >> 15;
          if (h > 0) v += (below * (<i64>ONE_Q15 - leak) + 16384) >> 15;
          si(ROWBUF, h, <i32>v);
          below = v;
        }
      }
    }
  }
}

/**
 * Per-row coefficients for sum_h m_h P_h 2^-(T - e_h): k_h into KBUF with |k_h| < 2^13, and the
 * shift SH in [0, 30] returned. -1 when every P_h is 0. (i64 here is per row, not per synapse.)
 */
function coefficients(l: i32, meta: usize, H: i32, mant: i32, T: i32): i32 {
  let sh: i32 = 30;
  let any = false;
  for (let h = 0; h < H; h++) {
    const P = <i64>gi(meta, 1 + h) * <i64>mant;
    if (P == 0) continue;
    any = true;
    const bits = 64 - <i32>clz<i64>(P < 0 ? -P : P);
    const lim = 13 - bits + T - (gi(meta, 1 + H + h) & 255);
    if (lim < sh) sh = lim;
  }
  if (!any) return -1;
  if (sh < 0) sh = 0;
  for (let h = 0; h < H; h++) {
    const P = <i64>gi(meta, 1 + h) * <i64>mant;
    const s = T - (gi(meta, 1 + H + h) & 255) - sh;
    let k: i64 = s > 0 ? (s >= 63 ? 0 : (P + (<i64>1 << (s - 1))) >> s) : s < -40 ? (P > 0 ? 8191 : -8191) : P << (-s);
    if (k > 8191) k = 8191;
    if (k < -8191) k = -8191;
    si(KBUF, h, <i32>k);
  }
  return sh;
}


/** Largest |e^| of each layer this step (an upper bound: an OR of magnitudes), for the exponents. */
const MAXE: usize = memory.data(MAX_LAYERS * 4, 16);

/** Smallest exponent e <= 15 with (B >> e) < 32767: mantissas of values up to B fit an i16. */
// @ts-ignore: decorator
@inline function exponentFor(B: i64): i32 {
  let e = 0;
  while (e < 15 && (B >> e) >= 32767) e++;
  return e;
}

/**
 * Brings row j of layer l up to step `now`: flushes its pending gradient, decays its stages by its
 * age and adds the input psi e^ (c = psi_j, 0 for none). H <= 2 (layout.ts: deeper deep-fact nets
 * keep the dense traces) in one pass over the row, exponents chosen from bounds:
 *   |new_0| <= M_00 max|s^_0| + max|x|,  |new_1| <= M_11 max|s^_1| + M_10 max|s^_0| + b_1 max|x|.
 */
export function materialise(l: i32, j: i32, c: i32, now: i32): void {
  const H = lay(l, LF_H);
  const n = lay(l, LF_N);
  const P = lay(l, LF_P);
  const meta = layPtr(l, LF_META) + (<usize>(j * (1 + 2 * H)) << 2);
  let d = now - gi(meta, 0);
  if (d > SWEEP_EVERY * n) d = SWEEP_EVERY * n;
  if (d < 0) d = 0;
  si(meta, 0, now);
  const sh = ACCUMULATE
    ? coefficients(l, meta, H, gi(G_M, l), 20 + gi(G_E, l))
    : coefficients(l, meta, H, gi(LG_M, l), 52 + gi(LG_E, l));
  for (let h = 0; h < H; h++) si(meta, 1 + h, 0);
  const em0 = gi(meta, 1 + H);
  const em1 = H > 1 ? gi(meta, 2 + H) : 0;
  if (c > 32767) c = 32767;
  if (c < -32767) c = -32767;
  if (em0 == 0 && em1 == 0 && c == 0) return; // an all-zero row stays zero; nothing pending
  const e0 = em0 & 255, e1 = em1 & 255;
  const top0 = <i64>(em0 >> 8), top1 = <i64>(em1 >> 8);
  const t00 = tab(l, d, 0, 0, H);
  const t10 = H > 1 ? tab(l, d, 1, 0, H) : 0;
  const t11 = H > 1 ? tab(l, d, 1, 1, H) : 0;
  const s0 = 15 - e0, s1 = 15 - e1;
  const r0 = s0 > 0 ? 1 << (s0 - 1) : 0;
  const r1 = s1 > 0 ? 1 << (s1 - 1) : 0;
  const maxX = ((<i64>(c < 0 ? -c : c) * <i64>gi(MAXE, l)) >> 12) + 1;
  const b1 = H > 1 ? gi(BIN + (<usize>(l * MAX_LAYERS) << 2), 1) : 0;
  const ne0 = exponentFor((((<i64>t00 * top0) << e0) >> 15) + maxX + 2);
  const ne1 = exponentFor(((((<i64>t11 * top1) << e1) + ((<i64>t10 * top0) << e0)) >> 15) + ((<i64>b1 * maxX) >> 15) + 3);
  const k0 = sh >= 0 ? gi(KBUF, 0) : 0;
  const k1 = sh >= 0 && H > 1 ? gi(KBUF, 1) : 0;
  const row = <usize>(j * P);
  if (H == 1) rowPass(1, l, row, P, 0, sh, k0, 0, c, t00, 0, 0, s0, 0, ne0, 0, 0);
  else rowPass(2, l, row, P, <usize>(n * P) << 1, sh, k0, k1, c, t00, t10, t11, s0, s1, ne0, ne1, b1);
  // New maxima: the bounds the exponents came from.
  const q0 = ((((<i64>t00 * top0) << e0) >> 15) + maxX + 2) >> ne0;
  si(meta, 1 + H, ((q0 > 32767 ? 32767 : <i32>q0) << 8) | ne0);
  if (H > 1) {
    const q1 = (((((<i64>t11 * top1) << e1) + ((<i64>t10 * top0) << e0)) >> 15) + ((<i64>b1 * maxX) >> 15) + 3) >> ne1;
    si(meta, 2 + H, ((q1 > 32767 ? 32767 : <i32>q1) << 8) | ne1);
  }
}

/**
 * One pass over a row of H = 1 or 2 stages (H a constant after inlining): the pending update from
 * the old stages, then the stages advanced. The exponents come from bounds, so the mantissas fit
 * an i16 without clamping.
 */
// @ts-ignore: decorator
@inline function rowPass(H: i32, l: i32, row: usize, P: i32, S2: usize, sh: i32, k0: i32, k1: i32, c: i32,
  t00: i32, t10: i32, t11: i32, s0: i32, s1: i32, ne0: i32, ne1: i32, b1: i32): void {
  const r0 = s0 > 0 ? 1 << (s0 - 1) : 0;
  const r1 = s1 > 0 ? 1 << (s1 - 1) : 0;
  const h0 = ne0 > 0 ? 1 << (ne0 - 1) : 0;
  const h1 = ne1 > 0 ? 1 << (ne1 - 1) : 0;
  const half = sh > 0 ? 1 << (sh - 1) : 0;
  const rs = 31 - (sh > 0 ? sh : 0);
  const clip = CLIP;
  let p0 = layPtr(l, LF_TRACE) + (row << 1);
  const end = p0 + (<usize>P << 1);
  let pe = layPtr(l, LF_EPSV);
  let pw = layPtr(l, LF_W) + (row << 1);
  const t0 = p0;
  const g0 = ACCUMULATE ? layPtr(l, LF_GRAD) + (row << 2) : 0;
  let r = rngLoad();
  for (; p0 < end; p0 += 2, pe += 2, pw += 2) {
    const m0 = <i32>load<i16>(p0);
    const m1 = H > 1 ? <i32>load<i16>(p0 + S2) : 0;
    // The pending update, from the stored (old) stages.
    // (x = 0 needs no test: the rounding draw is below 2^sh, so the step is 0.)
    if (sh >= 0) {
      const x = H > 1 ? k0 * m0 + k1 * m1 : k0 * m0;
      if (ACCUMULATE) {
        const pg = g0 + ((p0 - t0) << 1);
        store<i32>(pg, addSat(load<i32>(pg), (x + half) >> sh));
      } else {
        r = lcgNext(r);
        let nw = <i32>load<i16>(pw) - ((x + <i32>((r >> 1) >> rs)) >> sh);
        if (<u32>(nw + clip) > <u32>(clip << 1)) nw = nw > 0 ? clip : -clip;
        store<i16>(pw, <i16>nw);
      }
    }
    // The stages, advanced d steps, with this step's input (c = 0: none).
    const x = (c * <i32>load<i16>(pe) + 2048) >> 12;
    const o0 = (t00 * m0 + r0) >> s0;
    store<i16>(p0, <i16>((o0 + x + h0) >> ne0));
    if (H > 1) store<i16>(p0 + S2, <i16>((((t11 * m1 + r1) >> s1) + ((t10 * m0 + r0) >> s0) + ((b1 * x + 16384) >> 15) + h1) >> ne1));
  }
  rngStore(r);
}

/** learn(): adds L_j (M^d)_{H-1,h} to Gamma_h of every row with a signal (sig: i32 Q12 [n]). */
export function accumulateSignals(l: i32, sig: usize): void {
  const H = lay(l, LF_H);
  const n = lay(l, LF_N);
  const now = load<i32>(G_STEPS);
  const words = 1 + 2 * H;
  const dMax = SWEEP_EVERY * n;
  const per = tri(H);
  // Row H - 1 of M^d: entries (H - 1, h) at d per + (H - 1) H / 2 + h.
  const last = layPtr(l, LF_TAB) + (<usize>(((H - 1) * H) >> 1) << 1);
  let meta = layPtr(l, LF_META);
  for (let j = 0; j < n; j++, meta += <usize>words << 2) {
    const L = gi(sig, j);
    if (L == 0) continue;
    // A row whose stages are all zero has nothing a pending sum could multiply.
    if (gi(meta, 1 + H) == 0 && (H == 1 || gi(meta, 2 + H) == 0)) continue;
    let d = now - gi(meta, 0);
    if (d == 0) {
      // M^0 = I: only the last stage.
      si(meta, H, addSat(gi(meta, H), L > 8388607 ? 2147483647 : L < -8388607 ? -2147483647 : L << 8));
      continue;
    }
    if (d > dMax) d = dMax;
    if (d < 0) d = 0;
    const row = last + (<usize>(d * per) << 1);
    for (let h = 0; h < H; h++) {
      const t = <i32>load<u16>(row + (<usize>h << 1));
      if (t == 0) continue;
      si(meta, 1 + h, addSat(gi(meta, 1 + h), <i32>((<i64>L * <i64>t + 64) >> 7)));
    }
  }
}

/** forward() updates e^ of event-driven layers as it reads p; it reports the layer's max |e^| here. */
export function setMaxE(l: i32, mx: i32): void {
  si(MAXE, l, mx);
}

/** step(), after forward(): the rows that change (psi != 0) and the sweep row. */
export function updateRows(l: i32): void {
  const n = lay(l, LF_N);
  const now = load<i32>(G_STEPS) + 1;
  const sweep = now % SWEEP_EVERY == 0 ? (now / SWEEP_EVERY) % n : -1;
  const psi = layPtr(l, LF_PSI);
  for (let j = 0; j < n; j++) {
    const c = gi(psi, j);
    if (c != 0 || j == sweep) materialise(l, j, c, now);
  }
}

/** Brings every row up to date (pending gradients applied or accumulated); changes no maths. */
export function syncRows(): void {
  const now = load<i32>(G_STEPS);
  for (let l = 0; l < LAYERS; l++) {
    if (lay(l, LF_H) == 0) continue;
    const n = lay(l, LF_N);
    for (let j = 0; j < n; j++) materialise(l, j, 0, now);
  }
}

/** Drops every pending per-row gradient (clear_gradient). */
export function clearRows(): void {
  for (let l = 0; l < LAYERS; l++) {
    const H = lay(l, LF_H);
    if (H == 0) continue;
    let meta = layPtr(l, LF_META);
    for (let j = 0; j < lay(l, LF_N); j++, meta += <usize>(1 + 2 * H) << 2) for (let h = 0; h < H; h++) si(meta, 1 + h, 0);
  }
}
