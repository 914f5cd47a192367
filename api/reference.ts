// deeptrace/reference: the float64 reference the core is proven against (networks, the five
// gradient engines, the online learner).
export { Network, initParams, cloneParams, type Params } from '../host/reference/network.ts';
export { Learner, type LearnerOptions } from '../host/reference/learner.ts';
export { defaultConfig, validateConfig, NEURON_DEFAULTS, type NetConfig, type NeuronKind, type EngineOptions } from '../host/reference/config.ts';
