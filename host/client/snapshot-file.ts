// Snapshot files on the host: a 16-byte header (magic 'DTSF', format 1, data length, CRC-32 over the
// header's first 12 bytes and the data) followed by the device's snapshot bytes. Written to a temp
// file in the same folder, fsynced, then renamed, so a crash never leaves half a file under the name.
// A writer killed before the rename leaves its temp file; the next write of that file removes it.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from '../protocol/index.ts';
import { removeStale } from '../files/stale.ts';

/** The first four bytes of a snapshot file. */
export const SNAPSHOT_FILE_MAGIC = 'DTSF';
/** Format number of snapshot files. */
export const SNAPSHOT_FILE_FORMAT = 1;
const HEADER = 16;

/** A file that is not an intact snapshot file; the message says what is wrong. */
export class SnapshotFileError extends Error {
  constructor(file: string, why: string) {
    super(`${file}: ${why}; not sent to the device`);
    this.name = 'SnapshotFileError';
  }
}

function fileCrc(header: Uint8Array, data: Uint8Array): number {
  return crc32(data, crc32(header.subarray(0, 12)));
}

/** A snapshot file's bytes (16-byte DTSF header with CRC-32, then the device's snapshot). */
export function encodeSnapshotFile(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER + data.length);
  const dv = new DataView(out.buffer);
  out.set(new TextEncoder().encode(SNAPSHOT_FILE_MAGIC), 0);
  dv.setUint16(4, SNAPSHOT_FILE_FORMAT, true);
  dv.setUint32(8, data.length, true);
  out.set(data, HEADER);
  dv.setUint32(12, fileCrc(out, data), true);
  return out;
}

/** The snapshot bytes in a file's contents; throws SnapshotFileError (named after `file`). */
export function decodeSnapshotFile(bytes: Uint8Array, file: string): Uint8Array {
  if (bytes.length < HEADER) throw new SnapshotFileError(file, `${bytes.length} bytes is too short for a snapshot file`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== SNAPSHOT_FILE_MAGIC) throw new SnapshotFileError(file, 'not a deeptrace snapshot file (no DTSF header)');
  const format = dv.getUint16(4, true);
  if (format !== SNAPSHOT_FILE_FORMAT) throw new SnapshotFileError(file, `snapshot file format ${format} is not supported (${SNAPSHOT_FILE_FORMAT})`);
  const len = dv.getUint32(8, true);
  if (bytes.length !== HEADER + len) throw new SnapshotFileError(file, `corrupt: the header says ${len} data bytes, the file holds ${bytes.length - HEADER}`);
  const data = bytes.subarray(HEADER);
  const stored = dv.getUint32(12, true);
  const actual = fileCrc(bytes, data);
  if (stored !== actual) throw new SnapshotFileError(file, `corrupt: CRC-32 mismatch (stored 0x${stored.toString(16)}, computed 0x${actual.toString(16)})`);
  return Uint8Array.from(data);
}

/** Reads and checks a snapshot file; throws SnapshotFileError naming the file and what is wrong. */
export function readSnapshotFile(file: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new SnapshotFileError(file, `cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return decodeSnapshotFile(bytes, file);
}

/** Writes atomically: temp file next to `file`, fsync, rename. Temp files of dead writers go first. */
export function writeSnapshotFile(file: string, data: Uint8Array): void {
  removeStale(path.dirname(file), 'tmp', path.basename(file));
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, encodeSnapshotFile(data));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
