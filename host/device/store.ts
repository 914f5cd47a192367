// The virtual device's persistence: the firmware's two-slot store (firmware/include/dt_store.h,
// firmware/src/dt_store.c) with the POSIX HAL's blobs (firmware/src/dt_hal_posix.c): one file per
// blob in a folder, each written to KEY.tmp, fsynced and renamed over KEY. Same names, same bytes:
// slot s is "snapS" (the core's snapshot as snapshot_save() gives it) and "cfgS", the record that
// commits it, written second:
//     magic 'DTST' u32 | format u32 = 3 | sequence u32 | CONFIGURE payload (108 bytes) |
//     snapshot length u32 | snapshot CRC-32 u32 | CRC-32 of everything before it u32
// A save goes to the slot that does not hold the newest intact record, with sequence = newest + 1,
// so the newest save is never written over; a save cut at any byte leaves the one before it.
//
// `cutAt` is fault injection for the soak (host/soak/): after that many bytes of blob writes since
// the store was opened, the writer dies where it stands (SIGKILL by default), as a power cut would.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from '../protocol/index.ts';
import { SESSION_CONFIG_BYTES } from './session-config.ts';

const MAGIC = 0x54535444; // "DTST" little-endian
const FORMAT = 3; // 2: the 21-word config of core 1.2 (not read)
export const STORE_SLOTS = 2;
/** Bytes of a slot's record (cfgS). */
export const STORE_RECORD_BYTES = 12 + SESSION_CONFIG_BYTES + 12;

/** A slot's commit record, as read back. */
export interface StoreRecord {
  slot: number;
  seq: number;
  /** The CONFIGURE payload the snapshot was made under. */
  cfg: Uint8Array;
  snapLen: number;
  snapCrc: number;
}

export interface StoreOptions {
  /** Die after this many bytes of blob writes (fault injection; see the file comment). */
  cutAt?: number;
  /** How to die at the cut; default: SIGKILL this process. */
  onCut?: () => never;
}

/** a is newer than b: sequence numbers compared modulo 2^32 (RFC 1982 style). */
const newer = (a: number, b: number) => ((a - b) | 0) > 0;

export class DeviceStore {
  /** Bytes of blob writes so far (what cutAt counts). */
  written = 0;
  private readonly cutAt: number;
  private readonly onCut: () => never;

  constructor(readonly dir: string, opts: StoreOptions = {}) {
    this.cutAt = opts.cutAt ?? Infinity;
    this.onCut = opts.onCut ?? (() => {
      process.kill(process.pid, 'SIGKILL');
      throw new Error('unreachable');
    });
  }

  /** The bytes a save of a snapshot of `snapLen` bytes writes. */
  static saveBytes(snapLen: number): number {
    return snapLen + STORE_RECORD_BYTES;
  }

  private file(key: string): string {
    return path.join(this.dir, key);
  }

  private get(key: string): Uint8Array | null {
    try {
      return new Uint8Array(readFileSync(this.file(key)));
    } catch {
      return null;
    }
  }

  /** Writes blob `key` atomically (KEY.tmp, fsync, rename); false when that failed. */
  private put(key: string, bytes: Uint8Array): boolean {
    const tmp = this.file(`${key}.tmp`);
    const n = Math.min(bytes.length, this.cutAt - this.written);
    let fd: number;
    try {
      fd = openSync(tmp, 'w', 0o644);
    } catch {
      return false;
    }
    try {
      for (let o = 0; o < n; ) o += writeSync(fd, bytes, o, n - o);
      fsyncSync(fd);
    } catch {
      closeSync(fd);
      try {
        unlinkSync(tmp);
      } catch {
        // gone already
      }
      return false;
    }
    this.written += n;
    closeSync(fd);
    if (n < bytes.length) this.onCut(); // the power fails here: KEY.tmp holds the first n bytes
    try {
      renameSync(tmp, this.file(key));
      const dir = openSync(this.dir, 'r');
      fsyncSync(dir); // make the rename itself durable
      closeSync(dir);
    } catch {
      return false;
    }
    return true;
  }

  private read(slot: number): StoreRecord | null {
    const rec = this.get(`cfg${slot}`);
    if (!rec || rec.length !== STORE_RECORD_BYTES) return null;
    const dv = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
    const body = STORE_RECORD_BYTES - 4;
    if (dv.getUint32(0, true) !== MAGIC || dv.getUint32(4, true) !== FORMAT) return null;
    if (dv.getUint32(body, true) !== crc32(rec.subarray(0, body))) return null;
    const c = 12 + SESSION_CONFIG_BYTES;
    return { slot, seq: dv.getUint32(8, true), cfg: rec.slice(12, c), snapLen: dv.getUint32(c, true), snapCrc: dv.getUint32(c + 4, true) };
  }

  /** The slots whose record is intact, newest first. */
  records(): StoreRecord[] {
    const recs = [0, 1].map((s) => this.read(s)).filter((r): r is StoreRecord => r !== null);
    if (recs.length === 2 && newer(recs[1].seq, recs[0].seq)) recs.reverse();
    return recs;
  }

  /** Saves a configuration and its snapshot into the older slot; false when a write failed (the newest earlier save is still there). */
  save(cfg: Uint8Array, snap: Uint8Array): boolean {
    if (cfg.length !== SESSION_CONFIG_BYTES) throw new RangeError(`store: the configuration must be ${SESSION_CONFIG_BYTES} bytes, got ${cfg.length}`);
    const recs = this.records();
    const slot = recs.length > 0 ? 1 - recs[0].slot : 0;
    const seq = recs.length > 0 ? (recs[0].seq + 1) >>> 0 : 1;
    if (!this.put(`snap${slot}`, snap)) return false;
    const rec = new Uint8Array(STORE_RECORD_BYTES);
    const dv = new DataView(rec.buffer);
    const c = 12 + SESSION_CONFIG_BYTES;
    dv.setUint32(0, MAGIC, true);
    dv.setUint32(4, FORMAT, true);
    dv.setUint32(8, seq, true);
    rec.set(cfg, 12);
    dv.setUint32(c, snap.length, true);
    dv.setUint32(c + 4, crc32(snap), true);
    dv.setUint32(c + 8, crc32(rec.subarray(0, c + 8)), true);
    return this.put(`cfg${slot}`, rec);
  }

  /** Record r's snapshot when its length and CRC match the record, else null. */
  loadSnapshot(r: StoreRecord): Uint8Array | null {
    const snap = this.get(`snap${r.slot}`);
    return snap && snap.length === r.snapLen && crc32(snap) === r.snapCrc ? snap : null;
  }
}
