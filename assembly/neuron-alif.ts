// Adaptive LIF neuron, fixed point (Q12; a, rho in Q15):
//   q_t = rho q_{t-1} + z_{t-1};  A_t = thr + beta q_t
//   v_t = a v_{t-1} + I_t - thr z_{t-1};  z_t = H(v_t - A_t);  psi_t = (gamma/thr) max(0, 1 - |v_t - A_t|/thr)
import { A, THR, BETA, RHO } from './params';
import { decayQ15, mulQ12, ONE_Q12, addSat } from './fixed';
import { pseudoDerivative } from './surrogate';

// @ts-ignore: decorator
@inline export function alifStep(memPtr: usize, adaptPtr: usize, psiPtr: usize, I: i32, zPrev: i32): i32 {
  const q = addSat(decayQ15(load<i32>(adaptPtr), RHO), zPrev);
  let v = addSat(decayQ15(load<i32>(memPtr), A), I);
  if (zPrev != 0) v -= THR;
  const thrA = THR + mulQ12(BETA, q);
  store<i32>(memPtr, v);
  store<i32>(adaptPtr, q);
  store<i32>(psiPtr, pseudoDerivative(v - thrA));
  return v >= thrA ? ONE_Q12 : 0;
}
