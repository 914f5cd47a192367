// The spike's pseudo-derivative: psi = (gamma/thr) max(0, 1 - |x|/thr), x = v - A (Q12 in, Q12 out).
// Computed as K (thr - |x|) with K = gamma/thr^2 precomputed in Q24; round half up.
import { THR, PSI_K } from './params';

// @ts-ignore: decorator
@inline export function pseudoDerivative(x: i32): i32 {
  // r = thr - |x| without abs32's INT_MIN case: for x < 0, thr + x is the v the caller subtracted
  // thr from (representable); a huge x (v - thr wrapped) gives r <= 0 either way, as abs32 does.
  const r = x < 0 ? THR + x : THR - x;
  if (r <= 0) return 0;
  return <i32>((<i64>r * PSI_K + (1 << 23)) >> 24);
}
