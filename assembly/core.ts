// Lifecycle of the core: init from the config block, reset, step, learn. Every entry point returns
// a status (status.ts) and leaves the state untouched when it refuses.
import { CONFIG_BLOCK, ACTIVE, N_FIELDS, validateBlock, commitBlock, cfg, F_SEED, F_OPTIM, F_INTERVAL, OPTIM_ROW_RMS, MAX_IN, MAX_OUT } from './config';
import { optim, OPTIM_INIT } from './optim';
import { computeLayout, lay, layPtr, LF_N, LF_P, LF_W, STATE_START, STATE_END, G_RNG, G_STEPS, G_Y, G_V, G_B, ROW_RMS, rowStages } from './layout';
import { deriveParams, N_OUT, N_TOP, LAYERS } from './params';
import { forward } from './network';
import { updateTraces } from './traces';
import { learnStep } from './learn';
import { deriveRows, syncRows } from './rows';
import { rngSeed, rngAt } from './random';
import { streamReset } from './snapshot';
import { zero, copy } from './memory';
import { OK, E_NOT_INITIALISED, E_TOO_LARGE } from './status';

export const INPUT: usize = memory.data(MAX_IN * 4, 16);
export const OUTPUT: usize = memory.data(MAX_OUT * 4, 16);
export const ERROR: usize = memory.data(MAX_OUT * 4, 16);
const BACKUP: usize = memory.data(N_FIELDS * 4, 16);

export let initialised = false;

export function init(): i32 {
  const bad = validateBlock();
  if (bad != OK) return bad;
  // Measure with the new config, keeping the old one to restore on refusal.
  copy(BACKUP, ACTIVE, N_FIELDS * 4);
  commitBlock();
  if (computeLayout(false) == 0) {
    copy(ACTIVE, BACKUP, N_FIELDS * 4);
    return E_TOO_LARGE;
  }
  // Row-RMS runs on the event-driven rows with updates every step only (optim.ts).
  if (cfg(F_OPTIM) == OPTIM_ROW_RMS && (cfg(F_INTERVAL) != 1 || rowStages(0) == 0)) {
    copy(ACTIVE, BACKUP, N_FIELDS * 4);
    return -100 - F_OPTIM;
  }
  computeLayout(true);
  deriveParams();
  deriveRows();
  if (ROW_RMS) optim(OPTIM_INIT, 0);
  zero(STATE_START, STATE_END - STATE_START);
  rngAt(G_RNG);
  rngSeed(<u32>cfg(F_SEED));
  zero(OUTPUT, MAX_OUT * 4);
  streamReset();
  initialised = true;
  return OK;
}

/**
 * Zeroes neuron states, traces, accumulators, the readout and the step counter; keeps the weights
 * (with every learning step taken so far applied: sync first) and the PRNG. In the layout every layer's weights come first and the rest of the layer follows up
 * to the next layer's weights, so the non-weight ranges are easy to name.
 */
export function resetState(): i32 {
  if (!initialised) return E_NOT_INITIALISED;
  syncRows();
  zero(G_STEPS, G_V - G_STEPS); // counters, y and readout traces (V, c, B follow them)
  for (let l = 0; l < LAYERS; l++) {
    const wEnd = (layPtr(l, LF_W) + (<usize>(lay(l, LF_N) * lay(l, LF_P)) << 1) + 3) & ~<usize>3;
    const next = l + 1 < LAYERS ? layPtr(l + 1, LF_W) : STATE_END;
    zero(wEnd, next - wEnd);
  }
  const bEnd = (G_B + (<usize>(N_TOP * N_OUT) << 1) + 3) & ~<usize>3;
  zero(bEnd, layPtr(0, LF_W) - bEnd);
  zero(OUTPUT, MAX_OUT * 4);
  return OK;
}

export function step(): i32 {
  if (!initialised) return E_NOT_INITIALISED;
  forward(INPUT);
  updateTraces();
  store<i32>(G_STEPS, load<i32>(G_STEPS) + 1);
  copy(OUTPUT, G_Y, <usize>N_OUT << 2);
  return OK;
}

export function learn(): i32 {
  if (!initialised) return E_NOT_INITIALISED;
  learnStep(ERROR);
  return OK;
}

/** Applies every pending per-row update (rows.ts), so that the weights and accumulators are current. */
export function sync(): i32 {
  if (!initialised) return E_NOT_INITIALISED;
  syncRows();
  return OK;
}

/** Marks the core uninitialised (after the self-test borrowed it). */
export function deinit(): void {
  initialised = false;
}
