// (b) Your own uvu test: a controller of yours on a simulated plant and scenario, compared with PD.
//   npx uvu . controller.test.mjs   (or: node controller.test.mjs)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TASKS, SCENARIOS, pdController, networkController, networkConfig, runTracking, rms, phasesFor } from 'deeptrace/loop';

const task = TASKS.arm2;
const phases = phasesFor(40); // warm-up 10 s, the payload doubles at 20 s, end 40 s

function runOn(controller) {
  const trace = runTracking(task, controller, SCENARIOS.payload, phases, 1);
  return { before: rms(trace.error, trace.dt, phases.warmup, phases.change), after: rms(trace.error, trace.dt, phases.change, phases.end) };
}

test('the online learner beats PD alone before and after the payload change', () => {
  const pd = runOn(pdController(task));
  const learner = runOn(networkController(task, networkConfig(task, 'deep-fact', 1), 'mine'));
  assert.ok(learner.before < 0.5 * pd.before, `before: ${learner.before} vs ${pd.before}`);
  assert.ok(learner.after < 0.5 * pd.after, `after: ${learner.after} vs ${pd.after}`);
});

test.run();
