// Snapshots: the header followed by one copy of the state region (layout.ts), so a snapshot is a
// single contiguous byte range of linear memory. Header (32 bytes, little-endian u32 words):
//   0 magic 'DTSN'   4 format version   8 core version   12 config hash (CRC-32 of the 21 active
//   config words)   16 state length   20, 24 reserved (0)   28 CRC-32 of bytes 0..27 and the state.
// Loading reads a snapshot the embedder wrote at the staging area (after the state), checks every
// header field and the CRC, and only then copies it over the state: a refused snapshot changes nothing.
import { ARENA, STATE_START, STATE_END, HEADER_BYTES, MEMORY_END } from './layout';
import { ACTIVE, N_FIELDS } from './config';
import { crc32, crcUpdate } from './crc32';
import { copy } from './memory';
import { OK, E_ARG, E_SNAPSHOT_MAGIC, E_SNAPSHOT_VERSION, E_SNAPSHOT_CONFIG, E_SNAPSHOT_SIZE, E_SNAPSHOT_CRC, E_NO_ROOM } from './status';

export const SNAPSHOT_MAGIC: u32 = 0x4e535444; // "DTSN"
export const SNAPSHOT_FORMAT: u32 = 1;

export function configHash(): u32 {
  return crc32(ACTIVE, N_FIELDS * 4);
}

function snapshotCrc(header: usize, state: usize, len: usize): u32 {
  return ~crcUpdate(crcUpdate(0xffffffff, header, 28), state, len);
}

/** Writes the header in front of the state; returns the snapshot's length in bytes. */
export function saveSnapshot(coreVersion: u32): i32 {
  const len = STATE_END - STATE_START;
  store<u32>(ARENA, SNAPSHOT_MAGIC);
  store<u32>(ARENA + 4, SNAPSHOT_FORMAT);
  store<u32>(ARENA + 8, coreVersion);
  store<u32>(ARENA + 12, configHash());
  store<u32>(ARENA + 16, <u32>len);
  store<u32>(ARENA + 20, 0);
  store<u32>(ARENA + 24, 0);
  store<u32>(ARENA + 28, snapshotCrc(ARENA, STATE_START, len));
  return <i32>(HEADER_BYTES + len);
}

export function stagingCapacity(): i32 {
  return <i32>(MEMORY_END - STATE_END);
}

/** Validates the len bytes at the staging area and, if all is well, restores them. */
export function loadSnapshot(len: i32, coreVersion: u32): i32 {
  if (len < 0 || len > stagingCapacity()) return E_NO_ROOM;
  const stateLen = <i32>(STATE_END - STATE_START);
  if (len < <i32>HEADER_BYTES) return E_SNAPSHOT_SIZE;
  const h = STATE_END;
  if (load<u32>(h) != SNAPSHOT_MAGIC) return E_SNAPSHOT_MAGIC;
  if (load<u32>(h + 4) != SNAPSHOT_FORMAT || load<u32>(h + 8) != coreVersion) return E_SNAPSHOT_VERSION;
  if (load<u32>(h + 12) != configHash()) return E_SNAPSHOT_CONFIG;
  if (load<i32>(h + 16) != stateLen || len != <i32>HEADER_BYTES + stateLen) return E_SNAPSHOT_SIZE;
  if (load<u32>(h + 20) != 0 || load<u32>(h + 24) != 0) return E_SNAPSHOT_VERSION; // reserved for later formats
  if (load<u32>(h + 28) != snapshotCrc(h, h + HEADER_BYTES, <usize>stateLen)) return E_SNAPSHOT_CRC;
  copy(STATE_START, h + HEADER_BYTES, <usize>stateLen);
  return OK;
}

// ---- Streaming import, for snapshots larger than the staging area --------------------------------
// Two passes over the same bytes, in chunks the embedder writes at the staging area:
//   snapshot_begin(total, 0), snapshot_chunk(len)..., snapshot_end()   verify: header and CRC, state untouched
//   snapshot_begin(total, 1), snapshot_chunk(len)..., snapshot_end()   apply: the state is overwritten
// The apply pass is only accepted right after a successful verify of the same total, and its CRC must
// equal the verified one; if the bytes changed between the passes the state is no longer what was
// verified, so it is cleared (as after init: weights zero) and E_SNAPSHOT_CRC returned.
const HDR: usize = memory.data(32, 16);
let streamMode: i32 = -1; // -1 idle, 0 verifying, 1 applying
let streamTotal: i32 = 0;
let streamOffset: i32 = 0;
let streamCrc: u32 = 0;
let verifiedTotal: i32 = -1;
let verifiedCrc: u32 = 0;

/** Forgets any stream and any verification (init calls it: a new config invalidates both). */
export function streamReset(): void {
  streamMode = -1;
  verifiedTotal = -1;
}

export function streamBegin(total: i32, apply: i32): i32 {
  const stateLen = <i32>(STATE_END - STATE_START);
  if (apply != 0 && apply != 1) return E_ARG;
  if (total != <i32>HEADER_BYTES + stateLen) return E_SNAPSHOT_SIZE;
  if (apply == 1 && verifiedTotal != total) return E_ARG;
  if (stagingCapacity() <= 0) return E_NO_ROOM;
  streamMode = apply;
  streamTotal = total;
  streamOffset = 0;
  streamCrc = 0xffffffff;
  if (apply == 0) verifiedTotal = -1;
  return OK;
}

/** Takes len bytes at the staging area as the next part of the stream. */
export function streamChunk(len: i32): i32 {
  if (streamMode < 0) return E_ARG;
  if (len <= 0 || len > stagingCapacity() || streamOffset + len > streamTotal) {
    // A broken apply pass may already have overwritten part of the state: clear it rather than run on
    // a mixture. A broken verify pass has touched nothing.
    if (streamMode == 1) clearState();
    streamMode = -1;
    verifiedTotal = -1;
    return E_ARG;
  }
  const src = STATE_END;
  for (let i = 0; i < len; i++) {
    const at = streamOffset + i;
    const b = load<u8>(src + <usize>i);
    if (at < <i32>HEADER_BYTES) {
      store<u8>(HDR + <usize>at, b);
      if (at < 28) streamCrc = crcUpdate(streamCrc, src + <usize>i, 1);
    } else {
      streamCrc = crcUpdate(streamCrc, src + <usize>i, 1);
      if (streamMode == 1) store<u8>(STATE_START + <usize>(at - <i32>HEADER_BYTES), b);
    }
  }
  streamOffset += len;
  return OK;
}

export function streamEnd(coreVersion: u32): i32 {
  if (streamMode < 0) return E_ARG;
  const mode = streamMode;
  streamMode = -1;
  if (streamOffset != streamTotal) {
    if (mode == 1) clearState();
    return E_SNAPSHOT_SIZE;
  }
  const crc = ~streamCrc;
  if (mode == 0) {
    const stateLen = <i32>(STATE_END - STATE_START);
    if (load<u32>(HDR) != SNAPSHOT_MAGIC) return E_SNAPSHOT_MAGIC;
    if (load<u32>(HDR + 4) != SNAPSHOT_FORMAT || load<u32>(HDR + 8) != coreVersion) return E_SNAPSHOT_VERSION;
    if (load<u32>(HDR + 12) != configHash()) return E_SNAPSHOT_CONFIG;
    if (load<i32>(HDR + 16) != stateLen) return E_SNAPSHOT_SIZE;
    if (load<u32>(HDR + 20) != 0 || load<u32>(HDR + 24) != 0) return E_SNAPSHOT_VERSION;
    if (load<u32>(HDR + 28) != crc) return E_SNAPSHOT_CRC;
    verifiedTotal = streamTotal;
    verifiedCrc = crc;
    return OK;
  }
  verifiedTotal = -1;
  if (crc != verifiedCrc) {
    clearState();
    return E_SNAPSHOT_CRC;
  }
  return OK;
}

function clearState(): void {
  const rng = load<u32>(STATE_START);
  for (let p = STATE_START; p < STATE_END; p += 4) store<u32>(p, 0);
  store<u32>(STATE_START, rng);
}
