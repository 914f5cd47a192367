// Leaky rate unit, v-form, fixed point (Q12; a, 1 - a in Q15):
//   u_t = a u_{t-1} + (1 - a) I_t;  o_t = tanh(u_t);  psi_t = 1 - o_t^2
import { A, ONE_MINUS_A } from './params';
import { decayQ15, mulQ12, ONE_Q12, addSat } from './fixed';
import { tanhQ12 } from './tanh';

// @ts-ignore: decorator
@inline export function rateStep(memPtr: usize, psiPtr: usize, I: i32): i32 {
  const u = addSat(decayQ15(load<i32>(memPtr), A), decayQ15(I, ONE_MINUS_A));
  store<i32>(memPtr, u);
  const o = tanhQ12(u);
  store<i32>(psiPtr, ONE_Q12 - mulQ12(o, o));
  return o;
}
