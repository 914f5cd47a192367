// Snapshots: the header followed by one copy of the state region (layout.ts), so a snapshot is a
// single contiguous byte range of linear memory. Header (32 bytes, little-endian u32 words):
//   0 magic 'DTSN'   4 format version   8 core version   12 config hash (CRC-32 of the 21 active
//   config words)   16 state length   20, 24 reserved (0)   28 CRC-32 of bytes 0..27 and the state.
// Loading reads a snapshot the embedder wrote at the staging area (after the state), checks every
// header field and the CRC, and only then copies it over the state: a refused snapshot changes nothing.
import { ARENA, STATE_START, STATE_END, HEADER_BYTES, PAGE_END } from './layout';
import { ACTIVE, N_FIELDS } from './config';
import { crc32, crcUpdate } from './crc32';
import { copy } from './memory';
import { OK, E_SNAPSHOT_MAGIC, E_SNAPSHOT_VERSION, E_SNAPSHOT_CONFIG, E_SNAPSHOT_SIZE, E_SNAPSHOT_CRC, E_NO_ROOM } from './status';

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
  return <i32>(PAGE_END - STATE_END);
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
