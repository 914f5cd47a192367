// The soak: the closed loop of the arm2 task (plant, PD and features here, the learner on the device)
// run step by step against a device process over a pty, with seeded faults at seeded moments:
//   corrupt  the next frame one way (host -> device or back) gets 1..3 bytes changed   (wire.ts)
//   drop     the next frame one way loses a run of 1..8 bytes                          (wire.ts)
//   silence  the host sends nothing until the device's watchdog has fired, then a while longer
//   unplug   the host closes its port, waits, opens it again and says HELLO
//   reset    the device process is killed (SIGKILL) and started again on the same store
//   cut      the device is started with its store armed to die after a random byte of the next
//            save, runs a few steps, and is told STOP (which saves): it dies mid-save, and is started again
// Every few thousand steps the learned state is saved: SNAPSHOT_GET (the bytes), then STOP (the
// device persists them) and START. After a reset or a cut the device must come back configured with
// the last saved state, or (a cut) the one whose save was cut; after a silence or an unplug with the
// state it had before. Anything else is a learned-state loss.
//
// The step exchange: SENSOR_FRAME without ACK_REQUESTED, answered by the ACTUATOR_FRAME of that step
// (or an ERROR). When nothing comes within the reply timeout the frame is sent again with
// ACK_REQUESTED (after a 0x00, so it never merges with a damaged frame) until an ACK with that seq
// comes: OK, the device did the step now; E_STEP, it had done it already (every earlier step was
// confirmed, so its count can only be one ahead), its ACTUATOR_FRAME lost on the way. Replies come in
// order, so that ACK also drains the answers to the earlier copies. An ACTUATOR_FRAME is valid only
// for the step in flight, once, after an intact copy of its SENSOR_FRAME went out in a session opened
// by an acknowledged START; any other is counted (must be 0). One exception is counted apart: when
// the copies ran out (a device stalled for longer than the retransmissions last) the host resyncs
// (HELLO, START), and the device, once it runs again, still answers the intact copy it had in its
// buffer, before its HELLO reply: that late answer to a valid command is a late actuator frame.
import { setTimeout as sleep } from 'node:timers/promises';
import { Rng } from '../../sims/random.ts';
import { networkConfig } from '../../sims/loop/controllers.ts';
import { DeviceClient } from '../client/client.ts';
import { DeviceError, TimeoutError } from '../client/errors.ts';
import { SerialTransport } from '../transport/serial.ts';
import { Status, TelemetryFlag, codeToCoreStatus, statusName, type Envelope, type Message } from '../protocol/index.ts';
import { STORE_RECORD_BYTES } from '../device/store.ts';
import { U_LIMIT } from '../device/fel.ts';
import { PlantLoop } from './plant-loop.ts';
import { SoakTarget, type TargetName } from './targets.ts';
import { WireFaults, type ByteFault, type Damage, type Direction } from './wire.ts';

export const FAULT_KINDS = ['corrupt', 'drop', 'silence', 'unplug', 'reset', 'cut'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
/** How often each kind is drawn once every kind has occurred once (restarts are the slow ones). */
export const FAULT_WEIGHTS: Record<FaultKind, number> = { corrupt: 30, drop: 30, silence: 15, unplug: 10, reset: 8, cut: 7 };

export const SOAK_DEFAULTS = {
  seed: 1,
  faultEvery: 5000,
  saveEvery: 2000,
  watchdogMs: 250,
  telemetryEvery: 100,
  replyTimeoutMs: 50,
} as const;

/** SENSOR_FRAME copies sent with ACK_REQUESTED after the first one went unanswered. */
const ACKED_TRIES = 5;
/** How long a device may take to boot and answer HELLO. */
const BOOT_MS = 30_000;

export interface SoakOptions {
  target: TargetName;
  steps: number;
  seed?: number;
  /** Mean control steps between faults (each gap uniform in [0.5, 1.5] x this). */
  faultEvery?: number;
  /** Control steps between snapshot saves. */
  saveEvery?: number;
  watchdogMs?: number;
  telemetryEvery?: number;
  replyTimeoutMs?: number;
  /** Stops after the current step (the result covers what ran). */
  signal?: AbortSignal;
  /**
   * Testing the soak itself: empty the device's store before every restart, so that every reset
   * and cut loses the learned state and must be counted as a loss.
   */
  forgetStore?: boolean;
  /**
   * Testing the soak itself: stop the device process (SIGSTOP) for stallMs at every stallEvery-th
   * step, just before its SENSOR_FRAME goes out, so that the retransmissions run out (a device busy
   * elsewhere, or a host machine under load): the soak must resync and count the late answer as late.
   */
  stallEvery?: number;
  stallMs?: number;
  onProgress?: (p: SoakProgress) => void;
  /** One line per fault and recovery (verbose). */
  log?: (line: string) => void;
}

export interface SoakProgress {
  target: TargetName;
  steps: number;
  total: number;
  faults: number;
  stepsPerSecond: number;
}

export type PerKind = Record<FaultKind, number>;
const perKind = (v = 0): PerKind => Object.fromEntries(FAULT_KINDS.map((k) => [k, v])) as PerKind;

export interface SoakResult {
  target: TargetName;
  device: string;
  seed: number;
  /** Control steps run (plant steps). */
  steps: number;
  /** Of those, steps whose ACTUATOR_FRAME was lost on the way back (the device did the step; the plant got PD alone). */
  pdOnlySteps: number;
  seconds: number;
  stepsPerSecond: number;
  faults: PerKind;
  recoveries: PerKind;
  /** Per kind: the longest time from the fault (a cut: from its STOP) to the next valid ACTUATOR_FRAME (ms). */
  outageMaxMs: PerKind;
  /** ACTUATOR_FRAMEs that answer no valid SENSOR_FRAME (must be 0). */
  invalidActuatorFrames: number;
  /** ACTUATOR_FRAMEs that answer an intact SENSOR_FRAME of a step the host had given up on (resync), before the device's HELLO reply: late, not invalid; the host does not apply them. */
  lateActuatorFrames: number;
  /** Restarts, silences and unplugs after which the device's state was not the one it must have (must be 0). */
  learnedStateLosses: number;
  /** Silences after which no watchdog ERROR and safe TELEMETRY came (must be 0). */
  watchdogMisses: number;
  /** From the last valid SENSOR_FRAME to the watchdog's ERROR, max over the silences (ms). */
  watchdogLatencyMaxMs: number;
  watchdogMs: number;
  /** Watchdog ERRORs received (silences, and unplugs or restarts that outlasted watchdogMs). */
  watchdogTrips: number;
  saves: number;
  /** Device states compared with what they must be (after restarts, silences, unplugs). */
  stateChecks: number;
  /** SENSOR_FRAME copies sent again after a reply timeout. */
  retransmits: number;
  /** Exchanges that could not be settled by retransmission: HELLO and START again. */
  resyncs: number;
  /** Frames the host's decoder rejected (damaged on the way, or cut short by a reset). */
  rejectedFrames: number;
  deviceBoots: number;
  plantRestarts: number;
  /** RMS tracking error of the last full 10^4-step window, and of the worst one (rad). */
  trackingRms: number;
  trackingRmsWorst: number;
  snapshotBytes: number;
  rssStartBytes: number;
  rssEndBytes: number;
  /** Set when the run was interrupted before its steps were done. */
  interrupted: boolean;
}

/** The counters that must be 0, and recoveries that must equal faults: what makes a soak fail. */
export function soakFailures(r: SoakResult): string[] {
  const out: string[] = [];
  if (r.invalidActuatorFrames) out.push(`${r.invalidActuatorFrames} actuator frame(s) without a valid command`);
  if (r.learnedStateLosses) out.push(`${r.learnedStateLosses} learned-state loss(es)`);
  if (r.watchdogMisses) out.push(`${r.watchdogMisses} silence(s) without the watchdog`);
  for (const k of FAULT_KINDS) if (r.recoveries[k] !== r.faults[k]) out.push(`${r.faults[k] - r.recoveries[k]} ${k} fault(s) not recovered`);
  return out;
}

type Reply = { kind: 'af' } | { kind: 'refused'; status: number } | { kind: 'ack'; status: number } | { kind: 'timeout' } | { kind: 'closed' };

/** Errors that answer a SENSOR_FRAME (the watchdog's come on their own). */
const SENSOR_ERRORS = new Set<number>([Status.E_STATE, Status.E_VALUE_COUNT, Status.E_STEP]);
const isSensorError = (code: number) => SENSOR_ERRORS.has(code) || codeToCoreStatus(code) !== undefined;

const equal = (a: Uint8Array | null, b: Uint8Array | null) => a !== null && b !== null && Buffer.compare(a, b) === 0;

class Interrupted extends Error {}

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const soak = new Soak(o);
  try {
    return await soak.run();
  } finally {
    await soak.shutdown();
  }
}

class Soak {
  private readonly seed: number;
  private readonly faultEvery: number;
  private readonly saveEvery: number;
  private readonly watchdogMs: number;
  private readonly telemetryEvery: number;
  private readonly replyTimeoutMs: number;
  private readonly log: (line: string) => void;
  private readonly rng: Rng;
  private readonly wire: WireFaults;
  private readonly target: SoakTarget;
  private readonly plant: PlantLoop;
  private readonly nOut: number;
  private client: DeviceClient | null = null;
  private rejectedBefore = 0;

  // the session: steps of a session count from 0 after an acknowledged START
  private sessionOpen = false;
  private deviceStep = 0;
  private cur = { step: -1, intact: false, answered: false, sentAt: 0, u: null as number[] | null };
  /** During a resync until the device's HELLO reply: the step the host gave up on. */
  private abandoned: { step: number; intact: boolean; answered: boolean } | null = null;
  /** stallEvery: the step count at the last stall. */
  private stalledAt = -1;
  private wait: { mode: 'lean' | 'acked'; seq: number; resolve: (r: Reply) => void } | null = null;
  /** The last step was answered by the ACTUATOR_FRAME of its first copy (saves and faults wait for one: the exchange is drained and lastValidCommandAt exact). */
  private lastStepAnswered = false;
  private lastValidCommandAt = 0;
  private expectExit = false;

  // the fault in progress, and the schedule
  private open: { kind: FaultKind; at: number } | null = null;
  private firstKinds: FaultKind[];
  private nextFaultAt: number;
  private nextSaveAt: number;
  private silence: { errorAt: number | null; safeAt: number | null } | null = null;
  private lastSaved: Uint8Array | null = null;

  readonly r: SoakResult;

  constructor(private readonly o: SoakOptions) {
    this.seed = o.seed ?? SOAK_DEFAULTS.seed;
    this.faultEvery = o.faultEvery ?? SOAK_DEFAULTS.faultEvery;
    this.saveEvery = o.saveEvery ?? SOAK_DEFAULTS.saveEvery;
    this.watchdogMs = o.watchdogMs ?? SOAK_DEFAULTS.watchdogMs;
    this.telemetryEvery = o.telemetryEvery ?? SOAK_DEFAULTS.telemetryEvery;
    this.replyTimeoutMs = o.replyTimeoutMs ?? SOAK_DEFAULTS.replyTimeoutMs;
    this.log = o.log ?? (() => {});
    this.rng = new Rng(this.seed, 0x50a4);
    this.wire = new WireFaults(new Rng(this.seed, 0x3172e), (d) => this.onDamage(d));
    this.target = new SoakTarget(o.target);
    this.plant = new PlantLoop(this.seed, (rms) => this.log(`tracking RMS of the last 10^4 steps: ${rms.toFixed(4)} rad (step ${this.r.steps})`));
    this.nOut = this.plant.task.joints;
    // the first faults are one of each kind, in a seeded order; then drawn by FAULT_WEIGHTS
    this.firstKinds = [...FAULT_KINDS];
    for (let i = this.firstKinds.length - 1; i > 0; i--) {
      const j = Math.floor(this.rng.next() * (i + 1));
      [this.firstKinds[i], this.firstKinds[j]] = [this.firstKinds[j], this.firstKinds[i]];
    }
    this.nextFaultAt = this.gap();
    this.nextSaveAt = this.saveEvery;
    this.r = {
      target: o.target, device: '', seed: this.seed, steps: 0, pdOnlySteps: 0, seconds: 0, stepsPerSecond: 0,
      faults: perKind(), recoveries: perKind(), outageMaxMs: perKind(),
      invalidActuatorFrames: 0, lateActuatorFrames: 0, learnedStateLosses: 0, watchdogMisses: 0, watchdogLatencyMaxMs: 0, watchdogMs: this.watchdogMs, watchdogTrips: 0,
      saves: 0, stateChecks: 0, retransmits: 0, resyncs: 0, rejectedFrames: 0, deviceBoots: 0, plantRestarts: 0, trackingRms: NaN, trackingRmsWorst: NaN,
      snapshotBytes: 0, rssStartBytes: 0, rssEndBytes: 0, interrupted: false,
    };
  }

  private gap(): number {
    return Math.max(1, Math.round(this.faultEvery * (0.5 + this.rng.next())));
  }

  private nextKind(): FaultKind {
    const k = this.firstKinds.shift();
    if (k) return k;
    const total = FAULT_KINDS.reduce((s, k) => s + FAULT_WEIGHTS[k], 0);
    let x = this.rng.next() * total;
    for (const k of FAULT_KINDS) if ((x -= FAULT_WEIGHTS[k]) < 0) return k;
    return 'corrupt';
  }

  // ---- the run ------------------------------------------------------------------------------------

  async run(): Promise<SoakResult> {
    const { r, o } = this;
    await this.boot();
    this.client = await this.connect();
    r.device = this.client.device!.name;
    await this.client.configure(networkConfig(this.plant.task, 'deep-fact', this.seed), { watchdogMs: this.watchdogMs, telemetryEvery: this.telemetryEvery });
    await this.startSession();
    await this.save(); // the baseline every later restart is compared with
    r.snapshotBytes = this.lastSaved!.length;
    r.rssStartBytes = process.memoryUsage().rss;
    const t0 = performance.now();
    let reported = 0;
    const progress = () => {
      const s = (performance.now() - t0) / 1000;
      o.onProgress?.({ target: o.target, steps: r.steps, total: o.steps, faults: FAULT_KINDS.reduce((a, k) => a + r.faults[k], 0), stepsPerSecond: s > 0 ? r.steps / s : 0 });
    };
    try {
      while (r.steps < o.steps || this.open) {
        if (o.signal?.aborted) throw new Interrupted();
        if (this.lastStepAnswered && !this.open) {
          if (r.steps >= this.nextSaveAt) {
            await this.save();
            this.nextSaveAt += this.saveEvery;
          } else if (r.steps >= this.nextFaultAt && r.steps < o.steps) {
            await this.inject(this.nextKind());
            this.nextFaultAt = r.steps + this.gap();
            continue;
          }
        }
        await this.step();
        if (r.steps - reported >= 1000) {
          reported = r.steps;
          progress();
        }
      }
      await this.client!.stop();
    } catch (err) {
      if (!(err instanceof Interrupted) && !o.signal?.aborted) throw err;
      r.interrupted = true;
    }
    r.seconds = (performance.now() - t0) / 1000;
    r.stepsPerSecond = r.steps / r.seconds;
    r.rssEndBytes = process.memoryUsage().rss;
    r.trackingRms = this.plant.lastWindowRms;
    r.trackingRmsWorst = this.plant.worstWindowRms;
    r.plantRestarts = this.plant.restarts;
    r.deviceBoots = this.target.boots;
    r.rejectedFrames = this.rejectedBefore + (this.client?.stats?.rejected ?? 0);
    progress();
    return r;
  }

  async shutdown(): Promise<void> {
    this.expectExit = true;
    await this.client?.close().catch(() => {});
    await this.target.close();
  }

  // ---- the device and the link --------------------------------------------------------------------

  private async boot(cutAt?: number): Promise<void> {
    this.expectExit = false;
    await this.target.boot({ cutAt });
    void this.target.exited().then((code) => {
      if (this.expectExit) return;
      this.sessionOpen = false;
      this.log(`device exited unexpectedly (${code})`);
    });
  }

  private async kill(): Promise<void> {
    this.expectExit = true;
    this.sessionOpen = false;
    await this.target.kill();
  }

  private deviceGone(): Error {
    return new Error(`the ${this.o.target} device exited unexpectedly; its last lines:\n${this.target.tail()}`);
  }

  /** Opens the port (through the fault injector) and waits for HELLO; retried while the device boots. */
  private async connect(): Promise<DeviceClient> {
    const end = performance.now() + BOOT_MS;
    for (;;) {
      try {
        const c = await DeviceClient.connect({ open: async () => this.wire.wrap(await SerialTransport.open(this.target.hostPath)), reconnect: false });
        c.on('message', (e) => this.onMessage(e));
        return c;
      } catch (err) {
        if (this.o.signal?.aborted) throw new Interrupted();
        if (!this.target.alive && !this.expectExit) throw this.deviceGone();
        if (performance.now() > end) throw new Error(`no HELLO from the ${this.o.target} device within ${BOOT_MS / 1000} s (${(err as Error).message}); its last lines:\n${this.target.tail()}`);
        await sleep(100);
      }
    }
  }

  /** After a restart on the same link: HELLO answered (the device boots). */
  private async hello(): Promise<void> {
    const end = performance.now() + BOOT_MS;
    for (;;) {
      try {
        await this.client!.hello();
        return;
      } catch (err) {
        if (this.o.signal?.aborted) throw new Interrupted();
        if (!this.target.alive) throw this.deviceGone();
        if (!(err instanceof TimeoutError) || performance.now() > end) throw err;
      }
    }
  }

  private async startSession(): Promise<void> {
    await this.client!.start();
    this.deviceStep = 0;
    this.sessionOpen = true;
    this.lastStepAnswered = false;
  }

  private async snapshot(): Promise<Uint8Array> {
    return this.client!.snapshotGet();
  }

  // ---- messages from the device -------------------------------------------------------------------

  private onMessage(e: Envelope): void {
    const m = e.message;
    const w = this.wait;
    switch (m.type) {
      case 'ACTUATOR_FRAME': {
        const c = this.cur;
        const wellFormed = m.values.length === this.nOut && m.values.every((v) => v >= -U_LIMIT && v <= U_LIMIT);
        const ok = this.sessionOpen && m.step === c.step && c.intact && !c.answered && wellFormed;
        if (!ok) {
          const a = this.abandoned;
          if (a && m.step === a.step && a.intact && !a.answered && wellFormed) {
            a.answered = true;
            this.r.lateActuatorFrames++;
            this.log(`late ACTUATOR_FRAME step ${m.step}: the answer to an intact copy, after the host resynced (not applied)`);
            return;
          }
          this.r.invalidActuatorFrames++;
          this.log(`INVALID ACTUATOR_FRAME step ${m.step} [${m.values.join(', ')}] (step in flight ${c.step}, intact ${c.intact}, answered ${c.answered}, session ${this.sessionOpen ? 'open' : 'closed'})`);
          return;
        }
        c.answered = true;
        c.u = m.values;
        this.lastValidCommandAt = c.sentAt;
        if (w?.mode === 'lean') w.resolve({ kind: 'af' });
        return;
      }
      case 'ERROR':
        if (m.code === Status.E_WATCHDOG) {
          this.r.watchdogTrips++;
          if (this.silence) this.silence.errorAt ??= performance.now();
        } else if (w?.mode === 'lean' && isSensorError(m.code)) {
          w.resolve({ kind: 'refused', status: m.code });
        }
        return;
      case 'ACK':
        if (w?.mode === 'acked' && m.ackedSeq === w.seq) w.resolve({ kind: 'ack', status: m.status });
        return;
      case 'TELEMETRY':
        if (this.silence && m.flags & TelemetryFlag.SAFE_STATE) this.silence.safeAt ??= performance.now();
        return;
    }
  }

  private onDamage(d: Damage): void {
    this.log(`${d.fault} ${d.direction}: ${d.fault === 'drop' ? `${d.at.length} byte(s) from ${d.at[0]}` : `byte(s) ${d.at.join(', ')}`} of a ${d.length}-byte frame`);
  }

  // ---- one control step ---------------------------------------------------------------------------

  /** Sends one copy of the SENSOR_FRAME in flight and waits for its answer. */
  private send(m: Message, mode: 'lean' | 'acked'): Promise<Reply> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => done({ kind: 'timeout' }), this.replyTimeoutMs);
      const done = (r: Reply) => {
        clearTimeout(timer);
        if (this.wait === w) this.wait = null;
        resolve(r);
      };
      const w = { mode, seq: -1, resolve: done };
      this.wait = w;
      const client = this.client!;
      if (!client.connected) return done({ kind: 'closed' });
      const damagedBefore = this.wire.damaged['to-device'];
      if (mode === 'acked') client.writeRaw(Uint8Array.of(0));
      this.cur.sentAt = performance.now();
      w.seq = client.sendRaw(m, mode === 'acked');
      if (this.wire.damaged['to-device'] === damagedBefore) this.cur.intact = true;
    });
  }

  /** The exchange of the step in flight: done (answered: its ACTUATOR_FRAME came, lean: to the first copy; not answered: the device did the step, its answer was lost) or why it failed. */
  private async exchange(values: number[]): Promise<{ ok: true; answered: boolean; lean: boolean } | { ok: false; why: string }> {
    const step = this.deviceStep;
    this.cur = { step, intact: false, answered: false, sentAt: 0, u: null };
    const m: Message = { type: 'SENSOR_FRAME', step, values };
    const first = await this.send(m, 'lean');
    if (first.kind === 'af') return { ok: true, answered: true, lean: true };
    if (first.kind === 'refused') return { ok: false, why: `step ${step}: ${statusName(first.status)}` };
    if (first.kind === 'closed') return { ok: false, why: 'the link is closed' };
    for (let k = 0; k < ACKED_TRIES; k++) {
      this.r.retransmits++;
      const r = await this.send(m, 'acked');
      if (r.kind === 'closed') return { ok: false, why: 'the link is closed' };
      if (r.kind !== 'ack') continue;
      if (r.status === Status.OK || r.status === Status.E_STEP) return { ok: true, answered: this.cur.answered, lean: false };
      return { ok: false, why: `step ${step}: ${statusName(r.status)}` };
    }
    return { ok: false, why: `step ${step}: no ACK after ${ACKED_TRIES} copies` };
  }

  private async step(): Promise<void> {
    const values = this.plant.values();
    const every = this.o.stallEvery;
    if (every && this.r.steps % every === every - 1 && this.stalledAt !== this.r.steps) {
      this.stalledAt = this.r.steps; // once per step: a resync retries the same step
      this.target.pause(this.o.stallMs ?? 1000);
    }
    const x = await this.exchange(values);
    this.wire.disarm();
    if (!x.ok) {
      this.lastStepAnswered = false;
      return this.resync(x.why);
    }
    this.deviceStep++;
    this.r.steps++;
    this.lastStepAnswered = x.answered && x.lean;
    if (!x.answered) {
      this.r.pdOnlySteps++;
      this.plant.apply(null);
      return;
    }
    this.plant.apply(this.cur.u);
    if (this.open) {
      const ms = performance.now() - this.open.at;
      this.r.recoveries[this.open.kind]++;
      this.r.outageMaxMs[this.open.kind] = Math.max(this.r.outageMaxMs[this.open.kind], ms);
      this.log(`${this.open.kind}: recovered, ${ms.toFixed(0)} ms to the next valid ACTUATOR_FRAME`);
      this.open = null;
    }
  }

  /** An exchange that retransmission did not settle: HELLO and START again. */
  private async resync(why: string): Promise<void> {
    if (this.o.signal?.aborted) throw new Interrupted();
    if (!this.target.alive) throw this.deviceGone();
    this.r.resyncs++;
    this.log(`resync (${why})`);
    this.abandoned = { step: this.cur.step, intact: this.cur.intact, answered: this.cur.answered };
    this.sessionOpen = false;
    try {
      await this.hello(); // the device answers in order: an answer to the abandoned step comes before this
    } finally {
      this.abandoned = null;
    }
    await this.startSession();
  }

  // ---- saves and state checks ---------------------------------------------------------------------

  private async save(): Promise<void> {
    const snap = await this.snapshot();
    this.sessionOpen = false;
    await this.client!.stop(); // the device persists the state it has: snap
    this.lastSaved = snap;
    this.r.saves++;
    await this.startSession();
  }

  /** After a restart: configured, with the last saved state (or `pending`, the one of a cut save). */
  private async checkRestored(what: string, pending: Uint8Array | null = null): Promise<void> {
    this.r.stateChecks++;
    let snap: Uint8Array | null = null;
    try {
      snap = await this.snapshot();
    } catch (err) {
      if (!(err instanceof DeviceError && err.status === Status.E_NOT_CONFIGURED)) throw err;
    }
    if (equal(snap, this.lastSaved)) return;
    if (equal(snap, pending)) {
      this.lastSaved = pending;
      return;
    }
    this.r.learnedStateLosses++;
    this.log(`LEARNED STATE LOST after ${what}: ${snap ? 'the device has another state' : 'the device is not configured'}; its last lines:\n${this.target.tail()}`);
    if (!snap) {
      await this.client!.configure(networkConfig(this.plant.task, 'deep-fact', this.seed), { watchdogMs: this.watchdogMs, telemetryEvery: this.telemetryEvery });
    }
    this.lastSaved = snap ?? (await this.snapshot());
  }

  private async checkUnchanged(what: string, before: Uint8Array): Promise<void> {
    this.r.stateChecks++;
    const after = await this.snapshot();
    if (equal(after, before)) return;
    this.r.learnedStateLosses++;
    this.log(`LEARNED STATE CHANGED during ${what}`);
  }

  // ---- the faults ---------------------------------------------------------------------------------

  private async inject(kind: FaultKind): Promise<void> {
    this.r.faults[kind]++;
    this.open = { kind, at: performance.now() };
    this.log(`fault ${kind} at step ${this.r.steps}`);
    switch (kind) {
      case 'corrupt':
      case 'drop':
        return this.wire.arm(kind as ByteFault, (this.rng.next() < 0.5 ? 'to-device' : 'to-host') as Direction);
      case 'silence':
        return this.doSilence();
      case 'unplug':
        return this.doUnplug();
      case 'reset':
        return this.doReset();
      case 'cut':
        return this.doCut();
    }
  }

  private async doSilence(): Promise<void> {
    const t0 = this.lastValidCommandAt;
    const wd = this.watchdogMs;
    // watched from the last command on: the watchdog may fire while the state is being fetched
    const s = (this.silence = { errorAt: null as number | null, safeAt: null as number | null });
    const before = await this.snapshot();
    const deadline = t0 + 3 * wd + 1000;
    const hold = t0 + wd * (1.5 + 1.5 * this.rng.next());
    while (performance.now() < deadline && (s.errorAt === null || (this.telemetryEvery > 0 && s.safeAt === null))) await sleep(2);
    const left = hold - performance.now();
    if (left > 0) await sleep(left);
    this.silence = null;
    if (s.errorAt === null || (this.telemetryEvery > 0 && s.safeAt === null)) {
      this.r.watchdogMisses++;
      this.log(`WATCHDOG MISSED: ${s.errorAt === null ? 'no E_WATCHDOG' : 'no safe TELEMETRY'} within ${(deadline - t0).toFixed(0)} ms of the last command`);
    } else {
      const latency = s.errorAt - t0;
      this.r.watchdogLatencyMaxMs = Math.max(this.r.watchdogLatencyMaxMs, latency);
      this.log(`silence: watchdog after ${latency.toFixed(1)} ms`);
    }
    await this.checkUnchanged('a silence', before);
  }

  private async doUnplug(): Promise<void> {
    const before = await this.snapshot();
    this.rejectedBefore += this.client!.stats?.rejected ?? 0;
    await this.client!.close();
    this.client = null;
    await sleep(this.rng.next() * 2 * this.watchdogMs);
    this.client = await this.connect();
    await this.checkUnchanged('an unplug', before);
    // the device still runs the session: the next step goes on where the last one ended
  }

  private async restart(cutAt?: number): Promise<void> {
    await this.kill();
    if (this.o.forgetStore) this.target.wipeStore();
    await this.boot(cutAt);
    await this.hello();
  }

  private async doReset(): Promise<void> {
    await this.restart();
    await this.checkRestored('a reset');
    await this.startSession();
  }

  private async doCut(): Promise<void> {
    const saveBytes = this.lastSaved!.length + STORE_RECORD_BYTES;
    const at = Math.floor(this.rng.next() * saveBytes);
    await this.restart(at);
    await this.checkRestored('a restart');
    await this.startSession();
    // a few steps, so that the state to save differs from the last save (not yet the recovery)
    const open = this.open;
    this.open = null;
    const steps = 5 + Math.floor(this.rng.next() * 45);
    for (let k = 0; k < steps && this.r.steps < this.o.steps; k++) await this.step();
    this.open = open && { kind: open.kind, at: performance.now() }; // the outage starts at the STOP
    const pending = await this.snapshot();
    this.sessionOpen = false;
    this.expectExit = true;
    const died = this.target.exited().then(() => true);
    this.client!.sendRaw({ type: 'STOP' }, true); // the device saves, and dies at byte `at`
    if (!(await Promise.race([died, sleep(5000).then(() => false)]))) {
      throw new Error(`cut: the ${this.o.target} device did not die at byte ${at} of its ${saveBytes}-byte save; its last lines:\n${this.target.tail()}`);
    }
    this.log(`cut: the device died at byte ${at} of ${saveBytes}`);
    await this.boot();
    await this.hello();
    await this.checkRestored(`a save cut at byte ${at} of ${saveBytes}`, pending);
    await this.startSession();
  }
}
