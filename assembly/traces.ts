// The trace recursion of every engine, in one place. Called once per step after the forward pass.
//
// Local (per layer l, reset path detached, so A_j = diag(a, rho) + u g'^T with u = [0, 1]):
//   eps^v_q   <- a eps^v_q + e p_q                        (e = 1; 1 - a for rate units)
//   eps^a_jq  <- rho eps^a_jq + psi'_j (eps^v_q - beta eps^a_jq)     (ALIF; uses eps^v before its update)
//   elig_jq    = psi_j eps^v_q            (ALIF: psi_j (eps^v_q - beta eps^a_jq))
// eprop:     ebar_jq <- kappa ebar_jq + elig_jq
// deep-fact: stage_0 <- a stage_0 + elig; stage_h <- a stage_h + stage_{h-1} (one per layer above);
//            the last stage uses kappa. Memory: (L - l) values per synapse.
// deep-full: E^{l+1,l}[m,(j,q)] <- a E + e W^{l+1}_mj elig_jq
//            E^{k,l}[m,col]      <- a E + e sum_i W^k_mi psi^{k-1}_i E^{k-1,l}[i,col]     (k > l+1)
//            N^l[o,col]          <- kappa N + sum_m F_om psi^L_m E^{L,l}[m,col]  (l = L: F_oj elig_jq)
//            F = V (symmetric) or B^T (random feedback).
// Readout:   obar_j <- kappa obar_j + o^L_j;  onebar <- kappa onebar + 1.
// All values Q12 in i32; decays Q15; products rounded half up and saturated (fixed.ts).
// LIF and rate layers with eprop or deep-fact run the same cascade event-driven, row by row, in
// rows.ts (normalised i16 stages, updated only when psi_j != 0); this file keeps the dense form for
// ALIF and deep-full.
import { lay, layPtr, xeOffset, LF_N, LF_P, LF_W, LF_PSI, LF_PSIPREV, LF_PRE, LF_EPSV, LF_EPSA, LF_TRACE, LF_XN, LF_O, G_OBAR, G_ONEBAR, G_V, G_B } from './layout';
import { LAYERS, NEURON, ENGINE, A, ONE_MINUS_A, BETA, RHO, KAPPA, N_OUT, N_TOP, RANDOM_FEEDBACK } from './params';
import { NEURON_ALIF, NEURON_RATE, ENGINE_EPROP, ENGINE_DEEP_FACT, ENGINE_DEEP_FULL } from './config';
import { mulQ12, decayQ15, decayArray, addSat, ONE_Q12 } from './fixed';
import { copy, zero, ld, st } from './memory';
import { updateRows } from './rows';
import { LF_H } from './layout';


/** One row of eligibilities (at most 64 + 64 + 1 presynaptic values). */
const ELIG: usize = memory.data(4 * 132, 16);

/** dst[i] <- dst[i] + c src[i] for i < n (Q12, saturating). */
function axpyRow(dst: usize, src: usize, n: i32, c: i32): void {
  const end = dst + (<usize>n << 2);
  for (let p = dst, i = src; p < end; p += 4, i += 4) {
    const x = load<i32>(i);
    if (x != 0) store<i32>(p, addSat(load<i32>(p), mulQ12(c, x)));
  }
}

/** dst[i] <- dst[i] + c (v[i] - beta q[i]) for i < n: an ALIF layer's output sensitivity g . (E_v, E_q). */
function axpyAlifRow(dst: usize, v: usize, q: usize, n: i32, c: i32): void {
  const end = dst + (<usize>n << 2);
  for (let p = dst, i = v, j = q; p < end; p += 4, i += 4, j += 4) {
    const x = load<i32>(i) - mulQ12(BETA, load<i32>(j));
    if (x != 0) store<i32>(p, addSat(load<i32>(p), mulQ12(c, x)));
  }
}

/**
 * ALIF self block on an E^{k,l} pair of rows (v and q components, reset detached):
 * E_q <- rho E_q + psi'_m (E_v - beta E_q);  E_v <- a E_v   (both from the old values).
 */
function alifSelfRows(ev: usize, eq: usize, n: i32, psiPrev: i32): void {
  const end = ev + (<usize>n << 2);
  for (let p = ev, r = eq; p < end; p += 4, r += 4) {
    const v = load<i32>(p);
    const q = load<i32>(r);
    if (v == 0 && q == 0) continue;
    store<i32>(r, addSat(decayQ15(q, RHO), mulQ12(psiPrev, v - mulQ12(BETA, q))));
    store<i32>(p, decayQ15(v, A));
  }
}

/** dst[q] <- leak dst[q] + input[q] for q < P (input 0: no input, decay only). */
function filterRow(dst: usize, input: usize, P: i32, leak: i32): void {
  const end = dst + (<usize>P << 2);
  if (input == 0) {
    for (let p = dst; p < end; p += 4) {
      const x = load<i32>(p);
      if (x != 0) store<i32>(p, decayQ15(x, leak));
    }
    return;
  }
  for (let p = dst, i = input; p < end; p += 4, i += 4) store<i32>(p, addSat(decayQ15(load<i32>(p), leak), load<i32>(i)));
}

/** Feedback weight F[o, m] from output o to top unit m. */
// @ts-ignore: decorator
@inline export function feedback(o: i32, m: i32): i32 {
  return RANDOM_FEEDBACK ? <i32>load<i16>(G_B + (<usize>(m * N_OUT + o) << 1)) : <i32>load<i16>(G_V + (<usize>(o * N_TOP + m) << 1));
}

export function updateTraces(): void {
  // Readout traces.
  const oL = layPtr(LAYERS - 1, LF_O);
  // No saturation needed: |o| <= 1.0 (spikes, or rate outputs) and kappa <= 1 - 2^-15 bound each
  // trace by 2^15 in Q12 (2^27), far from the i32 range.
  for (let j = 0; j < N_TOP; j++) st(G_OBAR, j, decayQ15(ld(G_OBAR, j), KAPPA) + ld(oL, j));
  store<i32>(G_ONEBAR, decayQ15(load<i32>(G_ONEBAR), KAPPA) + ONE_Q12);

  for (let l = 0; l < LAYERS; l++) {
    if (lay(l, LF_H) > 0) {
      updateRows(l);
      continue;
    }
    const n = lay(l, LF_N);
    const P = lay(l, LF_P);
    const pre = layPtr(l, LF_PRE);
    const psi = layPtr(l, LF_PSI);
    const epsv = layPtr(l, LF_EPSV);
    const epsa = layPtr(l, LF_EPSA);
    const trace = layPtr(l, LF_TRACE);
    if (NEURON == NEURON_ALIF) {
      const psiPrev = layPtr(l, LF_PSIPREV);
      for (let j = 0; j < n; j++) {
        const pp = ld(psiPrev, j);
        for (let q = 0; q < P; q++) {
          const i = j * P + q;
          const ea = ld(epsa, i);
          st(epsa, i, addSat(decayQ15(ea, RHO), mulQ12(pp, ld(epsv, q) - mulQ12(BETA, ea))));
        }
      }
    }
    const rate = NEURON == NEURON_RATE;
    for (let q = 0; q < P; q++) {
      const pq = ld(pre, q);
      st(epsv, q, addSat(decayQ15(ld(epsv, q), A), rate ? decayQ15(pq, ONE_MINUS_A) : pq));
    }
    const stages = ENGINE == ENGINE_EPROP ? 1 : ENGINE == ENGINE_DEEP_FACT ? LAYERS - l : 0;
    const S = n * P;
    for (let j = 0; j < n; j++) {
      const pj = ld(psi, j);
      const row = <usize>(j * P) << 2;
      // This row's eligibility into ELIG (a silent unit, psi = 0, has none).
      if (pj != 0) {
        if (NEURON == NEURON_ALIF) for (let q = 0; q < P; q++) st(ELIG, q, mulQ12(pj, ld(epsv, q) - mulQ12(BETA, ld(epsa + row, q))));
        else for (let q = 0; q < P; q++) st(ELIG, q, mulQ12(pj, ld(epsv, q)));
      }
      if (stages == 0) {
        // deep-full keeps this step's eligibility for crossDepth().
        if (pj != 0) copy(trace + row, ELIG, <usize>P << 2);
        else zero(trace + row, <usize>P << 2);
        continue;
      }
      // Filter cascade: stage h <- leak_h stage h + input (the eligibility, then the stage below);
      // the last stage (the only one for eprop) has the readout leak kappa.
      let input: usize = pj != 0 ? ELIG : 0;
      for (let h = 0; h < stages; h++) {
        const dst = trace + (<usize>(h * S) << 2) + row;
        filterRow(dst, input, P, h == stages - 1 ? KAPPA : A);
        input = dst;
      }
    }
  }
  if (ENGINE == ENGINE_DEEP_FULL) crossDepth();
}

/**
 * deep-full: cross-depth traces E^{k,l} and readout traces N^l. For ALIF every E row has a v and a q
 * component (Bellec's eps^v and eps^a one layer up): input enters v only, the neuron's own 2x2 block
 * mixes them, and a layer's output sensitivity is psi (E_v - beta E_q).
 */
function crossDepth(): void {
  const rate = NEURON == NEURON_RATE;
  const alif = NEURON == NEURON_ALIF;
  const top = LAYERS - 1;
  for (let l = 0; l < LAYERS; l++) {
    const nl = lay(l, LF_N);
    const Pl = lay(l, LF_P);
    const S = nl * Pl;
    const eligL = layPtr(l, LF_TRACE);
    const psiL = layPtr(l, LF_PSI);
    for (let k = l + 1; k < LAYERS; k++) {
      const E = xeOffset(l, k);
      const nk = lay(k, LF_N);
      const Wk = layPtr(k, LF_W);
      const Pk = lay(k, LF_P);
      const total = nk * S;
      if (alif) {
        const psiPrevK = layPtr(k, LF_PSIPREV);
        for (let m = 0; m < nk; m++) {
          const row = <usize>(m * S) << 2;
          alifSelfRows(E + row, E + (<usize>total << 2) + row, S, ld(psiPrevK, m));
        }
      } else {
        decayArray(E, total, A);
      }
      if (k == l + 1) {
        for (let m = 0; m < nk; m++) {
          for (let j = 0; j < nl; j++) {
            if (ld(psiL, j) == 0) continue;
            let c = <i32>load<i16>(Wk + (<usize>(m * Pk + j) << 1));
            if (rate) c = decayQ15(c, ONE_MINUS_A);
            if (c == 0) continue;
            axpyRow(E + (<usize>(m * S + j * Pl) << 2), eligL + (<usize>(j * Pl) << 2), Pl, c);
          }
        }
      } else {
        const Eb = xeOffset(l, k - 1);
        const nb = lay(k - 1, LF_N);
        const psiB = layPtr(k - 1, LF_PSI);
        for (let m = 0; m < nk; m++) {
          for (let i = 0; i < nb; i++) {
            const pi = ld(psiB, i);
            if (pi == 0) continue;
            let c = mulQ12(<i32>load<i16>(Wk + (<usize>(m * Pk + i) << 1)), pi);
            if (rate) c = decayQ15(c, ONE_MINUS_A);
            if (c == 0) continue;
            if (alif) axpyAlifRow(E + (<usize>(m * S) << 2), Eb + (<usize>(i * S) << 2), Eb + (<usize>((nb + i) * S) << 2), S, c);
            else axpyRow(E + (<usize>(m * S) << 2), Eb + (<usize>(i * S) << 2), S, c);
          }
        }
      }
    }
    // Readout trace N^l.
    const N = layPtr(l, LF_XN);
    const totalN = N_OUT * S;
    decayArray(N, totalN, KAPPA);
    if (l == top) {
      for (let o = 0; o < N_OUT; o++) {
        for (let j = 0; j < nl; j++) {
          if (ld(psiL, j) == 0) continue;
          const f = feedback(o, j);
          if (f == 0) continue;
          axpyRow(N + (<usize>(o * S + j * Pl) << 2), eligL + (<usize>(j * Pl) << 2), Pl, f);
        }
      }
    } else {
      const Et = xeOffset(l, top);
      const psiT = layPtr(top, LF_PSI);
      for (let o = 0; o < N_OUT; o++) {
        for (let m = 0; m < N_TOP; m++) {
          const pm = ld(psiT, m);
          if (pm == 0) continue;
          const c = mulQ12(feedback(o, m), pm);
          if (c == 0) continue;
          if (alif) axpyAlifRow(N + (<usize>(o * S) << 2), Et + (<usize>(m * S) << 2), Et + (<usize>((N_TOP + m) * S) << 2), S, c);
          else axpyRow(N + (<usize>(o * S) << 2), Et + (<usize>(m * S) << 2), S, c);
        }
      }
    }
  }
}
