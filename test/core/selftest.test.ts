// The boot self-test: a constant that firmware and host compare against.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { Core } from '../../host/core/core.ts';
import { Status } from '../../host/core/status.ts';
import { MCU_REF } from '../../host/core/config.ts';
import { repoRoot } from '../helpers.ts';
import { SELF_TEST_CHECKSUM } from '../core-facts.ts';


test('self-test checksum is the recorded constant', () => {
  assert.is(new Core().selfTest().toString(16), SELF_TEST_CHECKSUM.toString(16));
});

test('the debug build computes the same checksum', () => {
  const debug = new Core(readFileSync(path.join(repoRoot, 'build/core.debug.wasm')));
  assert.is(debug.selfTest(), SELF_TEST_CHECKSUM);
});

test('the phases chained in fresh instances give the same checksum; a bad phase is refused', () => {
  let crc = 0xffffffff | 0;
  for (let k = 0; k < 3; k++) {
    const core = new Core(); // a fresh instance per phase, as the WASM3 firmware runs them
    assert.is(core.x.self_test_phase(k, crc), Status.OK);
    crc = new Int32Array(core.x.memory.buffer, core.x.output_ptr(), 1)[0];
  }
  assert.is((~crc) >>> 0, SELF_TEST_CHECKSUM);
  const core = new Core().configure(MCU_REF);
  for (const k of [-1, 3, 2 ** 31 - 1]) assert.is(core.x.self_test_phase(k, 0), Status.E_ARG);
  assert.is(core.x.step(), Status.OK, 'a refused phase leaves the core as it was');
});

test('self-test is repeatable and leaves the core uninitialised', () => {
  const core = new Core();
  assert.is(core.selfTest(), core.selfTest());
  assert.is(core.x.step(), Status.E_NOT_INITIALISED);
});

test.run();
