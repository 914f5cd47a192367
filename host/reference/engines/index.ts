// The five gradient engines behind one call.
import { DEFAULT_ENGINE_OPTIONS, type EngineOptions } from '../config.ts';
import { zeroGradient, type Gradient } from '../gradient.ts';
import type { Network } from '../network.ts';
import { bpttGradient } from './bptt.ts';
import { DeepFact } from './deep-fact.ts';
import { DeepFull } from './deep-full.ts';
import type { EngineName, OnlineEngine, OnlineEngineName } from './engine.ts';
import { Eprop } from './eprop.ts';
import { Rtrl } from './rtrl.ts';

export { ENGINE_NAMES, type EngineName, type OnlineEngine, type OnlineEngineName } from './engine.ts';
export { bpttGradient } from './bptt.ts';

export function makeOnlineEngine(name: OnlineEngineName, net: Network, opts: EngineOptions = DEFAULT_ENGINE_OPTIONS): OnlineEngine {
  switch (name) {
    case 'rtrl':
      return new Rtrl(net);
    case 'eprop':
      return new Eprop(net, opts);
    case 'deep-full':
      return new DeepFull(net, opts);
    case 'deep-fact':
      return new DeepFact(net, opts);
  }
}

/** An engine's gradient of E = 1/2 sum_t |y_t - target_t|^2 over a sequence, from a reset network. */
export function sequenceGradient(
  name: EngineName, net: Network, inputs: ArrayLike<number>[], targets: ArrayLike<number>[],
  opts: EngineOptions = DEFAULT_ENGINE_OPTIONS,
): Gradient {
  if (name === 'bptt') return bpttGradient(net, inputs, targets);
  const engine = makeOnlineEngine(name, net, opts);
  net.reset();
  engine.reset();
  const grad = zeroGradient(net);
  const err = new Float64Array(net.cfg.nOut);
  for (let t = 0; t < inputs.length; t++) {
    const y = net.step(inputs[t]);
    engine.update();
    for (let k = 0; k < err.length; k++) err[k] = y[k] - targets[t][k];
    engine.accumulate(err, grad);
  }
  return grad;
}

/** E = 1/2 sum_t |y_t - target_t|^2 from a reset network. */
export function sequenceLoss(net: Network, inputs: ArrayLike<number>[], targets: ArrayLike<number>[]): number {
  net.reset();
  let loss = 0;
  for (let t = 0; t < inputs.length; t++) {
    const y = net.step(inputs[t]);
    for (let k = 0; k < y.length; k++) loss += 0.5 * (y[k] - targets[t][k]) ** 2;
  }
  return loss;
}
