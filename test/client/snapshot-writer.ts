// A child process for the kill test of snapshot-file.test.ts: writes FILE through writeSnapshotFile
// over and over, generation START, START+1, ..., each a large snapshot whose every byte says its
// generation, and prints each generation once its write returned. Runs until killed.
import { writeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSnapshotFile } from '../../host/client/snapshot-file.ts';

export const SNAPSHOT_BYTES = 8 << 20;

/** Generation g's snapshot: its number in the first 4 bytes, then g's low byte throughout. */
export function generation(g: number): Uint8Array {
  const data = new Uint8Array(SNAPSHOT_BYTES).fill(g & 0xff);
  new DataView(data.buffer).setUint32(0, g, true);
  return data;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [file, start] = process.argv.slice(2);
  for (let g = Number(start); ; g++) {
    writeSnapshotFile(file, generation(g));
    writeSync(1, `${g}\n`);
  }
}
