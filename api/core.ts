// deeptrace/core: the fixed-point learner (build/core.wasm) behind its typed wrapper, its configs
// and status codes.
export { Core, CORE_WASM } from '../host/core/core.ts';
export { defaultCoreConfig, MCU_REF, MCU_SMALL, CORE_ENGINES, CORE_OPTIMIZERS, toBlock, referenceConfig, type CoreConfig, type CoreEngine, type CoreOptimizer } from '../host/core/config.ts';
export { Status, STATUS_MEANING } from '../host/core/status.ts';
