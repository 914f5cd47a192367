// The device's session state (docs/protocol.md §9) with no I/O: IDLE -> CONFIGURED -> RUNNING, the
// core it runs, the actuator outputs and the safe state. Every method returns the status to report.
import { Core } from '../core/core.ts';
import { Status, TelemetryFlag, coreStatusToCode, statusName } from '../protocol/index.ts';
import { SESSION_CONFIG_BYTES, blockCounts, decodeSessionConfig, type SessionConfig } from './session-config.ts';
import { felStep, type FelStep } from './fel.ts';
import { SnapshotReceiver } from './snapshot-in.ts';
import type { CandidateCore } from './verify-core.ts';
import { handOver } from './handover.ts';

export type SessionState = 'IDLE' | 'CONFIGURED' | 'RUNNING';

/**
 * An uploaded core runs on trial until it has done this many SENSOR_FRAME steps without trapping;
 * then it is confirmed. A trap on trial reverts to the last confirmed core (as MCUboot's trial boot
 * reverts an image that does not confirm itself).
 */
export const TRIAL_STEPS = 50;

interface RunningCore {
  core: Core;
  module: WebAssembly.Module;
  version: number;
  checksum: number;
}

export interface Outcome {
  status: number;
  /** Said to the host in an ERROR when the status is not OK. */
  text?: string;
}

const OK: Outcome = { status: Status.OK };
const fail = (status: number, text?: string): Outcome => ({ status, text: text ?? statusName(status) });

export class Session {
  core: Core;
  module: WebAssembly.Module;
  /** The running core's version() and self-test checksum (computed when it was booted or uploaded). */
  version: number;
  checksum: number;
  cfg: SessionConfig | null = null;
  /** The CONFIGURE payload in force (what the store saves with a snapshot). */
  cfgBytes: Uint8Array | null = null;
  state: SessionState = 'IDLE';
  learning = true;
  /** Actuators held at zero, the network's output not applied. */
  safe = true;
  /** Step index the next SENSOR_FRAME must carry. */
  nextStep = 0;
  /** The actuator command in force (Q12, one per output). */
  actuators: number[] = [];
  /** While an uploaded core is on trial: the last confirmed core, as it was when it stopped. */
  previous: RunningCore | null = null;
  /** Steps the core on trial has still to do before it is confirmed. */
  trialLeft = 0;
  private readonly snapIn = new SnapshotReceiver();

  constructor(module: WebAssembly.Module) {
    this.module = module;
    this.core = new Core(module);
    this.version = this.core.x.version() >>> 0;
    this.checksum = this.core.selfTest();
  }

  get counts(): { nIn: number; nOut: number } {
    return this.cfg ? blockCounts(this.cfg.block) : { nIn: 0, nOut: 0 };
  }

  /** Init and weights on a fresh instance; the running net is replaced only if both succeed. */
  configure(payload: Uint8Array): Outcome {
    if (this.state === 'RUNNING') return fail(Status.E_STATE, 'CONFIGURE while running: send STOP first');
    const cfg = decodeSessionConfig(payload);
    if (!cfg) return fail(Status.E_FRAME_PAYLOAD, `CONFIGURE payload must be ${SESSION_CONFIG_BYTES} bytes, got ${payload.length}`);
    const core = new Core(this.module);
    const s = this.initCore(core, cfg, true);
    if (s.status !== Status.OK) return s;
    this.core = core;
    this.cfg = cfg;
    this.cfgBytes = payload.slice();
    this.state = 'CONFIGURED';
    this.learning = true;
    this.snapIn.reset();
    this.holdSafe();
    return OK;
  }

  private initCore(core: Core, cfg: SessionConfig, weights: boolean): Outcome {
    const s = core.initRaw(cfg.block);
    if (s < 0) return fail(coreStatusToCode(s), `init: ${statusName(coreStatusToCode(s))}`);
    const w = weights ? core.x.init_weights(cfg.ampIn, cfg.ampRec, cfg.ampOut) : 0;
    if (w < 0) return fail(coreStatusToCode(w), `init_weights: ${statusName(coreStatusToCode(w))}`);
    return OK;
  }

  start(): Outcome {
    if (!this.cfg) return fail(Status.E_NOT_CONFIGURED);
    this.state = 'RUNNING';
    this.nextStep = 0;
    return OK;
  }

  stop(): Outcome {
    if (this.state === 'RUNNING') this.state = 'CONFIGURED';
    this.holdSafe();
    return OK;
  }

  setLearning(on: boolean): Outcome {
    if (!this.cfg) return fail(Status.E_NOT_CONFIGURED);
    this.learning = on;
    return OK;
  }

  /** Zero command, network output not applied. */
  holdSafe(): void {
    this.safe = true;
    this.actuators = new Array(this.counts.nOut).fill(0);
  }

  sensor(step: number, values: readonly number[]): ({ ok: true } & FelStep) | ({ ok: false; reverted?: boolean } & Outcome) {
    const { nIn, nOut } = this.counts;
    if (this.state !== 'RUNNING') return { ok: false, ...fail(Status.E_STATE, 'SENSOR_FRAME while not running') };
    if (values.length !== nIn + nOut) return { ok: false, ...fail(Status.E_VALUE_COUNT, `expected ${nIn} features + ${nOut} PD commands, got ${values.length} values`) };
    if (step !== this.nextStep) return { ok: false, ...fail(Status.E_STEP, `expected step ${this.nextStep}, got ${step}`) };
    let r: FelStep | number;
    try {
      r = felStep(this.core, values, nIn, nOut, this.learning);
    } catch (err) {
      // A trap (RuntimeError) of the core: safe state; on trial, back to the last confirmed core.
      this.holdSafe();
      const why = (err as Error).message;
      if (!this.previous) return { ok: false, ...fail(Status.E_INTERNAL, `the core trapped in step ${step} (${why}): actuators safe`) };
      this.revert();
      return { ok: false, reverted: true, ...fail(Status.E_UPLOAD_SELF_TEST, `the uploaded core trapped on trial in step ${step} (${why}): reverted to the previous core`) };
    }
    if (typeof r === 'number') return { ok: false, ...fail(coreStatusToCode(r)) };
    if (this.previous && --this.trialLeft <= 0) this.previous = null; // confirmed
    this.nextStep = (step + 1) >>> 0;
    this.safe = false;
    this.actuators = r.u;
    return { ok: true, ...r };
  }

  telemetryFlags(clipped: boolean): number {
    return (
      (this.safe ? TelemetryFlag.SAFE_STATE : 0) |
      (this.state === 'RUNNING' ? TelemetryFlag.RUNNING : 0) |
      (this.learning && this.cfg ? TelemetryFlag.LEARNING : 0) |
      (clipped ? TelemetryFlag.CLIPPED : 0)
    );
  }

  snapshot(): { ok: true; bytes: Uint8Array } | ({ ok: false } & Outcome) {
    if (!this.cfg) return { ok: false, ...fail(Status.E_NOT_CONFIGURED) };
    const len = this.core.x.snapshot_save();
    if (len < 0) return { ok: false, ...fail(coreStatusToCode(len)) };
    const p = this.core.x.snapshot_ptr();
    return { ok: true, bytes: new Uint8Array(this.core.x.memory.buffer).slice(p, p + len) };
  }

  /** Loads a whole snapshot into the configured core (a stored one, at boot); a refused one changes nothing. */
  loadState(snap: Uint8Array): Outcome {
    if (!this.cfg) return fail(Status.E_NOT_CONFIGURED);
    let s: number;
    try {
      s = this.core.loadSnapshot(snap);
    } catch (err) {
      return fail(Status.E_INTERNAL, (err as Error).message);
    }
    return s < 0 ? fail(coreStatusToCode(s)) : OK;
  }

  putSnapshot(offset: number, total: number, data: Uint8Array): Outcome {
    if (!this.cfg) return fail(Status.E_NOT_CONFIGURED);
    if (this.state === 'RUNNING') return fail(Status.E_STATE, 'SNAPSHOT_PUT while running: send STOP first');
    const s = this.snapIn.put(this.core, offset, total, data);
    return s === Status.OK ? OK : fail(s);
  }

  /**
   * Swaps in a verified core: configured like the running one, its state handed over by snapshot
   * when the versions match (fresh weights otherwise). Any failure leaves the running core as it was.
   */
  adopt(c: CandidateCore): Outcome {
    if (this.cfg) {
      const same = c.version === this.version;
      const init = this.initCore(c.core, this.cfg, !same);
      if (init.status !== Status.OK) return fail(Status.E_UPLOAD_SELF_TEST, `the new core refuses the running configuration (${init.text})`);
      if (same) {
        let s: number;
        try {
          s = handOver(this.core, c.core);
        } catch (err) {
          return fail(Status.E_UPLOAD_SELF_TEST, `could not hand the state over (${(err as Error).message})`);
        }
        if (s < 0) return fail(Status.E_UPLOAD_SELF_TEST, `the new core refuses the running core's state (${statusName(coreStatusToCode(s))})`);
      }
    }
    // The last confirmed core stays until this one is confirmed (a core on trial is never kept).
    this.previous ??= { core: this.core, module: this.module, version: this.version, checksum: this.checksum };
    this.trialLeft = TRIAL_STEPS;
    this.use(c);
    return OK;
  }

  private use(c: RunningCore): void {
    this.core = c.core;
    this.module = c.module;
    this.version = c.version;
    this.checksum = c.checksum;
    this.snapIn.reset();
  }

  /** Back to the last confirmed core, with the state it had when it was swapped out. */
  private revert(): void {
    const p = this.previous!;
    this.previous = null;
    this.trialLeft = 0;
    this.use(p);
  }
}
