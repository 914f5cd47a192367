// `deeptrace gradcheck` as a user runs it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assertUsageError, runCli } from '../helpers.ts';
import { bpttGradient } from '../../host/reference/engines/index.ts';
import { cosine } from '../../host/reference/gradient.ts';
import { Network } from '../../host/reference/network.ts';

test('--json prints the documented object', () => {
  const r = runCli(['gradcheck', '--neuron', 'alif', '--layers', '1,2', '--units', '5', '--steps', '30', '--seeds', '2', '--json']);
  assert.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.ok(Array.isArray(out.results));
  assert.is(out.results.length, 2 * 4);
  for (const row of out.results) {
    for (const k of ['neuron', 'layers', 'recurrent', 'leak', 'kappa', 'engine', 'cosine', 'cosineStd', 'normRatio', 'signAgreement']) assert.ok(k in row, k);
    assert.is(row.cosine.length, row.layers);
    assert.is(row.neuron, 'alif');
  }
  const rtrl = out.results.filter((r: { engine: string }) => r.engine === 'rtrl');
  for (const row of rtrl) for (const c of row.cosine) assert.ok(c > 0.9999);
});

test('--dump writes a case an independent implementation can recompute', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'deeptrace-'));
  const file = path.join(dir, 'case.json');
  const r = runCli(['gradcheck', '--neuron', 'rate', '--layers', '2', '--units', '4', '--steps', '20', '--seeds', '1', '--dump', file]);
  assert.is(r.code, 0, r.stderr);
  const c = JSON.parse(readFileSync(file, 'utf8'));
  for (const k of ['config', 'engineOptions', 'params', 'inputs', 'targets', 'gradients']) assert.ok(k in c, k);
  assert.equal(Object.keys(c.gradients).sort(), ['bptt', 'deep-fact', 'deep-full', 'eprop', 'rtrl']);
  assert.is(c.inputs.length, 20);
  // Recompute bptt from the dumped weights alone.
  const net = new Network(c.config, {
    theta: c.params.theta.map((t: number[]) => Float64Array.from(t)),
    V: Float64Array.from(c.params.V),
    c: Float64Array.from(c.params.c),
    B: Float64Array.from(c.params.B),
  });
  const g = bpttGradient(net, c.inputs, c.targets);
  g.theta.forEach((t, l) => assert.ok(cosine(t, c.gradients.bptt.theta[l]) > 0.999999));
  // The loss as a number, recomputed from the dump alone.
  assert.type(c.lossValue, 'number');
  const fresh = new Network(c.config, net.params);
  let e = 0;
  c.inputs.forEach((x: number[], t: number) => fresh.step(x).forEach((y, k) => (e += 0.5 * (y - c.targets[t][k]) ** 2)));
  assert.ok(e > 0 && Math.abs(e - c.lossValue) < 1e-9 * e, `${e} vs ${c.lossValue}`);
});

test('--dump-seed picks the seed whose case is dumped, and must be one of the --seeds', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'deeptrace-'));
  const file = path.join(dir, 'case.json');
  const r = runCli(['gradcheck', '--neuron', 'rate', '--layers', '1', '--units', '3', '--steps', '10', '--seeds', '3', '--dump', file, '--dump-seed', '2']);
  assert.is(r.code, 0, r.stderr);
  assert.is(JSON.parse(readFileSync(file, 'utf8')).config.seed, 2);
  const bad = runCli(['gradcheck', '--layers', '1', '--seeds', '2', '--dump', file, '--dump-seed', '3']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /--dump-seed must be in \[1, 2\]/);
});

test('--fixed compares the wasm core with the float64 engine of the same name', () => {
  const r = runCli(['gradcheck', '--fixed', '--layers', '1,2', '--units', '8', '--steps', '60', '--seeds', '2', '--json']);
  assert.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.is(out.fixed, true);
  assert.is(out.results.length, 2 * 3);
  for (const row of out.results) {
    assert.is(row.error, undefined);
    assert.is(row.cosine.length, row.layers);
    for (const c of row.cosine) assert.ok(c >= 0.99, `${row.engine} L=${row.layers}: ${c}`);
    // Free-running (no state copied): short and small enough here that no spike flips apart.
    assert.is(row.freeCosine.length, row.layers);
    for (const c of row.freeCosine) assert.ok(c >= 0.9 && c <= 1 + 1e-12, `${row.engine} L=${row.layers} free-running: ${c}`);
  }
  const big = runCli(['gradcheck', '--fixed', '--layers', '5']);
  assert.is(big.code, 2);
  assert.match(big.stderr, /--layers/);
});

test('--fixed --inputs 8 --units 32 checks the mcu-ref shape (inputs apart from the layer width)', () => {
  const r = runCli(['gradcheck', '--fixed', '--inputs', '8', '--units', '32', '--layers', '2', '--engines', 'deep-fact', '--steps', '80', '--seeds', '1']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /8 inputs, 32 units\/layer/);
  const j = runCli(['gradcheck', '--fixed', '--inputs', '8', '--units', '32', '--layers', '2', '--engines', 'deep-fact', '--steps', '80', '--seeds', '1', '--json']);
  for (const row of JSON.parse(j.stdout).results) for (const c of row.cosine) assert.ok(c >= 0.99, `${row.engine}: ${c}`);
});

for (const [args, option] of [
  [['--neuron', 'izhikevich'], '--neuron'],
  [['--inputs', '0'], '--inputs'],
  [['--layers', '0'], '--layers'],
  [['--units', '-3'], '--units'],
  [['--kappa', '1'], '--kappa'],
  [['--kappa', '-0.1'], '--kappa'],
  [['--engines', 'bptt,magic'], '--engines'],
] as const) {
  test(`bad option ${args.join(' ')}: one line naming ${option}, exit 2`, () => assertUsageError(['gradcheck', ...args], option));
}

test.run();
