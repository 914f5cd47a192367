// OnlineLearner: a johnny-five component that closes a control loop through any board (a Firmata
// board, an IO plugin) and adapts online: PD plus the wasm core's feed-forward, learning by
// feedback-error learning every control step (sims/loop/controllers.ts), or PD alone.
//
//   const board = new five.Board({ io });
//   board.on('ready', () => {
//     const learner = new OnlineLearner({ board, task, wiring: MOTOR_WIRING });
//     learner.on('data', (d) => console.log(d.t, d.error));
//     learner.start();
//   });
//
// Like a johnny-five component it owns its parts (a Sensor per wired analog pin, a Motor on the
// H-bridge pins), reports with events ('data' after every control step, 'error' when a step fails,
// 'stop'), and has start()/stop(). One control step runs on every report of the last wired analog
// pin, so the control rate is the board's sampling interval, on the board's own clock.
import { EventEmitter } from 'node:events';
import five from 'johnny-five';
import { networkConfig, networkController, pdController, type NetworkController } from '../../sims/loop/controllers.ts';
import type { Controller, TrackingTask } from '../../sims/loop/task.ts';
import { sensorValue, type Wiring } from '../../sims/johnny-five/wiring.ts';
import type { CoreConfig, CoreEngine } from '../core/config.ts';
import type { Core } from '../core/core.ts';

/** The board, task, wiring, engine, config overrides, controller and sampling of an OnlineLearner. */
export interface OnlineLearnerOptions {
  /** A johnny-five Board that is ready (construct the learner in its 'ready' handler). */
  board: InstanceType<typeof five.Board>;
  /** What to track: reference, PD gains, the network's input features and output scale. */
  task: TrackingTask;
  /** Sensor pins (analog channels, scaled to plant units) and one H-bridge motor (PWM and DIR pins). */
  wiring: Wiring;
  /** Learning rule of the core (default deep-fact). */
  engine?: CoreEngine;
  /** Overrides of the network config (default: networkConfig(task, engine, seed)). */
  config?: Partial<CoreConfig>;
  /** Seed of the network's initial weights (default 1). */
  seed?: number;
  /** 'online' (default): PD + the learning network; 'pd': PD alone (the baseline, same loop). */
  controller?: 'online' | 'pd';
  /** Control period in ms: the board's sampling interval (default 20). */
  samplingMs?: number;
  /** Called before control step k reads the sensors (a simulated bench can disturb its plant here). */
  beforeStep?(k: number): void;
}

/** What 'data' carries after every control step (plant units; actuator units for commands). */
export interface OnlineLearnerData {
  step: number;
  /** Seconds since start() (step x control period). */
  t: number;
  position: number;
  reference: number;
  /** |position - reference|. */
  error: number;
  /** Total command: PD plus network. */
  command: number;
  /** The PD part (the learning signal: err = -pd / outputScale). */
  pd: number;
  /** The network's feed-forward part (0 for controller 'pd'). */
  network: number;
}

/** A johnny-five component: PD plus the online learner (or PD alone) on a board's sensor and H-bridge pins; events data/error/stop; start/stop, freeze, snapshot/restore. */
export class OnlineLearner extends EventEmitter {
  readonly task: TrackingTask;
  readonly wiring: Wiring;
  readonly samplingMs: number;
  /** The network controller (null for controller 'pd'): its core holds the learned state. */
  readonly network: NetworkController | null;
  private readonly controller: Controller;
  private readonly board: OnlineLearnerOptions['board'];
  private readonly sensors: { wire: Wiring['sensors'][number]; j5: InstanceType<typeof five.Sensor> }[];
  private readonly motor: InstanceType<typeof five.Motor>;
  private readonly obs: Float64Array;
  private readonly lastChannel: number;
  private readonly beforeStep?: (k: number) => void;
  private readonly onReport = () => this.tick();
  private k = 0;
  private running = false;

  constructor(o: OnlineLearnerOptions) {
    super();
    if (!o.board) throw new Error('OnlineLearner: a johnny-five Board is required');
    const hb = o.wiring.actuators[0];
    if (o.wiring.actuators.length !== 1 || hb?.kind !== 'hbridge') throw new Error('OnlineLearner: the wiring must have exactly one H-bridge motor');
    if (o.wiring.sensors.length === 0) throw new Error('OnlineLearner: the wiring has no sensor');
    const samplingMs = o.samplingMs ?? 20;
    if (!Number.isInteger(samplingMs) || samplingMs < 1 || samplingMs > 1000) throw new Error(`OnlineLearner: samplingMs must be an integer 1..1000, got ${samplingMs}`);
    this.task = o.task;
    this.wiring = o.wiring;
    this.samplingMs = samplingMs;
    this.board = o.board;
    this.beforeStep = o.beforeStep;
    const engine = o.engine ?? 'deep-fact';
    if ((o.controller ?? 'online') === 'online') {
      const cfg: CoreConfig = { ...networkConfig(o.task, engine, o.seed ?? 1), ...o.config };
      this.network = networkController(o.task, cfg, `online deep e-prop (${engine})`);
      this.controller = this.network;
    } else {
      this.network = null;
      this.controller = pdController(o.task);
    }
    this.sensors = o.wiring.sensors.map((w) => ({ wire: w, j5: new five.Sensor({ pin: `A${w.channel}`, board: o.board, freq: samplingMs }) }));
    this.motor = new five.Motor({ pins: { pwm: hb.pwm, dir: hb.dir }, threshold: 0, board: o.board });
    this.motor.stop();
    this.obs = new Float64Array(2 * o.task.joints);
    this.lastChannel = Math.max(...o.wiring.sensors.map((s) => s.channel));
  }

  /** The controller's name as the tables show it. */
  get name(): string {
    return this.controller.name;
  }

  /** Control steps taken since start(). */
  get steps(): number {
    return this.k;
  }

  /** The core (null for controller 'pd'). */
  get core(): Core | null {
    return this.network?.core ?? null;
  }

  /** Starts the loop at step 0 (the board's sampling interval becomes the control period). */
  start(): this {
    if (this.running) return this;
    this.running = true;
    this.k = 0;
    this.board.io.setSamplingInterval(this.samplingMs);
    this.board.io.on(`analog-read-${this.lastChannel}`, this.onReport);
    return this;
  }

  /**
   * Stops the loop and the motor and disables the sensors' reports (their johnny-five timers too,
   * so a learner that never ran must be stopped as well before the program can exit); emits 'stop'
   * when the loop was running.
   */
  stop(): this {
    const was = this.running;
    this.running = false;
    this.board.io.removeListener(`analog-read-${this.lastChannel}`, this.onReport);
    this.motor.stop();
    for (const { wire, j5 } of this.sensors) {
      j5.disable();
      this.board.io.reportAnalogPin(wire.channel, 0);
    }
    if (was) this.emit('stop');
    return this;
  }

  /** Stops learning; the network keeps acting with what it has learned (the frozen baseline). */
  freeze(): this {
    this.network?.freeze();
    return this;
  }

  /** The learned state (a core snapshot, docs/core-abi.md), to save and restore(). */
  snapshot(): Uint8Array {
    if (!this.network) throw new Error('OnlineLearner: controller \'pd\' has no learned state');
    return this.network.core.saveSnapshot();
  }

  /** Loads a snapshot() of the same config; throws, with the state untouched, if it is refused. */
  restore(snapshot: Uint8Array): this {
    if (!this.network) throw new Error('OnlineLearner: controller \'pd\' has no learned state');
    const status = this.network.core.loadSnapshot(snapshot);
    if (status !== 0) throw new Error(`OnlineLearner: the snapshot was refused (core status ${status})`);
    return this;
  }

  private tick(): void {
    if (!this.running) return;
    const k = this.k;
    try {
      this.beforeStep?.(k);
      for (const { wire, j5 } of this.sensors) if (j5.raw !== null && wire.state < this.obs.length) this.obs[wire.state] = sensorValue(this.wiring, wire, j5.raw);
      const t = (k * this.samplingMs) / 1000;
      const ref = this.task.reference.at(t);
      const u = this.controller.command(this.obs, ref, t)[0];
      const hb = this.wiring.actuators[0] as Extract<Wiring['actuators'][number], { kind: 'hbridge' }>;
      const duty = Math.min(255, Math.round((Math.abs(u) / hb.supply) * 255));
      if (u >= 0) this.motor.forward(duty);
      else this.motor.reverse(duty);
      this.k = k + 1;
      const data: OnlineLearnerData = {
        step: k, t, position: this.obs[0], reference: ref.pos[0], error: Math.abs(this.obs[0] - ref.pos[0]), command: u,
        pd: this.network ? this.network.uPd[0] : u, network: this.network ? this.network.uNet[0] : 0,
      };
      this.emit('data', data);
    } catch (e) {
      this.stop();
      this.emit('error', e instanceof Error ? e : new Error(String(e)));
    }
  }
}
