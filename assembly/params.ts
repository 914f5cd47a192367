// Constants derived once from the active config at init, so hot loops read globals, not the block.
import { cfg, F_LEAK_A, F_THR, F_GAMMA, F_BETA, F_RHO, F_KAPPA, F_LR, F_CLIP, F_NEURON, F_ENGINE, F_FEEDBACK, F_N_OUT, F_N_LAYERS, F_UNITS, F_INTERVAL } from './config';
import { ONE_Q15 } from './fixed';

export let NEURON: i32 = 0;
export let ENGINE: i32 = 0;
export let RANDOM_FEEDBACK: bool = false;
export let LAYERS: i32 = 0;
export let N_OUT: i32 = 0;
export let N_TOP: i32 = 0;
/** Leak a and 1 - a, Q15. */
export let A: i32 = 0;
export let ONE_MINUS_A: i32 = 0;
/** Threshold, Q12. */
export let THR: i32 = 0;
/** gamma / thr^2 in Q24 (psi = K (thr - |v - A|), see surrogate.ts). */
export let PSI_K: i64 = 0;
/** ALIF beta (Q12) and rho (Q15). */
export let BETA: i32 = 0;
export let RHO: i32 = 0;
/** Readout leak, Q15. */
export let KAPPA: i32 = 0;
/** Learning rate, Q32. */
export let LR: i32 = 0;
/** Weight limit, Q12. */
export let CLIP: i32 = 0;
export let INTERVAL: i32 = 0;

export function deriveParams(): void {
  NEURON = cfg(F_NEURON);
  ENGINE = cfg(F_ENGINE);
  RANDOM_FEEDBACK = cfg(F_FEEDBACK) == 1;
  LAYERS = cfg(F_N_LAYERS);
  N_OUT = cfg(F_N_OUT);
  N_TOP = cfg(F_UNITS + LAYERS - 1);
  A = cfg(F_LEAK_A);
  ONE_MINUS_A = ONE_Q15 - A;
  THR = cfg(F_THR);
  // gamma/thr^2 with gamma, thr in Q12: (gamma_q / 4096) / (thr_q / 4096)^2 * 2^24
  PSI_K = (<i64>cfg(F_GAMMA) << 36) / (<i64>THR * <i64>THR);
  BETA = cfg(F_BETA);
  RHO = cfg(F_RHO);
  KAPPA = cfg(F_KAPPA);
  LR = cfg(F_LR);
  CLIP = cfg(F_CLIP);
  INTERVAL = cfg(F_INTERVAL);
}
