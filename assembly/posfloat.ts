// Positive numbers with a wide range and 16 bits of precision, for the optimiser's per-row
// statistics (optim.ts): mean squares of gradients span 1e-12..1e2, which no single Q-format in an
// i32 holds. Integer-only; every function here runs per row or per step, never per synapse.
//
// Format (one i32 word): value = M / 2^E, M a u16 in [2^15, 2^16) in bits 0-15, E a signed i16 in
// bits 16-31; the word 0 is the value 0. Results are rounded to nearest (ties up) at the mantissa.
import { isqrt } from './fixed';

// @ts-ignore: decorator
@inline function mant(a: i32): i64 { return <i64>(a & 0xffff); }
// @ts-ignore: decorator
@inline function expo(a: i32): i32 { return a >> 16; }

/** m / 2^e for 0 <= m < 2^31 (m = 0 gives 0); exponents clamp to the i16 range. */
export function pf32(m: i32, e: i32): i32 {
  if (m <= 0) return 0;
  const bits = 32 - <i32>clz<i32>(m);
  // Bring m to 16 bits: shift right (rounding) or left.
  if (bits > 16) {
    const s = bits - 16;
    m = (m + (1 << (s - 1))) >> s;
    e -= s;
    if (m >= 65536) { m >>= 1; e--; }
  } else if (bits < 16) {
    m <<= 16 - bits;
    e += 16 - bits;
  }
  if (e > 32767) return 0; // below the smallest representable value
  if (e < -32768) e = -32768;
  return (e << 16) | m;
}

/** m / 2^e for m >= 0 (m <= 0 gives 0): an i64 first cut to 30 bits here (inlined: the core's functions take i32 only), then pf32. */
// @ts-ignore: decorator
@inline export function pf(m: i64, e: i32): i32 {
  if (m <= 0) return 0;
  const bits = 64 - <i32>clz<i64>(m);
  if (bits > 30) {
    const s = bits - 30;
    m = (m + (<i64>1 << (s - 1))) >> s;
    e -= s;
  }
  return pf32(<i32>m, e);
}

export function pfMul(a: i32, b: i32): i32 {
  if (a == 0 || b == 0) return 0;
  return pf(mant(a) * mant(b), expo(a) + expo(b));
}

export function pfAdd(a: i32, b: i32): i32 {
  if (a == 0) return b;
  if (b == 0) return a;
  const ea = expo(a), eb = expo(b);
  // Align on the larger exponent (the finer scale); a term more than 40 bits smaller is dropped.
  const e = ea > eb ? ea : eb;
  const da = e - ea, db = e - eb;
  if (da > 40) return b;
  if (db > 40) return a;
  return pf((mant(a) << da) + (mant(b) << db), e);
}

/** a / b; b = 0 gives 0 (callers never divide by an unset statistic). */
export function pfDiv(a: i32, b: i32): i32 {
  if (a == 0 || b == 0) return 0;
  return pf((mant(a) << 32) / mant(b), expo(a) - expo(b) + 32);
}


export function pfSqrt(a: i32): i32 {
  if (a == 0) return 0;
  let m = mant(a), e = expo(a);
  // An even exponent, then sqrt(m 2^14 / 2^(e + 14)) = isqrt(m 2^14) / 2^((e + 14) / 2).
  if (e & 1) { m <<= 1; e += 1; }
  return pf32(<i32>isqrt(<u32>(m << 14)), (e + 14) >> 1);
}

/** The larger of a and b. */
export function pfMax(a: i32, b: i32): i32 {
  if (a == 0) return b;
  if (b == 0) return a;
  const ea = expo(a), eb = expo(b);
  if (ea != eb) return ea < eb ? a : b;
  return mant(a) >= mant(b) ? a : b;
}

/** x a for an i32 x (any Q-format: the result has x's), saturated to the i32 range. */
export function pfScale(x: i32, a: i32): i32 {
  if (a == 0 || x == 0) return 0;
  const p = <i64>x * mant(a);
  const e = expo(a);
  let r: i64;
  if (e > 0) r = e >= 63 ? 0 : (p + (<i64>1 << (e - 1))) >> e;
  else if (e < -30) r = p > 0 ? <i64>0x7fffffff : <i64>-0x7fffffff;
  else r = p << (-e);
  if (r > 0x7fffffff) return 0x7fffffff;
  if (r < -0x7fffffff) return -0x7fffffff;
  return <i32>r;
}

/** The mantissa in [2^14, 2^15) and exponent of a, as rows.ts's coefficients take them: M = mantissa >> 1. */
export function pfMant15(a: i32): i32 {
  return a == 0 ? 0 : (a & 0xffff) >> 1;
}
export function pfExp15(a: i32): i32 {
  return a == 0 ? 0 : expo(a) - 1;
}
