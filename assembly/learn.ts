// One learning step from an error vector err_t = dE/dy_t (Q12): y - y* for targets, -u_pd for
// feedback-error learning, prediction - measurement for a forward model.
//
// Learning signals (eprop, deep-fact), all computed before any weight moves:
//   top:    L^L_j = sum_o F_oj err_o        (F = V, or the fixed random B)
//   below:  L^{l-1}_i = sum_m W^l_mi (e psi^l_m) L^l_m   (e = 1; 1 - a for rate units)
// Gradient estimates (Q12): readout dV_oj = err_o obar_j, dc_o = err_o onebar;
//   eprop g_jq = L_j ebar_jq; deep-fact g_jq = L_j stage_last_jq; deep-full g_col = sum_o err_o N[o,col].
import { lay, layPtr, LF_N, LF_NPRE, LF_P, LF_W, LF_PSI, LF_SIG, LF_GRAD, LF_TRACE, LF_XN, G_OBAR, G_ONEBAR, G_V, G_C, G_GV, G_GC, G_PENDING } from './layout';
import { LAYERS, ENGINE, NEURON, N_OUT, N_TOP, ONE_MINUS_A, INTERVAL } from './params';
import { ENGINE_DEEP_FULL, ENGINE_EPROP, NEURON_RATE } from './config';
import { mulQ12, decayQ15, q24toQ12 } from './fixed';
import { ld } from './memory';
import { feedback } from './traces';
import { contribute, contributeRow, applyAccumulated } from './weights';

const SCALED: usize = memory.data(4 * 64, 16);


function signals(err: usize): void {
  const top = LAYERS - 1;
  const sigT = layPtr(top, LF_SIG);
  for (let j = 0; j < N_TOP; j++) {
    let acc: i64 = 0;
    for (let o = 0; o < N_OUT; o++) acc += <i64>feedback(o, j) * <i64>ld(err, o);
    store<i32>(sigT + (<usize>j << 2), q24toQ12(acc));
  }
  for (let l = top; l > 0; l--) {
    const n = lay(l, LF_N);
    const P = lay(l, LF_P);
    const nPre = lay(l, LF_NPRE);
    const w = layPtr(l, LF_W);
    const psi = layPtr(l, LF_PSI);
    const sig = layPtr(l, LF_SIG);
    for (let m = 0; m < n; m++) {
      let eg = ld(psi, m);
      if (NEURON == NEURON_RATE) eg = decayQ15(eg, ONE_MINUS_A);
      store<i32>(SCALED + (<usize>m << 2), mulQ12(eg, ld(sig, m)));
    }
    const below = layPtr(l - 1, LF_SIG);
    for (let i = 0; i < nPre; i++) {
      let acc: i64 = 0;
      for (let m = 0; m < n; m++) {
        const s = ld(SCALED, m);
        if (s != 0) acc += <i64>load<i16>(w + (<usize>(m * P + i) << 1)) * <i64>s;
      }
      store<i32>(below + (<usize>i << 2), q24toQ12(acc));
    }
  }
}

export function learnStep(err: usize): void {
  if (ENGINE != ENGINE_DEEP_FULL) signals(err);
  // Hidden layers.
  for (let l = 0; l < LAYERS; l++) {
    const n = lay(l, LF_N);
    const P = lay(l, LF_P);
    const S = n * P;
    const w = layPtr(l, LF_W);
    const g = layPtr(l, LF_GRAD);
    if (ENGINE == ENGINE_DEEP_FULL) {
      const N = layPtr(l, LF_XN);
      for (let col = 0; col < S; col++) {
        let acc: i64 = 0;
        for (let o = 0; o < N_OUT; o++) acc += <i64>ld(err, o) * <i64>ld(N, o * S + col);
        contribute(w + (<usize>col << 1), g + (<usize>col << 2), q24toQ12(acc));
      }
    } else {
      const sig = layPtr(l, LF_SIG);
      const tr = layPtr(l, LF_TRACE) + (ENGINE == ENGINE_EPROP ? 0 : <usize>((LAYERS - l - 1) * S) << 2);
      for (let j = 0; j < n; j++) {
        const s = ld(sig, j);
        if (s == 0) continue;
        const row = <usize>(j * P);
        contributeRow(w + (row << 1), g + (row << 2), tr + (row << 2), P, s);
      }
    }
  }
  // Readout (after the signals above have read V).
  const onebar = load<i32>(G_ONEBAR);
  for (let o = 0; o < N_OUT; o++) {
    const e = ld(err, o);
    for (let j = 0; j < N_TOP; j++) {
      const i = o * N_TOP + j;
      contribute(G_V + (<usize>i << 1), G_GV + (<usize>i << 2), mulQ12(e, ld(G_OBAR, j)));
    }
    contribute(G_C + (<usize>o << 1), G_GC + (<usize>o << 2), mulQ12(e, onebar));
  }
  if (INTERVAL > 1) {
    const pending = load<i32>(G_PENDING) + 1;
    if (pending >= INTERVAL) {
      applyAccumulated();
      store<i32>(G_PENDING, 0);
    } else {
      store<i32>(G_PENDING, pending);
    }
  }
}
