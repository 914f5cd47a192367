// The spike's pseudo-derivative: psi = (gamma/thr) max(0, 1 - |x|/thr), x = v - A (Q12 in, Q12 out).
// Computed as K (thr - |x|) with K = gamma/thr^2 precomputed in Q24; round half up.
import { THR, PSI_K } from './params';
import { abs32 } from './fixed';

// @ts-ignore: decorator
@inline export function pseudoDerivative(x: i32): i32 {
  const r = THR - abs32(x);
  if (r <= 0) return 0;
  return <i32>((<i64>r * PSI_K + (1 << 23)) >> 24);
}
