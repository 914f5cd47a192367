// Where everything lives in linear memory. init() computes the layout from the active config; the
// arena is the memory after the module's static data, up to MEMORY_END: the end of the first 64 KiB
// page unless the embedder sets another limit (memory_limit(): less on a device, up to 4 pages on a host).
//
// [arena: snapshot header, 32 B][ state ................... ][ free: snapshot staging ]
//                                ^ STATE_START               ^ STATE_END
// The state is every byte that changes while the net runs (weights, neuron states, traces,
// gradient accumulators, PRNG, counters), so a snapshot is the header plus one contiguous copy of it.
//
// Per-layer arrays (n units, P = n_in_layer + (recurrent ? n : 0) + 1 presynaptic values):
//   W      i16 Q12 [n x P]  theta = [W | R | b], row-major
//   MEM    i32 Q12 [n]      membrane v (LIF/ALIF) or pre-activation u (rate)
//   ADAPT  i32 Q12 [n]      ALIF adaptation q
//   O      i32 Q12 [n]      output (z_{t-1} until the forward pass of step t replaces it)
//   PSI, PSIPREV i32 Q12 [n] pseudo-derivative now and at t-1 (PSIPREV: ALIF only)
//   PRE    i32 Q12 [P]      presynaptic vector p_t (dense engines only)
//   EPSV   i32 Q12 [P]      membrane eligibility eps^v (per input: the reset path is detached);
//          i16 Q12 [P]      event-driven rows: e^ = (1 - a) eps^v (LIF) or eps^v (rate)
//   EPSA   i32 Q12 [n x P]  ALIF adaptation eligibility eps^a (per synapse)
//   SIG    i32 Q12 [n]      learning signal
//   GRAD   i32 Q12 [n x P]  gradient accumulator (absent when INTERVAL = 1: updates apply at once)
//   TRACE  i32 Q12          eprop: ebar [n x P]; deep-fact: L - l filter stages [n x P] each;
//                           deep-full: the eligibility of this step [n x P]
//          i16 mantissas    event-driven rows (LIF/rate with eprop or deep-fact, rows.ts): H stages
//                           per synapse, interleaved [n x P x H], H = 1 (eprop) or L - l (deep-fact)
//   META   i32              event-driven rows: 3 H words per row [M^d, Gamma_0..H-1,
//                           exponent/max_0..H-1, (H = 2) (M^d)_10] (rows.ts)
//   XE     i32 Q12          deep-full: E^{k,l} for k = l+1..L, [n_k x n x P] each (ALIF: the v
//                           components, then the q components, [n_k x n x P] each)
//   XN     i32 Q12          deep-full: N^l [n_out x n x P]
//   RMS    posfloat words   row-RMS (optim.ts): 3 per row [r_j, w_j, scale_j], in the optimiser block
// Readout of online configs (interval 1): VLO i16 [n_out x n_L] and CLO i16 [n_out] after c, the
// Q28 residuals of V and c (learn.ts, optim.ts).
// The optimiser block (row-RMS only; empty with SGD) follows the PRNG and is not cleared by
// reset_state (the optimiser's statistics outlive a reset, as in the float64 reference):
//   [learn count t: i32][RMS rows of every layer][readout: R_k x n_out, w_R, C_q x (n_L + 1),
//    w_C x (n_L + 1), 1/max(B_q, f_o) x (n_L + 1)]  (optim.ts has the maths and formats)
import { rowBytes } from './rows';
import { cfg, F_N_IN, F_N_LAYERS, F_UNITS, F_N_OUT, F_RECURRENT, F_NEURON, F_ENGINE, F_INTERVAL, F_OPTIM, OPTIM_ROW_RMS, NEURON_ALIF, ENGINE_EPROP, ENGINE_DEEP_FACT, ENGINE_DEEP_FULL, MAX_LAYERS } from './config';

export const HEADER_BYTES: usize = 32;
export const PAGE_END: usize = 65536;
/**
 * The module's declared maximum memory (asconfig.json: 4 pages). The core starts with one page and
 * grows only when the embedder raises memory_limit() above it (a host running a net that needs
 * more, such as deep-full on 2x32); a device's runtime (AOT, WASM3) never grows it.
 */
export const MAX_MEMORY: usize = 4 * 65536;
/**
 * End of the linear memory the embedder really provides (memory_limit(); default the whole page).
 * The arena, and the snapshot staging area after the state, end here: an AOT runtime or a WASM3
 * runtime with memoryLimit set may back only [0, MEMORY_END) with RAM.
 */
export let MEMORY_END: usize = PAGE_END;
export function setMemoryEnd(end: usize): void {
  MEMORY_END = end;
}

export const LF_N = 0;
export const LF_NPRE = 1;
export const LF_P = 2;
export const LF_REC = 3;
export const LF_W = 4;
export const LF_MEM = 5;
export const LF_ADAPT = 6;
export const LF_O = 7;
export const LF_PSI = 9;
export const LF_PSIPREV = 10;
export const LF_PRE = 11;
export const LF_EPSV = 12;
export const LF_EPSA = 13;
export const LF_SIG = 14;
export const LF_GRAD = 15;
export const LF_TRACE = 16;
export const LF_XE = 17;
export const LF_XN = 18;
export const LF_META = 19;
export const LF_RMS = 20;
export const LF_H = 21;
const LF_COUNT = 22;

const TABLE: usize = memory.data(MAX_LAYERS * LF_COUNT * 4, 16);

// @ts-ignore: decorator
@inline export function lay(l: i32, field: i32): i32 {
  return load<i32>(TABLE + (<usize>(l * LF_COUNT + field) << 2));
}
// @ts-ignore: decorator
@inline export function layPtr(l: i32, field: i32): usize {
  return <usize>load<i32>(TABLE + (<usize>(l * LF_COUNT + field) << 2));
}
function setLay(l: i32, field: i32, v: i32): void {
  store<i32>(TABLE + (<usize>(l * LF_COUNT + field) << 2), v);
}

// Readout and bookkeeping, also inside the state.
export let ARENA: usize = 0;
export let STATE_START: usize = 0;
export let STATE_END: usize = 0;
export let G_RNG: usize = 0;
export let G_STEPS: usize = 0;
export let G_PENDING: usize = 0;
export let G_Y: usize = 0;
export let G_OBAR: usize = 0;
export let G_ONEBAR: usize = 0;
export let G_V: usize = 0; // i16 Q12 [n_out x n_L]
export let G_C: usize = 0; // i16 Q12 [n_out]
export let G_B: usize = 0; // i16 Q12 [n_L x n_out]
export let G_GV: usize = 0; // i32 Q12 [n_out x n_L] (0 when not accumulating)
export let G_GC: usize = 0; // i32 Q12 [n_out]
export let ACCUMULATE: bool = false;
/** The optimiser block (row-RMS): learn count, readout statistics; 0 with SGD. */
export let G_OPT_T: usize = 0;
export let G_OPT_R: usize = 0; // R_k [n_out]
export let G_OPT_WR: usize = 0; // w_R
export let G_OPT_C: usize = 0; // C_q [n_L + 1]
export let G_OPT_WC: usize = 0; // w_C [n_L + 1]
export let G_OPT_IB: usize = 0; // 1 / max(B_q, f_o) [n_L + 1]
export let G_VLO: usize = 0; // i16 [n_out x n_L]: V = (V16 << 16 + VLO) / 2^28 (interval 1)
export let G_CLO: usize = 0; // i16 [n_out]: the same for c
export let ROW_RMS: bool = false;
/**
 * Event-driven rows (rows.ts): every SWEEP_EVERY steps one row per layer applies its pending
 * gradient whatever its psi, round-robin, so no weight update waits longer than SWEEP_EVERY n steps.
 */
export const SWEEP_EVERY: i32 = 2;

/** Event-driven rows: META words per row (rows.ts): M^d, Gamma_0..H-1, exponent/max_0..H-1, H = 2: (M^d)_10. */
// @ts-ignore: decorator
@inline export function metaWords(H: i32): i32 {
  return 3 * H;
}

/** Event-driven rows (rows.ts) hold the eprop/deep-fact traces: every neuron but ALIF. */
export let ROWS: bool = false;

/**
 * Stages of an event-driven row set: eprop 1, deep-fact L - l; 0 for the dense engines (ALIF,
 * deep-full, and deep-fact deeper than two layers: rows.ts has one pass for up to two stages).
 */
export function rowStages(l: i32): i32 {
  const engine = cfg(F_ENGINE);
  if (cfg(F_NEURON) == NEURON_ALIF || engine == ENGINE_DEEP_FULL) return 0;
  if (engine == ENGINE_DEEP_FACT && cfg(F_N_LAYERS) > 2) return 0;
  return engine == ENGINE_EPROP ? 1 : cfg(F_N_LAYERS) - l;
}

function arenaBase(): usize {
  return (__heap_base + 15) & ~<usize>15;
}

// @ts-ignore: decorator
@inline function al4(x: usize): usize {
  return (x + 3) & ~<usize>3;
}

/**
 * Computes the layout for the active config. With commit = false it only measures; returns the
 * end of the state (an address), or 0 when it does not fit in the page.
 */
export function computeLayout(commit: bool): usize {
  const L = cfg(F_N_LAYERS);
  const nOut = cfg(F_N_OUT);
  const alif = cfg(F_NEURON) == NEURON_ALIF;
  const engine = cfg(F_ENGINE);
  const acc = cfg(F_INTERVAL) != 1;
  const nL = cfg(F_UNITS + L - 1);
  const arena = arenaBase();
  let p: usize = arena + HEADER_BYTES;
  const start = p;
  const rng = p; p += 4;
  const rms = cfg(F_OPTIM) == OPTIM_ROW_RMS;
  let optT: usize = 0, optR: usize = 0, optWR: usize = 0, optC: usize = 0, optWC: usize = 0, optIB: usize = 0;
  const rmsRows = p + 4; // each layer's 3 words per row, then the readout's
  if (rms) {
    optT = p; p += 4;
    for (let l = 0; l < L; l++) p += <usize>cfg(F_UNITS + l) * 12;
    optR = p; p += <usize>nOut * 4;
    optWR = p; p += 4;
    optC = p; p += <usize>(nL + 1) * 4;
    optWC = p; p += <usize>(nL + 1) * 4;
    optIB = p; p += <usize>(nL + 1) * 4;
  }
  const steps = p; p += 4;
  const pending = p; p += 8;
  const y = p; p += <usize>nOut * 4;
  const obar = p; p += <usize>nL * 4;
  const onebar = p; p += 4; // right after obar: learn.ts reads [obar | onebar] as one vector
  const v16 = p; p = al4(p + <usize>(nOut * nL) * 2);
  const c16 = p; p = al4(p + <usize>nOut * 2);
  // Online learning (interval 1, SGD or row-RMS): 16 more fractional bits of V and c, their Q28
  // residuals (reset_state keeps them, as it keeps the weights).
  let vlo: usize = 0, clo: usize = 0;
  if (!acc) {
    vlo = p; p = al4(p + <usize>(nOut * nL) * 2);
    clo = p; p = al4(p + <usize>nOut * 2);
  }
  const b16 = p; p = al4(p + <usize>(nL * nOut) * 2);
  let gv: usize = 0, gc: usize = 0;
  if (acc) {
    gv = p; p += <usize>(nOut * nL) * 4;
    gc = p; p += <usize>nOut * 4;
  }
  for (let l = 0; l < L; l++) {
    const n = cfg(F_UNITS + l);
    const H = rowStages(l);
    const nPre = l == 0 ? cfg(F_N_IN) : cfg(F_UNITS + l - 1);
    const rec = (cfg(F_RECURRENT) >> l) & 1;
    const P = nPre + (rec ? n : 0) + 1;
    const S = <usize>(n * P);
    const w = p; p = al4(p + S * 2);
    const mem = p; p += <usize>n * 4;
    let adapt: usize = 0;
    if (alif) { adapt = p; p += <usize>n * 4; }
    const o = p; p += <usize>n * 4;
    const psi = p; p += <usize>n * 4;
    // Event-driven rows read p through e^ (network.ts) and only ALIF reads psi_{t-1}.
    let psiprev: usize = 0, pre: usize = 0;
    if (alif) { psiprev = p; p += <usize>n * 4; }
    if (H == 0) { pre = p; p += <usize>P * 4; }
    const epsv = p; p = H > 0 ? al4(p + <usize>P * 2) : p + <usize>P * 4;
    let epsa: usize = 0;
    if (alif) { epsa = p; p += S * 4; }
    const sig = p; p += <usize>n * 4;
    let grad: usize = 0;
    if (acc) { grad = p; p += S * 4; }
    const trace = p;
    let meta: usize = 0;
    if (H > 0) {
      p = al4(p + S * <usize>rowBytes(H)); // rows.ts
      meta = p; p += <usize>n * <usize>metaWords(H) * 4;
    } else if (engine == ENGINE_EPROP) p += S * 4;
    else if (engine == ENGINE_DEEP_FACT) p += <usize>(L - l) * S * 4;
    else p += S * 4; // deep-full: this step's eligibility
    let xe: usize = 0, xn: usize = 0;
    if (engine == ENGINE_DEEP_FULL) {
      xe = p;
      for (let k = l + 1; k < L; k++) p += <usize>cfg(F_UNITS + k) * S * 4 * (alif ? 2 : 1);
      xn = p; p += <usize>nOut * S * 4;
    }
    if (p > MEMORY_END) return 0;
    if (commit) {
      setLay(l, LF_N, n); setLay(l, LF_NPRE, nPre); setLay(l, LF_P, P); setLay(l, LF_REC, rec);
      setLay(l, LF_W, <i32>w); setLay(l, LF_MEM, <i32>mem); setLay(l, LF_ADAPT, <i32>adapt);
      setLay(l, LF_O, <i32>o); setLay(l, LF_PSI, <i32>psi);
      setLay(l, LF_PSIPREV, <i32>psiprev); setLay(l, LF_PRE, <i32>pre); setLay(l, LF_EPSV, <i32>epsv);
      setLay(l, LF_EPSA, <i32>epsa); setLay(l, LF_SIG, <i32>sig); setLay(l, LF_GRAD, <i32>grad);
      setLay(l, LF_TRACE, <i32>trace); setLay(l, LF_XE, <i32>xe); setLay(l, LF_XN, <i32>xn);
      setLay(l, LF_META, <i32>meta); setLay(l, LF_H, H);
      let rp: usize = 0;
      if (rms) { rp = rmsRows; for (let m = 0; m < l; m++) rp += <usize>cfg(F_UNITS + m) * 12; }
      setLay(l, LF_RMS, <i32>rp);
    }
  }
  p = (p + 15) & ~<usize>15;
  if (p > MEMORY_END) return 0;
  if (commit) {
    ARENA = arena; STATE_START = start; STATE_END = p;
    G_RNG = rng; G_STEPS = steps; G_PENDING = pending; G_Y = y; G_OBAR = obar; G_ONEBAR = onebar;
    G_V = v16; G_C = c16; G_B = b16; G_GV = gv; G_GC = gc; ACCUMULATE = acc;
    G_OPT_T = optT; G_OPT_R = optR; G_OPT_WR = optWR; G_OPT_C = optC; G_OPT_WC = optWC; G_OPT_IB = optIB; ROW_RMS = rms; G_VLO = vlo; G_CLO = clo;
    ROWS = rowStages(0) > 0;
  }
  return p;
}

/** Offset of E^{k,l} (k > l) for deep-full. */
export function xeOffset(l: i32, k: i32): usize {
  let p = layPtr(l, LF_XE);
  const S = <usize>(lay(l, LF_N) * lay(l, LF_P));
  const comps: usize = lay(l, LF_ADAPT) != 0 ? 2 : 1;
  for (let m = l + 1; m < k; m++) p += <usize>lay(m, LF_N) * S * 4 * comps;
  return p;
}

export function staticEnd(): usize {
  return arenaBase();
}
