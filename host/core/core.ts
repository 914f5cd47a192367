// The typed wrapper over build/core.wasm: the only host code that knows the core's offsets and
// formats. Plain WebAssembly: the module imports nothing and exports only i32 functions, so the
// AssemblyScript loader (whose helpers need the AS runtime we leave out) adds nothing here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Params } from '../reference/network.ts';
import { N_FIELDS, Q12, toBlock, type CoreConfig } from './config.ts';
import { STATUS_MEANING, Status } from './status.ts';
import { FIELD_NAMES } from './config.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Path of the release core module the wrapper loads by default. */
export const CORE_WASM = path.resolve(here, '../../build/core.wasm');

export interface CoreExports {
  memory: WebAssembly.Memory;
  version(): number;
  config_ptr(): number;
  config_fields(): number;
  input_ptr(): number;
  output_ptr(): number;
  error_ptr(): number;
  init(): number;
  init_weights(ampIn: number, ampRec: number, ampOut: number): number;
  reset_state(): number;
  step(): number;
  learn(): number;
  sync(): number;
  apply_gradient(): number;
  clear_gradient(): number;
  layer_ptr(l: number, what: number): number;
  readout_ptr(what: number): number;
  steps(): number;
  memory_used(): number;
  static_bytes(): number;
  memory_limit(bytes: number): number;
  state_bytes(): number;
  config_hash(): number;
  snapshot_save(): number;
  snapshot_ptr(): number;
  staging_ptr(): number;
  staging_capacity(): number;
  snapshot_load(len: number): number;
  snapshot_begin(total: number, apply: number): number;
  snapshot_chunk(len: number): number;
  snapshot_end(): number;
  self_test(): number;
  self_test_phase(k: number, crc: number): number;
}

/** A status the core returned, with its meaning. */
export class CoreError extends Error {
  constructor(readonly status: number, what: string) {
    super(`${what}: ${describeStatus(status)}`);
    this.name = 'CoreError';
  }
}

export function describeStatus(status: number): string {
  if (status <= Status.E_CONFIG_FIELD) {
    const f = Status.E_CONFIG_FIELD - status;
    return `E_CONFIG_FIELD (${status}): config field ${f} (${FIELD_NAMES[f] ?? '?'}) out of range`;
  }
  return STATUS_MEANING[status] ?? `unknown status ${status}`;
}

function check(status: number, what: string): number {
  if (status < 0) throw new CoreError(status, what);
  return status;
}

let cachedModule: { file: string; module: WebAssembly.Module } | null = null;

export function compileCore(file = CORE_WASM): WebAssembly.Module {
  if (cachedModule?.file === file) return cachedModule.module;
  const module = new WebAssembly.Module(readFileSync(file));
  cachedModule = { file, module };
  return module;
}

/** The core (build/core.wasm, or another module) behind a typed wrapper: configure(), initWeights(), step() and learn() in real units (Q12 conversion here), snapshots, the self-test, raw exports as `x`. */
export class Core {
  readonly x: CoreExports;
  private cfg: CoreConfig | null = null;

  constructor(module: WebAssembly.Module | Uint8Array = compileCore()) {
    const m = module instanceof WebAssembly.Module ? module : new WebAssembly.Module(module as Uint8Array<ArrayBuffer>);
    this.x = new WebAssembly.Instance(m, {}).exports as unknown as CoreExports;
  }

  private get i32(): Int32Array {
    return new Int32Array(this.x.memory.buffer);
  }
  private get i16(): Int16Array {
    return new Int16Array(this.x.memory.buffer);
  }
  get bytes(): Uint8Array {
    return new Uint8Array(this.x.memory.buffer);
  }

  get config(): CoreConfig {
    if (!this.cfg) throw new Error('core not configured');
    return this.cfg;
  }

  /** Writes the raw block and calls init(); returns the status (no throw). */
  initRaw(block: Int32Array): number {
    if (block.length !== N_FIELDS) throw new Error(`config block needs ${N_FIELDS} words`);
    this.i32.set(block, this.x.config_ptr() >> 2);
    return this.x.init();
  }

  /** Configures a fresh net (weights zero); throws CoreError naming the bad field. */
  configure(cfg: CoreConfig): this {
    check(this.initRaw(toBlock(cfg)), 'init');
    this.cfg = { ...cfg, units: cfg.units.slice(), recurrent: cfg.recurrent.slice() };
    return this;
  }

  initWeights(ampIn = 1.2, ampRec = 0.3, ampOut = 1): this {
    check(this.x.init_weights(Math.round(ampIn * Q12), Math.round(ampRec * Q12), Math.round(ampOut * Q12)), 'init_weights');
    return this;
  }

  private P(l: number): number {
    const c = this.config;
    const nPre = l === 0 ? c.nIn : c.units[l - 1];
    return nPre + (c.recurrent[l] ? c.units[l] : 0) + 1;
  }

  /** Quantises float parameters (reference layout) into the core's i16 Q12 weights. */
  setParams(p: Params): void {
    check(this.x.sync(), 'sync'); // pending row updates land on the old weights, not the new ones
    const c = this.config;
    const mem = this.i16;
    const put = (ptr: number, src: Float64Array, count: number, what: string) => {
      if (src.length !== count) throw new Error(`${what}: expected ${count} values, got ${src.length}`);
      for (let i = 0; i < count; i++) mem[(ptr >> 1) + i] = Math.max(-32768, Math.min(32767, Math.round(src[i] * Q12)));
    };
    c.units.forEach((n, l) => put(check(this.x.layer_ptr(l, 0), 'layer_ptr'), p.theta[l], n * this.P(l), `theta[${l}]`));
    const nL = c.units[c.units.length - 1];
    put(this.x.readout_ptr(0), p.V, c.nOut * nL, 'V');
    put(this.x.readout_ptr(1), p.c, c.nOut, 'c');
    put(this.x.readout_ptr(2), p.B, nL * c.nOut, 'B');
    // The Q28 residuals of V and c (online configs): the new values are exactly their Q12 parts.
    for (const [what, count] of [[6, c.nOut * nL], [7, c.nOut]]) {
      const ptr = this.x.readout_ptr(what);
      if (ptr > 0) mem.fill(0, ptr >> 1, (ptr >> 1) + count);
    }
  }

  /**
   * The core's weights as floats in the reference layout. Syncs first (the core applies row updates
   * lazily), which is itself a step of the learning rule: call it at the same points in runs that
   * must match bit for bit.
   */
  getParams(): Params {
    check(this.x.sync(), 'sync');
    const c = this.config;
    const mem = this.i16;
    const get = (ptr: number, count: number) => Float64Array.from(mem.subarray(ptr >> 1, (ptr >> 1) + count), (v) => v / Q12);
    const nL = c.units[c.units.length - 1];
    return {
      theta: c.units.map((n, l) => get(this.x.layer_ptr(l, 0), n * this.P(l))),
      V: get(this.x.readout_ptr(0), c.nOut * nL),
      c: get(this.x.readout_ptr(1), c.nOut),
      B: get(this.x.readout_ptr(2), nL * c.nOut),
    };
  }

  /** One step with float inputs (quantised to Q12); returns float outputs. */
  step(x: ArrayLike<number>): Float64Array {
    const c = this.config;
    const mem = this.i32;
    const ip = this.x.input_ptr() >> 2;
    for (let i = 0; i < c.nIn; i++) mem[ip + i] = Math.round((x[i] ?? 0) * Q12);
    check(this.x.step(), 'step');
    const op = this.x.output_ptr() >> 2;
    return Float64Array.from(mem.subarray(op, op + c.nOut), (v) => v / Q12);
  }

  /** One learning step with float errors dE/dy (quantised to Q12). */
  learn(err: ArrayLike<number>): void {
    const c = this.config;
    const mem = this.i32;
    const ep = this.x.error_ptr() >> 2;
    for (let k = 0; k < c.nOut; k++) mem[ep + k] = Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, Math.round(err[k] * Q12)));
    check(this.x.learn(), 'learn');
  }

  resetState(): void {
    check(this.x.reset_state(), 'reset_state');
  }

  /** The accumulated gradient (interval != 1) as floats in the reference layout. */
  gradient(): { theta: Float64Array[]; V: Float64Array; c: Float64Array } {
    check(this.x.sync(), 'sync');
    const c = this.config;
    const mem = this.i32;
    const get = (ptr: number, count: number) => {
      if (ptr === 0) throw new Error('no gradient accumulator: configure with interval != 1');
      return Float64Array.from(mem.subarray(ptr >> 2, (ptr >> 2) + count), (v) => v / Q12);
    };
    const nL = c.units[c.units.length - 1];
    return {
      theta: c.units.map((n, l) => get(this.x.layer_ptr(l, 1), n * this.P(l))),
      V: get(this.x.readout_ptr(3), c.nOut * nL),
      c: get(this.x.readout_ptr(4), c.nOut),
    };
  }

  /**
   * How many bytes of linear memory the core may use (memory_limit()): less than the page on a
   * device, up to 4 pages (262,144 B) on a host for nets larger than one page (the core grows its
   * memory). Returns the limit in force; throws CoreError when refused.
   */
  memoryLimit(bytes: number): number {
    return check(this.x.memory_limit(bytes), 'memory_limit');
  }

  memoryUsed(): number {
    return check(this.x.memory_used(), 'memory_used');
  }
  stateBytes(): number {
    return check(this.x.state_bytes(), 'state_bytes');
  }

  /** A copy of the snapshot bytes (header + state). */
  saveSnapshot(): Uint8Array {
    const len = check(this.x.snapshot_save(), 'snapshot_save');
    const p = this.x.snapshot_ptr();
    return this.bytes.slice(p, p + len);
  }

  /**
   * Returns the core's status; 0 when the snapshot was restored. A refused snapshot changes nothing.
   * One larger than the staging area is streamed through it twice (verify, then apply).
   */
  loadSnapshot(snap: Uint8Array): number {
    const cap = check(this.x.staging_capacity(), 'staging_capacity');
    if (snap.length <= cap) {
      this.bytes.set(snap, this.x.staging_ptr());
      return this.x.snapshot_load(snap.length);
    }
    for (const apply of [0, 1]) {
      const begun = this.x.snapshot_begin(snap.length, apply);
      if (begun < 0) return begun;
      for (let off = 0; off < snap.length; off += cap) {
        const part = snap.subarray(off, Math.min(snap.length, off + cap));
        this.bytes.set(part, this.x.staging_ptr());
        const s = this.x.snapshot_chunk(part.length);
        if (s < 0) return s;
      }
      const end = this.x.snapshot_end();
      if (end < 0) return end;
    }
    return Status.OK;
  }

  /** The self-test checksum (unsigned). Leaves this instance unconfigured. */
  selfTest(): number {
    this.cfg = null;
    return this.x.self_test() >>> 0;
  }
}
