// Event-driven rows (assembly/rows.ts): weight updates land lazily, sync() makes them current, and
// no synapse loop multiplies in i64.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Core } from '../../host/core/core.ts';
import { MCU_REF } from '../../host/core/config.ts';
import { makeCore, Workload } from '../../bench/workload.ts';
import { instrument, InstructionCounter } from '../../bench/instrument.ts';
import { repoRoot } from '../helpers.ts';

function run(core: Core, w: Workload, from: number, steps: number): void {
  for (let t = from; t < from + steps; t++) core.learn(w.error(t, core.step(w.input(t))));
}

function weights(core: Core): Int16Array {
  const p = core.x.layer_ptr(0, 0);
  return new Int16Array(core.x.memory.buffer, p, 32 * (8 + 32 + 1)).slice();
}

test('weights move only when rows are brought up to date; sync() applies what is pending', () => {
  const w = new Workload(MCU_REF);
  const core = makeCore(MCU_REF);
  run(core, w, 0, 200);
  assert.is(core.x.sync(), 0);
  const before = weights(core);
  run(core, w, 200, 1);
  const lazy = weights(core);
  assert.is(core.x.sync(), 0);
  const synced = weights(core);
  const changed = (a: Int16Array, b: Int16Array) => a.reduce((n, v, i) => n + (v !== b[i] ? 1 : 0), 0);
  assert.ok(changed(before, synced) > changed(before, lazy), `sync applied nothing pending (${changed(before, lazy)} vs ${changed(before, synced)})`);
  // A second sync has nothing left to apply.
  assert.is(core.x.sync(), 0);
  assert.equal(weights(core), synced);
});

test('reset_state applies the pending updates before it clears the traces', () => {
  const w = new Workload(MCU_REF);
  const a = makeCore(MCU_REF);
  const b = makeCore(MCU_REF);
  run(a, w, 0, 150);
  run(b, w, 0, 150);
  a.resetState();
  b.x.sync();
  assert.equal(weights(a), weights(b));
});

test('an mcu-ref learning step multiplies in i64 only per unit or row, never per synapse', () => {
  const synapses = 32 * (8 + 32 + 1) + 32 * (32 + 32 + 1) + 2 * 32;
  const wasm = readFileSync(path.join(repoRoot, 'build/core.wasm'));
  const core = makeCore(MCU_REF, instrument(wasm).binary);
  const counter = new InstructionCounter(core.x as unknown as WebAssembly.Exports);
  const w = new Workload(MCU_REF);
  run(core, w, 0, 200);
  const c = counter.measureAll(() => run(core, w, 200, 300));
  const perStep = c.i64mul / 300;
  // One synapse loop in i64 would add thousands per step (even over active rows only, hundreds).
  assert.ok(perStep < 0.1 * synapses, `${perStep.toFixed(0)} i64 multiplies per step for ${synapses} synapses`);
});

test.run();
