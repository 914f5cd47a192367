// The boot self-test: a fixed deterministic scenario whose checksum proves that this interpreter
// (Node, WASM3, wasm2c) computes what CI computed. Three short phases cover all three neuron models
// and all three engines; the checksum is a CRC-32 over every output of every step and the final
// state of each phase. It re-initialises the core: call init() again afterwards.
import { CONFIG_BLOCK, N_FIELDS, F_NEURON, F_N_IN, F_N_LAYERS, F_UNITS, F_N_OUT, F_RECURRENT, F_ENGINE, F_FEEDBACK, F_LEAK_A, F_THR, F_GAMMA, F_BETA, F_RHO, F_KAPPA, F_LR, F_INTERVAL, F_CLIP, F_SEED } from './config';
import { init, step, learn, INPUT, OUTPUT, ERROR, deinit } from './core';
import { initWeights } from './weights';
import { STATE_START, STATE_END } from './layout';
import { crcUpdate } from './crc32';
import { copy } from './memory';

const SAVED: usize = memory.data(N_FIELDS * 4, 16);

function set(f: i32, v: i32): void {
  store<i32>(CONFIG_BLOCK + (<usize>f << 2), v);
}

function phase(crc: u32, neuron: i32, engine: i32, interval: i32, steps: i32): u32 {
  set(F_NEURON, neuron); set(F_N_IN, 4); set(F_N_LAYERS, 2); set(F_UNITS, 8); set(F_UNITS + 1, 6);
  set(F_UNITS + 2, 0); set(F_UNITS + 3, 0); set(F_N_OUT, 2); set(F_RECURRENT, 3); set(F_ENGINE, engine);
  set(F_FEEDBACK, engine == 0 ? 1 : 0); set(F_LEAK_A, 31164); set(F_THR, 2048); set(F_GAMMA, 1229);
  set(F_BETA, 819); set(F_RHO, 32604); set(F_KAPPA, 29491); set(F_LR, 429497); set(F_INTERVAL, interval);
  set(F_CLIP, 16384); set(F_SEED, 20260101 + neuron);
  if (init() != 0) return 0;
  initWeights(4915, 1229, 4096);
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < 4; i++) store<i32>(INPUT + (<usize>i << 2), ((t * 7 + i * 3) % 5 == 0) ? 4096 : (neuron == 2 ? (t % 11) * 300 - 1500 : 0));
    step();
    crc = crcUpdate(crc, OUTPUT, 8);
    const target0 = ((t % 40) - 20) * 100; // a triangle-ish saw, Q12
    const target1 = t % 20 < 10 ? 2048 : -2048;
    store<i32>(ERROR, load<i32>(OUTPUT) - target0);
    store<i32>(ERROR + 4, load<i32>(OUTPUT + 4) - target1);
    learn();
  }
  return crcUpdate(crc, STATE_START, STATE_END - STATE_START);
}

/** Phases of the self-test, in order. */
export const SELF_TEST_PHASES = 3;

/**
 * The mcu-ref engine (LIF, deep-fact, online) comes last: an embedder that runs the phases in
 * instances of their own can run the last one in the instance the core then keeps, whose code for
 * that engine it compiles for the net anyway (firmware/src/dt_core_wasm3.c).
 */
function runPhase(k: i32, crc: u32): u32 {
  if (k == 0) return phase(crc, 2, 1, 8, 80); // rate, deep-full, every 8 steps
  if (k == 1) return phase(crc, 1, 0, 1, 80); // ALIF, eprop, random feedback
  return phase(crc, 0, 2, 1, 120); // LIF, deep-fact, immediate updates
}

export function selfTest(): i32 {
  copy(SAVED, CONFIG_BLOCK, N_FIELDS * 4);
  let crc: u32 = 0xffffffff;
  for (let k = 0; k < SELF_TEST_PHASES; k++) crc = runPhase(k, crc);
  copy(CONFIG_BLOCK, SAVED, N_FIELDS * 4);
  deinit();
  return <i32>~crc;
}

/**
 * One phase k of the self-test, continuing the CRC crc (0xFFFFFFFF before phase 0; the checksum is
 * ~crc after the last phase): the result goes to OUTPUT[0]. An embedder can run each phase in a
 * fresh instance, so that no instance ever holds the code of all three engines (WASM3 keeps what it
 * has compiled). Leaves the core uninitialised; the config block is kept.
 */
export function selfTestPhase(k: i32, crc: u32): void {
  copy(SAVED, CONFIG_BLOCK, N_FIELDS * 4);
  const r = runPhase(k, crc);
  copy(CONFIG_BLOCK, SAVED, N_FIELDS * 4);
  deinit();
  store<u32>(OUTPUT, r);
}
