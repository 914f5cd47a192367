// The core's ABI: i32 parameters and results only, no imports, buffers at exported offsets.
// Documented in docs/core-abi.md. Every call returns a status (status.ts: 0 = OK, < 0 an error)
// or a non-negative value; a refused call leaves the state as it was.
import { CONFIG_BLOCK, N_FIELDS, MAX_LAYERS } from './config';
import { init as coreInit, resetState, sync as coreSync, step as coreStep, learn as coreLearn, initialised, INPUT, OUTPUT, ERROR } from './core';
import { layPtr, LF_W, LF_GRAD, LF_MEM, LF_O, LF_PSI, LF_ADAPT, STATE_START, STATE_END, ARENA, MEMORY_END, PAGE_END, MAX_MEMORY, HEADER_BYTES, setMemoryEnd, G_V, G_C, G_B, G_GV, G_GC, G_VLO, G_CLO, G_Y, G_STEPS, ACCUMULATE, staticEnd } from './layout';
import { LAYERS } from './params';
import { initWeights, applyAccumulated, clearAccumulated } from './weights';
import { saveSnapshot, loadSnapshot, stagingCapacity, configHash, streamBegin, streamChunk, streamEnd } from './snapshot';
import { selfTest, selfTestPhase, SELF_TEST_PHASES } from './selftest';
import { syncRows, clearRows } from './rows';
import { OK, E_NOT_INITIALISED, E_ARG, E_TOO_LARGE } from './status';

/** Core version: major * 65536 + minor. Snapshots carry it. */
const CORE_VERSION: i32 = 0x00010005;

export function version(): i32 { return CORE_VERSION; }
export function config_ptr(): i32 { return <i32>CONFIG_BLOCK; }
export function config_fields(): i32 { return N_FIELDS; }
export function input_ptr(): i32 { return <i32>INPUT; }
export function output_ptr(): i32 { return <i32>OUTPUT; }
export function error_ptr(): i32 { return <i32>ERROR; }

/** Validates the config block and lays out a fresh net (weights zero). */
export function init(): i32 { return coreInit(); }

/** Seeded random weights; amplitudes in Q12 (see weights.ts). */
export function init_weights(ampIn: i32, ampRec: i32, ampOut: i32): i32 {
  if (!initialised) return E_NOT_INITIALISED;
  if (ampIn < 0 || ampIn > 32767 || ampRec < 0 || ampRec > 32767 || ampOut < 0 || ampOut > 32767) return E_ARG;
  initWeights(ampIn, ampRec, ampOut);
  return OK;
}

export function reset_state(): i32 { return resetState(); }
/** One time step: reads input_ptr (n_in Q12), writes output_ptr (n_out Q12). */
export function step(): i32 { return coreStep(); }
/** One learning step: reads error_ptr (n_out Q12, dE/dy). */
export function learn(): i32 { return coreLearn(); }

/**
 * Brings the weights (and, accumulating, the gradient accumulators) up to date: event-driven rows
 * apply their pending updates lazily. Call before reading weights or accumulators from memory, or
 * before writing weights. It is a step of the learning rule (it consumes random bits when it applies
 * updates), so every embedder that wants bit-identical runs calls it at the same points.
 */
export function sync(): i32 { return coreSync(); }

/** Applies the accumulated gradient now (INTERVAL != 1). */
export function apply_gradient(): i32 {
  if (!initialised) return E_NOT_INITIALISED;
  syncRows();
  applyAccumulated();
  return OK;
}
export function clear_gradient(): i32 {
  if (!initialised) return E_NOT_INITIALISED;
  clearRows();
  clearAccumulated();
  return OK;
}

/**
 * Address of a layer's array: what = 0 weights (i16 Q12, n x P), 1 gradient accumulator (i32 Q12,
 * n x P; 0 when INTERVAL = 1), 2 membrane (i32 Q12, n), 3 output (i32 Q12, n), 4 psi (i32 Q12, n),
 * 5 ALIF adaptation q (i32 Q12, n; 0 for other neurons).
 */
export function layer_ptr(l: i32, what: i32): i32 {
  if (!initialised) return E_NOT_INITIALISED;
  if (l < 0 || l >= LAYERS || l >= MAX_LAYERS) return E_ARG;
  if (what == 0) return <i32>layPtr(l, LF_W);
  if (what == 1) return <i32>layPtr(l, LF_GRAD);
  if (what == 2) return <i32>layPtr(l, LF_MEM);
  if (what == 3) return <i32>layPtr(l, LF_O);
  if (what == 4) return <i32>layPtr(l, LF_PSI);
  if (what == 5) return <i32>layPtr(l, LF_ADAPT);
  return E_ARG;
}

/**
 * Address of a readout array: what = 0 V (i16 Q12, n_out x n_L), 1 c (i16 Q12, n_out), 2 B (i16 Q12,
 * n_L x n_out), 3 dV accumulator (i32 Q12), 4 dc accumulator (i32 Q12), 5 y (i32 Q12, n_out),
 * 6 and 7 the Q28 residuals of V and c (i16, online configs: V = (V16 << 16 + VLO) / 2^28). 0 for an
 * accumulator or residual the config does not have.
 */
export function readout_ptr(what: i32): i32 {
  if (!initialised) return E_NOT_INITIALISED;
  if (what == 0) return <i32>G_V;
  if (what == 1) return <i32>G_C;
  if (what == 2) return <i32>G_B;
  if (what == 3) return ACCUMULATE ? <i32>G_GV : 0;
  if (what == 4) return ACCUMULATE ? <i32>G_GC : 0;
  if (what == 5) return <i32>G_Y;
  if (what == 6) return <i32>G_VLO;
  if (what == 7) return <i32>G_CLO;
  return E_ARG;
}

/** Steps taken since init or reset_state. */
export function steps(): i32 {
  if (!initialised) return E_NOT_INITIALISED;
  return load<i32>(G_STEPS);
}

/** Bytes of linear memory the configured net uses: static data plus the arena's header and state. */
export function memory_used(): i32 {
  if (!initialised) return E_NOT_INITIALISED;
  return <i32>STATE_END;
}
/**
 * Tells the core how many bytes of linear memory the embedder backs with RAM (an AOT runtime that
 * allocates less than the declared page, or WASM3 with memoryLimit): the arena and the snapshot
 * staging area end there. bytes: a multiple of 16 in [static_bytes() + 64, 4 x 65536]; above the
 * memory's current size the core grows it first (memory.grow; a host whose net needs more than one
 * page, such as deep-full on 2x32). 0 asks for the current limit. Refused, nothing changed: E_ARG
 * for a bad value or when the memory cannot grow that far, E_TOO_LARGE when the running net does
 * not fit below it. Returns the limit in force.
 */
export function memory_limit(bytes: i32): i32 {
  if (bytes == 0) return <i32>MEMORY_END;
  if (bytes < <i32>staticEnd() + <i32>HEADER_BYTES + 32 || bytes > <i32>MAX_MEMORY || (bytes & 15) != 0) return E_ARG;
  if (initialised && <usize>bytes < STATE_END) return E_TOO_LARGE;
  const pages = (bytes + 65535) >> 16;
  if (pages > memory.size() && memory.grow(pages - memory.size()) < 0) return E_ARG;
  setMemoryEnd(<usize>bytes);
  return bytes;
}

/** Bytes of static data (code constants, buffers) before the arena. */
export function static_bytes(): i32 { return <i32>staticEnd(); }
/** Bytes of the state alone (what a snapshot carries after its 32-byte header). */
export function state_bytes(): i32 {
  if (!initialised) return E_NOT_INITIALISED;
  return <i32>(STATE_END - STATE_START);
}
export function config_hash(): i32 {
  if (!initialised) return E_NOT_INITIALISED;
  return <i32>configHash();
}

/** Writes the snapshot header; the snapshot is [snapshot_ptr(), snapshot_ptr() + result). */
export function snapshot_save(): i32 {
  if (!initialised) return E_NOT_INITIALISED;
  return saveSnapshot(<u32>CORE_VERSION);
}
export function snapshot_ptr(): i32 {
  if (!initialised) return E_NOT_INITIALISED;
  return <i32>ARENA;
}
/** Where to write a snapshot before snapshot_load, and how many bytes fit there. */
export function staging_ptr(): i32 {
  if (!initialised) return E_NOT_INITIALISED;
  return <i32>STATE_END;
}
export function staging_capacity(): i32 {
  if (!initialised) return E_NOT_INITIALISED;
  return stagingCapacity();
}
/** Validates len bytes at staging_ptr() and restores them; refuses without changing anything. */
export function snapshot_load(len: i32): i32 {
  if (!initialised) return E_NOT_INITIALISED;
  return loadSnapshot(len, <u32>CORE_VERSION);
}

/**
 * Streaming import for snapshots larger than the staging area: a verify pass (apply = 0) then an
 * apply pass (apply = 1) over the same bytes, written chunk by chunk at staging_ptr() (at most
 * staging_capacity() bytes each). See snapshot.ts.
 */
export function snapshot_begin(total: i32, apply: i32): i32 {
  if (!initialised) return E_NOT_INITIALISED;
  return streamBegin(total, apply);
}
export function snapshot_chunk(len: i32): i32 {
  if (!initialised) return E_NOT_INITIALISED;
  return streamChunk(len);
}
export function snapshot_end(): i32 {
  if (!initialised) return E_NOT_INITIALISED;
  return streamEnd(<u32>CORE_VERSION);
}

/** Runs the fixed self-test scenario and returns its checksum. Leaves the core uninitialised. */
export function self_test(): i32 { return selfTest(); }

/**
 * Phase k (0 .. SELF_TEST_PHASES - 1) of the self-test, continuing the CRC crc: writes the new CRC
 * to OUTPUT[0] (output_ptr()) and returns OK, or E_ARG for another k (nothing changed). Chaining
 * crc = 0xFFFFFFFF through phases 0, 1, 2 and taking ~crc gives self_test(). Leaves the core
 * uninitialised.
 */
export function self_test_phase(k: i32, crc: i32): i32 {
  if (k < 0 || k >= SELF_TEST_PHASES) return E_ARG;
  selfTestPhase(k, <u32>crc);
  return OK;
}
