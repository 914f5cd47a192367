// Shared set-up for the core tests: a configured core with the float reference's weights.
import { Core } from '../../host/core/core.ts';
import { referenceConfig, type CoreConfig } from '../../host/core/config.ts';
import { defaultConfig } from '../../host/reference/config.ts';
import { initParams, Network, type Params } from '../../host/reference/network.ts';

/** Float initial weights for a core config, quantised through the core so both sides hold the same values. */
export function coreWithWeights(cfg: CoreConfig, seed = 3): { core: Core; params: Params; net: Network } {
  const core = new Core().configure(cfg);
  const rc = defaultConfig(cfg.neuron, cfg.units.length, cfg.units[0], { nIn: cfg.nIn, units: cfg.units, nOut: cfg.nOut, recurrent: cfg.recurrent, seed });
  core.setParams(initParams(rc));
  const params = core.getParams();
  return { core, params, net: new Network(referenceConfig(cfg), params) };
}

/** n Q12 inputs, deterministic. */
export function inputs(T: number, nIn: number, seed = 1): Float64Array[] {
  let s = seed >>> 0 || 1;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Array.from({ length: T }, () => Float64Array.from({ length: nIn }, () => (next() < 0.25 ? 1 : 0)));
}
