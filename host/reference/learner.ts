// Online learning on the reference network: step with an input, learn with an error vector, the
// way the fixed-point core is driven on the robot. The error is dE/dy_t: y - y* for supervised
// targets, -u_pd for feedback-error learning, prediction - measurement for a forward model.
import { DEFAULT_ENGINE_OPTIONS, type EngineOptions, type NetConfig } from './config.ts';
import { makeOnlineEngine, type OnlineEngine, type OnlineEngineName } from './engines/index.ts';
import { clearGradient, zeroGradient, type Gradient } from './gradient.ts';
import { Network, type Params } from './network.ts';
import { Adam, RowRms, Sgd, type Optimizer } from './optim.ts';

/** Engine, optimiser, learning rate, update interval, clipping and engine options of a Learner. */
export interface LearnerOptions {
  engine: OnlineEngineName;
  engineOptions?: EngineOptions;
  /** sgd; adam (per weight); row-rms (RowRms: per-row second moments, the rule the core can run). */
  optimizer?: 'sgd' | 'adam' | 'row-rms';
  lr: number;
  /** Apply the accumulated gradient every `interval` learn() calls. */
  interval?: number;
  /** Clip every weight to [-clip, clip] after an update (0 = off). */
  clip?: number;
}

/** The float64 online learner: a Network, one gradient engine and an optimiser (SGD or Adam), step() then learn(err) every step. */
export class Learner {
  readonly net: Network;
  readonly engine: OnlineEngine;
  readonly grad: Gradient;
  private readonly optimizer: Optimizer;
  private readonly interval: number;
  private readonly clip: number;
  private pending = 0;

  constructor(cfg: NetConfig, opts: LearnerOptions, params?: Params) {
    this.net = new Network(cfg, params);
    this.engine = makeOnlineEngine(opts.engine, this.net, opts.engineOptions ?? DEFAULT_ENGINE_OPTIONS);
    this.grad = zeroGradient(this.net);
    if (opts.optimizer !== undefined && !['sgd', 'adam', 'row-rms'].includes(opts.optimizer)) throw new Error(`optimizer must be sgd, adam or row-rms, got ${String(opts.optimizer)}`);
    this.optimizer =
      opts.optimizer === 'adam' ? new Adam(opts.lr)
      : opts.optimizer === 'row-rms' ? new RowRms(opts.lr, cfg.units)
      : new Sgd(opts.lr);
    this.interval = opts.interval ?? 1;
    this.clip = opts.clip ?? 0;
    if (!(opts.lr >= 0)) throw new Error(`lr must be >= 0, got ${opts.lr}`);
    if (!Number.isInteger(this.interval) || this.interval < 1) throw new Error(`interval must be an integer >= 1, got ${opts.interval}`);
  }

  /** Forward one step and update the engine's traces. Returns y_t (a view). */
  step(x: ArrayLike<number>): Float64Array {
    const y = this.net.step(x);
    this.engine.update();
    return y;
  }

  /** Accumulate this step's gradient for error err; apply it every `interval` calls. */
  learn(err: ArrayLike<number>): void {
    this.engine.accumulate(err, this.grad);
    if (++this.pending < this.interval) return;
    this.optimizer.apply(this.net.params, this.grad);
    clearGradient(this.grad);
    this.pending = 0;
    if (this.clip > 0) {
      const c = this.clip;
      for (const arr of [...this.net.params.theta, this.net.params.V, this.net.params.c]) {
        for (let i = 0; i < arr.length; i++) arr[i] = Math.min(c, Math.max(-c, arr[i]));
      }
    }
  }

  reset(): void {
    this.net.reset();
    this.engine.reset();
    clearGradient(this.grad);
    this.pending = 0;
  }
}
