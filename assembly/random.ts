// The core's deterministic pseudo-random numbers: xorshift32 (Marsaglia 2003, "Xorshift RNGs",
// shifts 13/17/5). Used for weight initialisation and for stochastic rounding of weight updates.
// Its state lives in the arena (so snapshots carry it).
import { load32, store32 } from './memory';

let rngPtr: usize = 0;

/** Where the PRNG state lives (inside the arena's state, set by init). */
export function rngAt(p: usize): void {
  rngPtr = p;
}

export function rngSeed(seed: u32): void {
  store32(rngPtr, seed == 0 ? 0x9e3779b9 : seed);
}

/** The PRNG state, for loops that step it in a local (xorshift32 13/17/5 as below). */
// @ts-ignore: decorator
@inline export function rngLoad(): u32 {
  return <u32>load32(rngPtr);
}
// @ts-ignore: decorator
@inline export function rngStore(x: u32): void {
  store32(rngPtr, <i32>x);
}

/** Next 32 random bits. */
// @ts-ignore: decorator
@inline export function rngNext(): u32 {
  let x = <u32>load32(rngPtr);
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  store32(rngPtr, <i32>x);
  return x;
}

/**
 * One step of the 32-bit LCG r <- 1664525 r + 1013904223 (Numerical Recipes), on the same state
 * word: the stochastic rounding of the synapse loops (rows.ts, readout), where a draw must cost a
 * few instructions. Full period 2^32; only its top bits are used (the low bits of an LCG are weak).
 */
// @ts-ignore: decorator
@inline export function lcgNext(r: u32): u32 {
  return r * 1664525 + 1013904223;
}

/** Uniform integer in [-amp, amp] (amp >= 0, < 2^15). */
export function rngSymmetric(amp: i32): i32 {
  if (amp <= 0) return 0;
  const span = <u32>(2 * amp + 1);
  return <i32>(rngNext() % span) - amp;
}

/**
 * Stochastic rounding of x / 2^32 to an integer: floor((x + r) / 2^32) with r uniform in [0, 2^32).
 * Unbiased: E[result] = x / 2^32, so updates smaller than one weight step still count on average.
 * |x| < 2^62 (a Q32 rate times a Q12 gradient).
 */
export function roundStochastic32(x: i64): i32 {
  const r = <i64>rngNext();
  const q = (x + r) >> 32;
  return q > 2147483647 ? 2147483647 : q < -2147483648 ? -2147483648 : <i32>q;
}
