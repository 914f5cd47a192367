// Fixed-point arithmetic of the core. Integer only; every helper states its range, rounding and
// saturation. The formats used across the core:
//
//   Q12  (i32, 1.0 = 4096)   inputs x, outputs o, membrane v, threshold, psi, presynaptic p,
//                            traces (eps, eligibility, filter stages, cross-depth E, readout N),
//                            learning signals, errors, readout y, gradient accumulators.
//   Q12  (i16, 1.0 = 4096)   weights W, R, b, V, c, B: range [-8, 8), step 2.4e-4.
//   Q15  (i32, 1.0 = 32768)  decay factors a, rho, kappa and 1 - a (in [0, 1)).
//   Q32  (i32, 1.0 = 2^32)   learning rate (so rates down to 1e-9 keep 2 significant digits).
//
// Products are formed in i64 (exact), then shifted right with round-half-up and saturated to i32.

import { ld, st } from './memory';

export const ONE_Q12: i32 = 4096;
export const ONE_Q15: i32 = 32768;
export const I32_MAX: i64 = 2147483647;
export const I32_MIN: i64 = -2147483648;

/** Saturate an i64 to i32. */
// @ts-ignore: decorator
@inline export function sat32(x: i64): i32 {
  return x > I32_MAX ? <i32>I32_MAX : x < I32_MIN ? <i32>I32_MIN : <i32>x;
}

/** Saturate to the i16 weight range [-32768, 32767]. */
// @ts-ignore: decorator
@inline export function sat16(x: i32): i32 {
  return x > 32767 ? 32767 : x < -32768 ? -32768 : x;
}

/** a * b for a in Q12 and b in Q12 -> Q12; round half up; saturates to i32. */
// @ts-ignore: decorator
@inline export function mulQ12(a: i32, b: i32): i32 {
  return sat32((<i64>a * <i64>b + 2048) >> 12);
}

/**
 * x * f for a decay factor f in Q15 with 0 <= f < 1 (so |result| <= |x|: cannot overflow, no
 * saturation needed); round half up.
 */
// @ts-ignore: decorator
@inline export function decayQ15(x: i32, f: i32): i32 {
  return <i32>((<i64>x * <i64>f + 16384) >> 15);
}

/** Decays n i32 values at p in place by f (Q15, 0 <= f < 1), skipping zeros. */
export function decayArray(p: usize, n: i32, f: i32): void {
  const end = p + (<usize>n << 2);
  for (; p < end; p += 4) {
    const x = load<i32>(p);
    if (x != 0) store<i32>(p, decayQ15(x, f));
  }
}

/** Saturating i32 addition (overflow when both operands share a sign the sum does not). */
// @ts-ignore: decorator
@inline export function addSat(a: i32, b: i32): i32 {
  const s = a + b;
  if (((a ^ s) & (b ^ s)) < 0) return a < 0 ? -2147483648 : 2147483647;
  return s;
}

/** Round an i64 Q24 value (a Q12 x Q12 sum) to Q12 with round half up, saturated. */
// @ts-ignore: decorator
@inline export function q24toQ12(acc: i64): i32 {
  return sat32((acc + 2048) >> 12);
}

/** |x| for i32 (saturates at -2^31). */
// @ts-ignore: decorator
@inline export function abs32(x: i32): i32 {
  return x < 0 ? (x == -2147483648 ? 2147483647 : -x) : x;
}

/** The coefficient of the last blockCoefficient() call. */
export let BLOCK_K: i32 = 0;

/**
 * A per-row coefficient for a per-element update in i32: finds the shift sh in [0, 30] and k (set
 * in BLOCK_K, |k| < 2^14) with k / 2^sh = P / 2^T as closely as 14 bits allow, so that an element's
 * update is (k m + rounding) >> sh for a 15-bit mantissa m. Returns -1 when P = 0. The i64 here is
 * once per row, never per element.
 */
// @ts-ignore: decorator
@inline export function blockCoefficient(P: i64, T: i32): i32 {
  if (P == 0) return -1;
  const bits = 64 - <i32>clz<i64>(P < 0 ? -P : P);
  let sh = 14 - bits + T;
  if (sh > 30) sh = 30;
  if (sh < 0) sh = 0;
  const s = T - sh;
  let k: i64 = s > 0 ? (s >= 63 ? 0 : (P + (<i64>1 << (s - 1))) >> s) : s < -40 ? (P > 0 ? 16383 : -16383) : P << (-s);
  if (k > 16383) k = 16383;
  if (k < -16383) k = -16383;
  BLOCK_K = <i32>k;
  return sh;
}

/** Shift k >= 0 so that |v_i| >> k < 2^15 for every i < n; writes the shifted values to dst. */
export function blockShift(src: usize, dst: usize, n: i32): i32 {
  let mx = 0;
  for (let i = 0; i < n; i++) {
    const v = ld(src, i);
    mx |= v ^ (v >> 31);
  }
  let k = 0;
  while ((mx >> k) >= 32767) k++;
  const half = k > 0 ? 1 << (k - 1) : 0;
  for (let i = 0; i < n; i++) st(dst, i, (ld(src, i) + half) >> k);
  return k;
}

/** Integer square root (floor) of a u32, bit by bit: fan-in scaling (weights.ts), posfloat's sqrt. */
export function isqrt(x: u32): u32 {
  let r: u32 = 0;
  let bit: u32 = 1 << 30;
  while (bit > x) bit >>= 2;
  while (bit != 0) {
    if (x >= r + bit) {
      x -= r + bit;
      r = (r >> 1) + bit;
    } else {
      r >>= 1;
    }
    bit >>= 2;
  }
  return r;
}
