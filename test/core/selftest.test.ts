// The boot self-test: a constant that firmware and host compare against.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { Core } from '../../host/core/core.ts';
import { Status } from '../../host/core/status.ts';
import { repoRoot } from '../helpers.ts';
import { SELF_TEST_CHECKSUM } from '../core-facts.ts';


test('self-test checksum is the recorded constant', () => {
  assert.is(new Core().selfTest().toString(16), SELF_TEST_CHECKSUM.toString(16));
});

test('the debug build computes the same checksum', () => {
  const debug = new Core(readFileSync(path.join(repoRoot, 'build/core.debug.wasm')));
  assert.is(debug.selfTest(), SELF_TEST_CHECKSUM);
});

test('self-test is repeatable and leaves the core uninitialised', () => {
  const core = new Core();
  assert.is(core.selfTest(), core.selfTest());
  assert.is(core.x.step(), Status.E_NOT_INITIALISED);
});

test.run();
