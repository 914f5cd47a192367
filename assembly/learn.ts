// One learning step from an error vector err_t = dE/dy_t (Q12): y - y* for targets, -u_pd for
// feedback-error learning, prediction - measurement for a forward model.
//
// Learning signals (eprop, deep-fact), all computed before any weight moves:
//   top:    L^L_j = sum_o F_oj err_o        (F = V, or the fixed random B)
//   below:  L^{l-1}_i = sum_m W^l_mi (e psi^l_m) L^l_m   (e = 1; 1 - a for rate units)
// Gradient estimates (Q12): readout dV_oj = err_o obar_j, dc_o = err_o onebar;
//   eprop g_jq = L_j ebar_jq; deep-fact g_jq = L_j stage_last_jq; deep-full g_col = sum_o err_o N[o,col].
// Event-driven rows (rows.ts) only add L_j to a per-row sum here; their synapses are updated when
// the row is next brought up to date.
import { lay, layPtr, ACCUMULATE, LF_N, LF_NPRE, LF_P, LF_W, LF_PSI, LF_SIG, LF_GRAD, LF_TRACE, LF_XN, LF_H, ROW_RMS, G_OBAR, G_V, G_B, G_GV, G_GC, G_PENDING } from './layout';
import { LAYERS, ENGINE, NEURON, N_OUT, N_TOP, ONE_MINUS_A, INTERVAL, RANDOM_FEEDBACK } from './params';
import { ENGINE_DEEP_FULL, ENGINE_EPROP, NEURON_RATE } from './config';
import { mulQ12, decayQ15, q24toQ12, sat32, addSat, blockCoefficient, blockShift, BLOCK_K } from './fixed';
import { ld, st } from './memory';
import { accumulateSignals, syncRows } from './rows';
import { contribute, contributeRow, applyAccumulated, readoutStepQ28 } from './weights';
import { optim, OPTIM_BEFORE, OPTIM_AFTER } from './optim';

const SCALED: usize = memory.data(4 * 64, 16);
const ACTIVE_M: usize = memory.data(4 * 64, 16);
/** The error with a block shift so that every value fits 15 bits (i32 dot products below). */
const ERRS: usize = memory.data(4 * 8, 16);
/** The readout trace [obar | onebar] as 15-bit mantissas with one shift (readout update). */
const OBARS: usize = memory.data(4 * 68, 16);

/** A dot product of i16 weights and 15-bit values summed as Q(24 - 8) in i32, to Q12 times 2^k. */
// @ts-ignore: decorator
@inline function fromDot(acc: i32, k: i32): i32 {
  // k = 0 (no block shift, the usual case): acc + 8 cannot overflow (see signals()).
  return k == 0 ? (acc + 8) >> 4 : sat32(((<i64>acc << k) + 8) >> 4);
}

// Dot products in i32: each term (w x v + 128) >> 8 with |w|, |v| < 2^15 is at most 4,194,176, so
// up to 512 terms (plus fromDot's rounding 8) cannot overflow; the error and the scaled signals
// carry a block shift k.
function signals(err: usize): void {
  const top = LAYERS - 1;
  const sigT = layPtr(top, LF_SIG);
  const ke = blockShift(err, ERRS, N_OUT);
  // F[o, j] (traces.ts feedback()) at base + (j sj + o so) i16s: B is [n_L x n_out], V [n_out x n_L].
  const fb: usize = RANDOM_FEEDBACK ? G_B : G_V;
  const sj = <usize>(RANDOM_FEEDBACK ? <usize>N_OUT : 1) << <usize>1;
  const so = <usize>(RANDOM_FEEDBACK ? 1 : <usize>N_TOP) << <usize>1;
  for (let j = 0, fj = fb; j < N_TOP; j++, fj += sj) {
    let acc = 0;
    for (let o = 0, f = fj; o < N_OUT; o++, f += so) acc += (<i32>load<i16>(f) * ld(ERRS, o) + 128) >> 8;
    st(sigT, j, fromDot(acc, ke));
  }
  for (let l = top; l > 0; l--) {
    const n = lay(l, LF_N);
    const P = lay(l, LF_P);
    const nPre = lay(l, LF_NPRE);
    const w = layPtr(l, LF_W);
    const psi = layPtr(l, LF_PSI);
    const sig = layPtr(l, LF_SIG);
    // s_m = e psi_m L_m for the units with a pseudo-derivative (the others add nothing).
    let nA = 0;
    for (let m = 0; m < n; m++) {
      let eg = ld(psi, m);
      if (eg == 0) continue;
      if (NEURON == NEURON_RATE) eg = decayQ15(eg, ONE_MINUS_A);
      const s = mulQ12(eg, ld(sig, m));
      if (s == 0) continue;
      st(SCALED, nA, s);
      st(ACTIVE_M, nA, m);
      nA++;
    }
    const below = layPtr(l - 1, LF_SIG);
    if (nA == 0) {
      for (let i = 0; i < nPre; i++) st(below, i, 0);
      continue;
    }
    const k = blockShift(SCALED, SCALED, nA);
    // Row by row (W^l_m. is contiguous): below_i accumulates in i32, then goes to Q12 once.
    const accEnd = below + (<usize>nPre << 2);
    for (let p = below; p < accEnd; p += 4) store<i32>(p, 0);
    for (let a = 0; a < nA; a++) {
      const s = ld(SCALED, a);
      let pw = w + (<usize>(ld(ACTIVE_M, a) * P) << 1);
      for (let p = below; p < accEnd; p += 4, pw += 2) store<i32>(p, load<i32>(p) + ((<i32>load<i16>(pw) * s + 128) >> 8));
    }
    for (let p = below; p < accEnd; p += 4) store<i32>(p, fromDot(load<i32>(p), k));
  }
}

/**
 * Readout: dV_oj = err_o obar_j, dc_o = err_o onebar: accumulated in i32 Q12 with one coefficient
 * per output (interval != 1), or applied at once in Q28 (weights.ts readoutStepQ28).
 */
function readoutLearn(err: usize, obar: usize): void {
  // G_ONEBAR follows G_OBAR (layout.ts): the bias is column N_TOP.
  const kb = blockShift(obar, OBARS, N_TOP + 1);
  if (!ACCUMULATE) {
    readoutStepQ28(err, OBARS, kb);
    return;
  }
  for (let o = 0; o < N_OUT; o++) {
    const e = ld(err, o);
    if (e == 0) continue;
    // g (Q12) = e o / 2^12, o = m 2^kb.
    const sh = blockCoefficient(<i64>e, 12 - kb);
    if (sh < 0) continue;
    const kc = BLOCK_K;
    const half = sh > 0 ? 1 << (sh - 1) : 0;
    for (let q = 0; q <= N_TOP; q++) {
      const x = kc * ld(OBARS, q);
      if (x == 0) continue;
      const g = q < N_TOP ? G_GV + (<usize>(o * N_TOP + q) << 2) : G_GC + (<usize>o << 2);
      store<i32>(g, addSat(load<i32>(g), (x + half) >> sh));
    }
  }
}

export function learnStep(err: usize): void {
  if (ENGINE != ENGINE_DEEP_FULL) signals(err);
  // Row-RMS: each layer's sampled row takes its new scale before this step's signals enter the rows.
  if (ROW_RMS) optim(OPTIM_BEFORE, err);
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
    } else if (lay(l, LF_H) > 0) {
      accumulateSignals(l, layPtr(l, LF_SIG));
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
  if (ROW_RMS) {
    optim(OPTIM_AFTER, err);
  } else {
    readoutLearn(err, G_OBAR);
  }
  if (INTERVAL > 1) {
    const pending = load<i32>(G_PENDING) + 1;
    if (pending >= INTERVAL) {
      syncRows();
      applyAccumulated();
      store<i32>(G_PENDING, 0);
    } else {
      store<i32>(G_PENDING, pending);
    }
  }
}
