// The hardware-in-the-loop rig: an ordinary johnny-five program (Board, two Sensors, a Motor on an
// H-bridge) closes the loop on the motor through a board, with the controller on the host: PD alone,
// or PD plus the wasm core learning online by feedback-error learning (sims/loop/controllers.ts).
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
import { pdController, networkController, networkConfig } from '../../sims/loop/controllers.ts';
import { rms, recoveryTime, type Phases } from '../../sims/loop/metrics.ts';
import type { Controller, TrackingTask } from '../../sims/loop/task.ts';
import type { Trace } from '../../sims/loop/runner.ts';
import type { DemoResult, DemoRow } from '../../sims/loop/demo.ts';
import { SCENARIOS } from '../../sims/loop/scenarios.ts';
import type { Plant } from '../../sims/plant.ts';
import { MOTOR_WIRING, sensorOn, sensorValue, type Wiring } from '../../sims/johnny-five/wiring.ts';
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
interface Link {
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

async function emulatedLink(task: TrackingTask, wiring: Wiring, seed: number, samplingMs: number, hex: string): Promise<Link> {
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
 * The johnny-five program: wait for 'ready', set up the sensors and the motor, then on every report
 * read the plant, ask the controller, drive the motor; `steps` control steps of `dt` seconds.
 */
async function controlLoop(
  link: Link, task: TrackingTask, wiring: Wiring, controller: Controller, steps: number, dt: number,
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

  const hb = wiring.actuators[0];
  if (wiring.actuators.length !== 1 || hb.kind !== 'hbridge') throw new Error('the rig program drives one H-bridge motor');
  const sensors = wiring.sensors.map((w) => ({ wire: w, j5: new five.Sensor({ pin: `A${w.channel}`, board, freq: Math.max(1, Math.round(dt * 1000)) }) }));
  const motor = new five.Motor({ pins: { pwm: hb.pwm, dir: hb.dir }, threshold: 0, board });
  motor.stop();
  link.io.setSamplingInterval(Math.round(dt * 1000));

  const n = task.joints;
  const trace: Trace = {
    controller: controller.name, dt,
    error: new Float64Array(steps), position: new Float64Array(steps * n), reference: new Float64Array(steps * n), command: new Float64Array(steps * n),
  };
  const change = SCENARIOS[o.scenario]?.change ?? null;
  const changeStep = Math.round(o.change / dt);
  const last = Math.max(...wiring.sensors.map((s) => s.channel));
  const obs = new Float64Array(2 * n);

  let k = 0;
  const done = new Promise<void>((resolve, reject) => {
    const onReport = () => {
      if (k >= steps) return;
      try {
        if (k === changeStep && change) link.plant?.disturb(change);
        for (const { wire, j5 } of sensors) if (j5.raw !== null && wire.state < obs.length) obs[wire.state] = sensorValue(wiring, wire, j5.raw);
        const t = k * dt;
        const ref = task.reference.at(t);
        const u = controller.command(obs, ref, t)[0];
        const duty = Math.min(255, Math.round((Math.abs(u) / hb.supply) * 255));
        if (u >= 0) motor.forward(duty);
        else motor.reverse(duty);
        const e = obs[0] - ref.pos[0];
        trace.error[k] = Math.abs(e);
        trace.position[k] = obs[0];
        trace.reference[k] = ref.pos[0];
        trace.command[k] = u;
        o.onStep?.(k, trace);
        k++;
        if (k >= steps) {
          link.io.removeListener(`analog-read-${last}`, onReport);
          resolve();
        }
      } catch (e) {
        link.io.removeListener(`analog-read-${last}`, onReport);
        reject(e);
      }
    };
    link.io.on(`analog-read-${last}`, onReport);
  });
  link.run?.();
  try {
    await Promise.race([done, link.failed]);
  } finally {
    motor.stop();
    for (const { wire, j5 } of sensors) {
      j5.disable();
      link.io.reportAnalogPin(wire.channel, 0);
    }
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
    const controller = c === 'pd' ? pdController(task) : networkController(task, cfg, `online deep e-prop (${engine})`);
    const link = kind === 'serial' ? await serialLink(o.path!, samplingMs, o.baudRate)
      : kind === 'sim' ? simLink(task, wiring, seed, samplingMs)
        : await emulatedLink(task, wiring, seed, samplingMs, hex);
    try {
      traces.push(await controlLoop(link, task, wiring, controller, steps, dt, {
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
