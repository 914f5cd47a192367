// The hardware-in-the-loop rig: an ordinary johnny-five program (a Board and the OnlineLearner
// component of host/johnny-five, which owns two Sensors and a Motor on an H-bridge) closes the loop
// on the motor through a board, with the controller on the host: PD alone, or PD plus the wasm core
// learning online by feedback-error learning (sims/loop/controllers.ts).
//
// The board is one of:
//   - a real Uno running StandardFirmata on a serial port (`path`): the plant is whatever is wired
//     to it (MOTOR_WIRING: H-bridge PWM D3 / DIR D12, angle on A0, speed on A1);
//   - the emulated Uno (`emulated`): avr8js runs the real StandardFirmata 2.4 .hex; firmata-io talks to
//     it through serialport's stream over an in-process binding at 57600 baud; the motor sim reads the
//     PWM duty and direction on the emulated pins and drives the emulated ADC;
//   - the sim IO plugin (`sim`): no firmware at all, same program (fast; for experiments).
// The control step runs on every Firmata analog report (the last wired channel), so the control rate
// is the Firmata sampling interval on the board's own clock, on a real board as in the emulation.
import { SerialPortStream } from '@serialport/stream';
import firmataIo from 'firmata-io';
import five from 'johnny-five';
import type { EventEmitter } from 'node:events';
import { networkConfig } from '../../sims/loop/controllers.ts';
import { OnlineLearner, type OnlineLearnerData } from '../johnny-five/online-learner.ts';
import { rms, recoveryTime, type Phases } from '../../sims/loop/metrics.ts';
import type { TrackingTask } from '../../sims/loop/task.ts';
import type { Trace } from '../../sims/loop/runner.ts';
import type { DemoResult, DemoRow } from '../../sims/loop/demo.ts';
import { SCENARIOS } from '../../sims/loop/scenarios.ts';
import type { Plant } from '../../sims/plant.ts';
import { MOTOR_WIRING, type Wiring } from '../../sims/johnny-five/wiring.ts';
import { SimIO } from '../../sims/johnny-five/sim-io.ts';
import { PlantBench } from '../../sims/avr/bench.ts';
import type { CoreConfig, CoreEngine } from '../core/config.ts';
import { InProcessBinding } from './binding.ts';
import { EmulatedUno } from './emulated.ts';
import { firmataHex } from './firmware.ts';
import { firmataMotorTask } from './task.ts';
import { FIRMATA_BAUD } from '../transport/baud.ts';

const Firmata = firmataIo.Firmata;
export { FIRMATA_BAUD };

/** Which board (real, emulated Uno, sim plugin), how long, seed, engine, scenario and sampling of runFirmata. */
export interface FirmataOptions {
  /** Serial port of a real board running StandardFirmata. */
  path?: string;
  /** Line rate of that port (default FIRMATA_BAUD, StandardFirmata's). */
  baudRate?: number;
  /** The emulated Uno running the StandardFirmata .hex (the default when nothing is chosen). */
  emulated?: boolean;
  /** The simulated IO plugin (no firmware). */
  sim?: boolean;
  /** Seconds of control per controller (default 24). */
  seconds?: number;
  /** Seed of the plant and the network (default 1). */
  seed?: number;
  /** Learning rule of the core (default deep-fact). */
  engine?: CoreEngine;
  /** Disturbance halfway (sims/loop/scenarios.ts); only a simulated plant can be disturbed (default none). */
  scenario?: string;
  /** Firmata sampling interval = control period, ms (default 20). */
  samplingMs?: number;
  /** Learning rate of the core (default 2e-2: 50 Hz gives the learner 20x fewer steps than the 1 kHz demo). */
  lr?: number;
  /** Which controllers, in order (default both). */
  controllers?: ('pd' | 'online')[];
  /** Override the .hex (Intel HEX text) the emulated Uno runs. */
  hex?: string;
  /** Wall-clock seconds to wait for the board's 'ready' (default 20). */
  readyTimeout?: number;
}

export interface FirmataHooks {
  /** Progress: controller index, its step, its total steps, its trace so far. */
  onStep?(controller: number, k: number, steps: number, trace: Trace): void;
  /** A board reached johnny-five's 'ready' (controller index, emulated seconds since power-up or null). */
  onReady?(controller: number, boardSeconds: number | null): void;
}

/** runFirmata's demo result plus the board, the firmware that answered and the emulation speed. */
export interface FirmataResult extends DemoResult {
  /** 'emulated ATmega328P', 'sim IO plugin' or the serial path. */
  board: string;
  /** Firmware that answered (name and version), when a Firmata board was used. */
  firmware: string | null;
  /** Emulated seconds per wall second over each controller's run (emulated board only). */
  emulationSpeed: number[] | null;
  wallSeconds: number;
}

/** A board the johnny-five program can talk to, with the plant behind it when it is simulated. */
export interface Link {
  io: EventEmitter & Record<string, any>;
  /** The simulated plant (null on a real board). */
  plant: Plant | null;
  /** Emulated/simulated seconds since power-up (null on a real board). */
  boardSeconds(): number | null;
  /** Open the connection (after johnny-five's Board listens, so that it sees 'connect'). */
  open(): void;
  /** Called once the control loop is set up (drives a manual clock). */
  run?(): void;
  close(): Promise<void>;
  speed(): number | null;
  /** Rejects when the board side fails. */
  failed: Promise<never>;
}

function deferredFailure(): { failed: Promise<never>; fail: (e: Error) => void } {
  let fail!: (e: Error) => void;
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  failed.catch(() => {}); // observed by the race in controlLoop
  return { failed, fail };
}

function closePort(port: SerialPortStream): Promise<void> {
  return new Promise((resolve) => {
    if (!port.isOpen) return resolve();
    port.drain(() => port.close(() => resolve()));
  });
}

/**
 * The emulated Uno running StandardFirmata (`hex`, default the pinned 2.4 build) with `task`'s plant
 * wired to its pins: give `link.io` to a johnny-five Board, then call `link.open()`.
 */
export async function emulatedLink(task: TrackingTask, wiring: Wiring, seed: number, samplingMs: number, hex?: string): Promise<Link> {
  hex ??= await firmataHex();
  const plant = task.makePlant(seed);
  const { failed, fail } = deferredFailure();
  const board = new EmulatedUno({
    program: hex,
    onPowerUp: (uno) => {
      plant.reset(seed); // a power-up starts a fresh bench
      new PlantBench(uno, plant, wiring);
    },
    onError: fail,
  });
  const port = new SerialPortStream({ binding: InProcessBinding, path: board.path, baudRate: FIRMATA_BAUD, autoOpen: false });
  port.on('error', fail);
  const io = new Firmata(port, { samplingInterval: samplingMs });
  io.on('error', fail); // firmata-io re-emits port errors; without a listener they would crash the process
  return {
    io,
    plant,
    open: () => port.open(),
    boardSeconds: () => board.seconds,
    close: async () => {
      await closePort(port);
      board.dispose();
    },
    speed: () => board.speed,
    failed,
  };
}

async function serialLink(path: string, samplingMs: number, baudRate = FIRMATA_BAUD): Promise<Link> {
  const { SerialPort } = await import('serialport');
  const { failed, fail } = deferredFailure();
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  port.on('error', fail);
  const io = new Firmata(port, { samplingInterval: samplingMs });
  io.on('error', fail); // firmata-io re-emits port errors; without a listener they would crash the process
  return {
    io,
    plant: null,
    open: () => port.open(),
    boardSeconds: () => null,
    close: () => {
      // a port that never answered (it failed to open) leaves firmata-io's 5 s report-version timer
      clearTimeout(io.reportVersionTimeoutId);
      return closePort(port as unknown as SerialPortStream);
    },
    speed: () => null,
    failed,
  };
}

function simLink(task: TrackingTask, wiring: Wiring, seed: number, samplingMs: number): Link {
  const plant = task.makePlant(seed);
  const { failed, fail } = deferredFailure();
  const io = new SimIO({ plant, wiring, clock: 'manual', samplingInterval: samplingMs });
  let running = false;
  const drive = () => {
    if (!running) return;
    try {
      io.advance(0.1); // reports (and the program's replies) happen synchronously inside
    } catch (e) {
      running = false;
      fail(e as Error);
      return;
    }
    setImmediate(drive);
  };
  return {
    io,
    plant,
    boardSeconds: () => io.simTime,
    open: () => {}, // the plugin announces itself on its own, asynchronously
    run: () => {
      running = true;
      setImmediate(drive);
    },
    close: async () => {
      running = false;
      io.close();
    },
    speed: () => null,
    failed,
  };
}

/**
 * The johnny-five program: wait for 'ready', then the OnlineLearner component (host/johnny-five)
 * runs `steps` control steps of `dt` seconds on the board; its 'data' events fill the trace.
 */
async function controlLoop(
  link: Link, task: TrackingTask, wiring: Wiring, which: 'pd' | 'online', learner: { engine: CoreEngine; config: CoreConfig }, steps: number, dt: number,
  o: { readyTimeout: number; change: Phases['change']; scenario: string; onStep?: (k: number, tr: Trace) => void; onReady?: (s: number | null) => void },
): Promise<Trace> {
  const board = new five.Board({ io: link.io, repl: false, debug: false, sigint: false, timeout: o.readyTimeout * 1000 });
  link.open();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    new Promise<void>((resolve, reject) => {
      board.once('ready', () => resolve());
      board.once('error', (e: unknown) => reject(e instanceof Error ? e : new Error(String((e as { message?: string })?.message ?? e))));
    }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the board did not reach 'ready' within ${o.readyTimeout} s`)), o.readyTimeout * 1000);
    }),
    link.failed,
  ]).finally(() => clearTimeout(timer));
  o.onReady?.(link.boardSeconds());

  const change = SCENARIOS[o.scenario]?.change ?? null;
  const changeStep = Math.round(o.change / dt);
  const component = new OnlineLearner({
    board, task, wiring, controller: which, engine: learner.engine, config: learner.config, samplingMs: Math.round(dt * 1000),
    beforeStep: (k) => {
      if (k === changeStep && change) link.plant?.disturb(change);
    },
  });
  const n = task.joints;
  const trace: Trace = {
    controller: component.name, dt,
    error: new Float64Array(steps), position: new Float64Array(steps * n), reference: new Float64Array(steps * n), command: new Float64Array(steps * n),
  };
  const done = new Promise<void>((resolve, reject) => {
    component.on('data', (d: OnlineLearnerData) => {
      trace.error[d.step] = d.error;
      trace.position[d.step] = d.position;
      trace.reference[d.step] = d.reference;
      trace.command[d.step] = d.command;
      o.onStep?.(d.step, trace);
      if (d.step + 1 >= steps) {
        component.stop();
        resolve();
      }
    });
    component.on('error', reject);
  });
  component.start();
  link.run?.();
  try {
    await Promise.race([done, link.failed]);
  } finally {
    component.stop();
  }
  return trace;
}

/** PD alone vs PD + the online learner on the motor through a Firmata board (or the sim plugin). */
export async function runFirmata(o: FirmataOptions = {}, hooks: FirmataHooks = {}): Promise<FirmataResult> {
  const chosen = [o.path !== undefined, o.emulated === true, o.sim === true].filter(Boolean).length;
  if (chosen > 1) throw new Error('runFirmata: choose one of path, emulated, sim');
  const kind = o.path !== undefined ? 'serial' : o.sim ? 'sim' : 'emulated';
  const seconds = o.seconds ?? 24;
  const seed = o.seed ?? 1;
  const engine: CoreEngine = o.engine ?? 'deep-fact';
  const scenario = o.scenario ?? 'none';
  const samplingMs = o.samplingMs ?? 20;
  if (!SCENARIOS[scenario]) throw new Error(`runFirmata: unknown scenario '${scenario}'`);
  if (kind === 'serial' && SCENARIOS[scenario].change) throw new Error('runFirmata: a real board\'s plant cannot be disturbed by software; use scenario none');
  if (!(seconds > 0)) throw new Error('runFirmata: seconds must be > 0');
  if (!Number.isInteger(samplingMs) || samplingMs < 1 || samplingMs > 1000) throw new Error('runFirmata: samplingMs must be an integer 1..1000');
  const task = firmataMotorTask();
  const wiring = MOTOR_WIRING;
  const dt = samplingMs / 1000;
  const steps = Math.round(seconds / dt);
  const phases: Phases = { warmup: 0.25 * seconds, change: 0.5 * seconds, end: seconds };
  const hex = kind === 'emulated' ? o.hex ?? (await firmataHex()) : '';
  const cfg: CoreConfig = { ...networkConfig(task, engine, seed), lr: o.lr ?? 2e-2 };
  const which = o.controllers ?? ['pd', 'online'];
  const t0 = performance.now();
  const traces: Trace[] = [];
  const speeds: number[] = [];
  let firmware: string | null = null;
  for (const [i, c] of which.entries()) {
    const link = kind === 'serial' ? await serialLink(o.path!, samplingMs, o.baudRate)
      : kind === 'sim' ? simLink(task, wiring, seed, samplingMs)
        : await emulatedLink(task, wiring, seed, samplingMs, hex);
    try {
      traces.push(await controlLoop(link, task, wiring, c, { engine, config: cfg }, steps, dt, {
        readyTimeout: o.readyTimeout ?? 20, change: phases.change, scenario,
        onStep: hooks.onStep ? (k, tr) => hooks.onStep!(i, k, steps, tr) : undefined,
        onReady: hooks.onReady ? (s) => hooks.onReady!(i, s) : undefined,
      }));
      const fw = link.io.firmware as { name?: string; version?: { major: number; minor: number } } | undefined;
      if (fw?.name) firmware = `${fw.name} ${fw.version?.major}.${fw.version?.minor}`;
    } finally {
      await link.close();
    }
    const s = link.speed();
    if (s !== null) speeds.push(s);
  }
  const rows: DemoRow[] = traces.map((tr) => ({
    controller: tr.controller,
    rmsBefore: rms(tr.error, tr.dt, phases.warmup, phases.change),
    rmsAfter: rms(tr.error, tr.dt, phases.change, phases.end),
    recoverySeconds: SCENARIOS[scenario].change ? recoveryTime(tr.error, tr.dt, phases, task.period) : null,
  }));
  return {
    plant: 'motor', scenario, engine, seconds, seed, phases, rows, traces,
    board: kind === 'serial' ? o.path! : kind === 'sim' ? 'sim IO plugin' : 'emulated ATmega328P',
    firmware,
    emulationSpeed: kind === 'emulated' ? speeds : null,
    wallSeconds: (performance.now() - t0) / 1000,
  };
}
