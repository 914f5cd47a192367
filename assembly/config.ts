// The configuration block: 22 i32 words the embedder writes at config_ptr() before init().
// init() validates every field (a bad field i gives status -100 - i) and keeps a private copy, so the
// running net never depends on what is written to the block later.
//
// | idx | field     | unit / format          | range            | meaning
// |  0  | NEURON    | enum                   | 0..2             | 0 LIF, 1 ALIF, 2 leaky rate (v-form)
// |  1  | N_IN      | count                  | 1..64            | inputs
// |  2  | N_LAYERS  | count                  | 1..4             | hidden layers
// | 3-6 | UNITS_1-4 | count                  | 1..64 (used)     | units per layer (unused layers: 0..64, ignored)
// |  7  | N_OUT     | count                  | 1..8             | outputs
// |  8  | RECURRENT | bit mask               | 0..15            | bit l: lateral recurrence in layer l+1
// |  9  | ENGINE    | enum                   | 0..2             | 0 eprop, 1 deep-full, 2 deep-fact
// | 10  | FEEDBACK  | enum                   | 0..1             | 0 symmetric (V^T), 1 fixed random B
// | 11  | LEAK_A    | Q15                    | 0..32767         | membrane / unit leak a = exp(-dt/tau)
// | 12  | THR       | Q12                    | 1..32767         | spike threshold (LIF, ALIF)
// | 13  | GAMMA     | Q12                    | 0..32767         | pseudo-derivative dampening
// | 14  | BETA      | Q12                    | 0..32767         | ALIF threshold adaptation
// | 15  | RHO       | Q15                    | 0..32767         | ALIF adaptation decay
// | 16  | KAPPA     | Q15                    | 0..32767         | readout leak
// | 17  | LR        | Q32 (u32 in i32)       | 0..2147483647    | learning rate (0..0.5)
// | 18  | INTERVAL  | steps                  | 0..65535         | apply every K learn() calls; 0 = only accumulate
// | 19  | CLIP      | Q12                    | 1..32767         | |weight| limit after each update
// | 20  | SEED      | u32                    | any              | PRNG seed (init weights, stochastic rounding)
// | 21  | OPTIM     | enum                   | 0..1             | 0 SGD, 1 row-RMS (optim.ts; event-driven rows, INTERVAL 1)
import { load32, store32 } from './memory';

export const F_NEURON = 0;
export const F_N_IN = 1;
export const F_N_LAYERS = 2;
export const F_UNITS = 3;
export const F_N_OUT = 7;
export const F_RECURRENT = 8;
export const F_ENGINE = 9;
export const F_FEEDBACK = 10;
export const F_LEAK_A = 11;
export const F_THR = 12;
export const F_GAMMA = 13;
export const F_BETA = 14;
export const F_RHO = 15;
export const F_KAPPA = 16;
export const F_LR = 17;
export const F_INTERVAL = 18;
export const F_CLIP = 19;
export const F_SEED = 20;
export const F_OPTIM = 21;
export const N_FIELDS = 22;

export const NEURON_LIF = 0;
export const NEURON_ALIF = 1;
export const NEURON_RATE = 2;
export const ENGINE_EPROP = 0;
export const ENGINE_DEEP_FULL = 1;
export const ENGINE_DEEP_FACT = 2;
export const OPTIM_SGD = 0;
export const OPTIM_ROW_RMS = 1;

export const MAX_LAYERS = 4;
export const MAX_UNITS = 64;
export const MAX_IN = 64;
export const MAX_OUT = 8;

/** The block the embedder writes. */
export const CONFIG_BLOCK: usize = memory.data(N_FIELDS * 4, 16);
/** The validated copy the core runs on. */
export const ACTIVE: usize = memory.data(N_FIELDS * 4, 16);

// @ts-ignore: decorator
@inline export function cfg(field: i32): i32 {
  return load32(ACTIVE + (<usize>field << 2));
}

function lo(field: i32): i32 {
  if (field == F_NEURON || field == F_RECURRENT || field == F_ENGINE || field == F_FEEDBACK || field == F_OPTIM) return 0;
  if (field == F_LEAK_A || field == F_GAMMA || field == F_BETA || field == F_RHO || field == F_KAPPA) return 0;
  if (field == F_LR || field == F_INTERVAL) return 0;
  if (field >= F_UNITS && field < F_UNITS + MAX_LAYERS) return 0; // used layers checked below
  return 1;
}

function hi(field: i32): i32 {
  switch (field) {
    case F_NEURON: return 2;
    case F_N_IN: return MAX_IN;
    case F_N_LAYERS: return MAX_LAYERS;
    case F_N_OUT: return MAX_OUT;
    case F_RECURRENT: return (1 << MAX_LAYERS) - 1;
    case F_ENGINE: return 2;
    case F_FEEDBACK: return 1;
    case F_OPTIM: return 1;
    case F_LR: return 2147483647;
    case F_INTERVAL: return 65535;
    default:
      if (field >= F_UNITS && field < F_UNITS + MAX_LAYERS) return MAX_UNITS;
      return 32767; // Q15 factors below 1, Q12 constants below 8
  }
}

/** Checks the block at CONFIG_BLOCK; returns 0 or -100 - (index of the first bad field). */
export function validateBlock(): i32 {
  for (let f = 0; f < N_FIELDS; f++) {
    if (f == F_SEED) continue;
    const v = load32(CONFIG_BLOCK + (<usize>f << 2));
    if (v < lo(f) || v > hi(f)) return -100 - f;
  }
  const layers = load32(CONFIG_BLOCK + (<usize>F_N_LAYERS << 2));
  for (let l = 0; l < layers; l++) {
    if (load32(CONFIG_BLOCK + (<usize>(F_UNITS + l) << 2)) < 1) return -100 - (F_UNITS + l);
  }
  return 0;
}

/** Copies the (validated) block into the active configuration. */
export function commitBlock(): void {
  for (let f = 0; f < N_FIELDS; f++) store32(ACTIVE + (<usize>f << 2), load32(CONFIG_BLOCK + (<usize>f << 2)));
}

// @ts-ignore: decorator
@inline export function blockField(field: i32): i32 {
  return load32(CONFIG_BLOCK + (<usize>field << 2));
}
