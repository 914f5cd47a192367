// LIF neuron, fixed point (all Q12 but a in Q15):
//   v_t = a v_{t-1} + I_t - thr z_{t-1};  z_t = H(v_t - thr);  psi_t = (gamma/thr) max(0, 1 - |v_t - thr|/thr)
// The gradient through the reset is detached (e-prop's usual choice), so eps^v is per input.
import { A, THR } from './params';
import { decayQ15, ONE_Q12, addSat } from './fixed';
import { pseudoDerivative } from './surrogate';

/** Advances unit j; returns z_t (0 or 4096) and writes psi at psiPtr. memPtr holds v. */
// @ts-ignore: decorator
@inline export function lifStep(memPtr: usize, psiPtr: usize, I: i32, zPrev: i32): i32 {
  let v = addSat(decayQ15(load<i32>(memPtr), A), I);
  if (zPrev != 0) v -= THR;
  store<i32>(memPtr, v);
  store<i32>(psiPtr, pseudoDerivative(v - THR));
  return v >= THR ? ONE_Q12 : 0;
}
