// Forward-model learning: the network learns to predict the next sensor reading (error =
// prediction - measurement) through the same learn(error) call of the wasm core.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../helpers.ts';

test('deeptrace run --mode forward-model: the online model predicts better than "no change" and than the frozen model', () => {
  const r = runCli(['run', '--mode', 'forward-model', '--seconds', '30', '--json', '--no-report']);
  assert.is(r.code, 0, r.stderr);
  const t = JSON.parse(r.stdout);
  assert.is(t.mode, 'forward-model');
  const [none, frozen, online] = t.rows;
  assert.match(none.controller, /no model/);
  assert.ok(online.rmsBefore < 0.5 * none.rmsBefore, `online ${online.rmsBefore} vs no model ${none.rmsBefore}`);
  assert.ok(online.rmsAfter < 0.5 * none.rmsAfter);
  assert.ok(online.rmsAfter < frozen.rmsAfter);
});

test.run();
