// The CONFIGURE payload of a session (docs/protocol.md §9): the core's 21-word config block, then
// telemetryEvery, watchdogMs and the three init_weights amplitudes, all 32-bit little-endian.
import { N_FIELDS, Q12, toBlock, type CoreConfig } from '../core/config.ts';

export interface SessionConfig {
  /** The core's config block (docs/core-abi.md). */
  block: Int32Array;
  /** Send TELEMETRY every this many steps; 0 = never. */
  telemetryEvery: number;
  /** Safe state after this long without a sensor frame while running; 0 = off. */
  watchdogMs: number;
  /** init_weights amplitudes, Q12. */
  ampIn: number;
  ampRec: number;
  ampOut: number;
}

export const SESSION_CONFIG_BYTES = 4 * (N_FIELDS + 5);

export interface SessionOptions {
  telemetryEvery?: number;
  watchdogMs?: number;
  /** Weight amplitudes as reals (input, recurrent, output); the defaults of the simulated demo. */
  amplitudes?: [number, number, number];
}

export const DEFAULT_AMPLITUDES: [number, number, number] = [1.0, 0.2, 0.5];

export function sessionConfig(cfg: CoreConfig, o: SessionOptions = {}): SessionConfig {
  const [i, r, out] = (o.amplitudes ?? DEFAULT_AMPLITUDES).map((a) => Math.round(a * Q12));
  return { block: toBlock(cfg), telemetryEvery: o.telemetryEvery ?? 0, watchdogMs: o.watchdogMs ?? 0, ampIn: i, ampRec: r, ampOut: out };
}

export function encodeSessionConfig(c: SessionConfig): Uint8Array {
  if (c.block.length !== N_FIELDS) throw new RangeError(`config block needs ${N_FIELDS} words, got ${c.block.length}`);
  const out = new Uint8Array(SESSION_CONFIG_BYTES);
  const dv = new DataView(out.buffer);
  c.block.forEach((w, k) => dv.setInt32(4 * k, w, true));
  [c.telemetryEvery, c.watchdogMs, c.ampIn, c.ampRec, c.ampOut].forEach((v, k) => {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`session config word ${k} must be a u32, got ${v}`);
    dv.setUint32(4 * (N_FIELDS + k), v, true);
  });
  return out;
}

/** The session config in a CONFIGURE payload, or null when it is not exactly SESSION_CONFIG_BYTES long. */
export function decodeSessionConfig(p: Uint8Array): SessionConfig | null {
  if (p.length !== SESSION_CONFIG_BYTES) return null;
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const block = Int32Array.from({ length: N_FIELDS }, (_, k) => dv.getInt32(4 * k, true));
  const u = (k: number) => dv.getUint32(4 * (N_FIELDS + k), true);
  return { block, telemetryEvery: u(0), watchdogMs: u(1), ampIn: u(2), ampRec: u(3), ampOut: u(4) };
}

/** Input and output counts of a config block. */
export function blockCounts(block: Int32Array): { nIn: number; nOut: number } {
  return { nIn: block[1], nOut: block[7] };
}
