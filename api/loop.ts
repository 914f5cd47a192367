// deeptrace/loop: closed-loop tracking against a simulated plant: tasks, scenarios, controllers
// (PD, the online learner, the frozen net, Slotine-Li, the RLS baseline), the runner and its metrics.
export { TASKS, arm2Task, taskFor, REFERENCE_KINDS, type Controller, type TrackingTask, type ReferenceKind } from '../sims/loop/task.ts';
export { SCENARIOS, SCENARIO_NAMES, type Scenario } from '../sims/loop/scenarios.ts';
export { pdController, networkController, networkConfig, rlsFeedforwardController, type NetworkController } from '../sims/loop/controllers.ts';
export { runTracking, TrackingLoop, type Trace, type RunHooks } from '../sims/loop/runner.ts';
export { rms, recoveryTime, type Phases } from '../sims/loop/metrics.ts';
export { runDemo, phasesFor, demoControllerNames, type DemoOptions, type DemoResult, type DemoRow } from '../sims/loop/demo.ts';
