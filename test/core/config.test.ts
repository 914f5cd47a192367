// init(): every field range-checked, configs that do not fit refused, a refused init changes nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Core } from '../../host/core/core.ts';
import { MCU_REF, MCU_SMALL, toBlock, N_FIELDS, FIELD_NAMES, defaultCoreConfig } from '../../host/core/config.ts';
import { Status } from '../../host/core/status.ts';
import { inputs } from './setup.ts';

test('both reference configs initialise inside one 64 KiB page', () => {
  for (const cfg of [MCU_SMALL, MCU_REF]) {
    for (const interval of [0, 1]) {
      const core = new Core().configure({ ...cfg, interval });
      assert.ok(core.memoryUsed() <= 65536, `${core.memoryUsed()}`);
      assert.ok(core.stateBytes() > 0);
    }
  }
});

// One out-of-range value per field (and the edge just outside each bound).
const BAD: Record<string, number[]> = {
  neuron: [-1, 3], nIn: [0, 65], layers: [0, 5], 'units[0]': [0, 65], 'units[1]': [-1, 65], 'units[2]': [-1, 65], 'units[3]': [-1, 65],
  nOut: [0, 9], recurrent: [-1, 16], engine: [-1, 3], feedback: [-1, 2], a: [-1, 32768], thr: [0, 32768], gamma: [-1, 32768],
  beta: [-1, 32768], rho: [-1, 32768], kappa: [-1, 32768], lr: [-1], interval: [-1, 65536], clip: [0, 32768], optimizer: [-1, 2],
};

test('every field out of range gives -100 - field index', () => {
  const core = new Core();
  const good = toBlock(defaultCoreConfig());
  assert.is(core.initRaw(good), Status.OK);
  for (let f = 0; f < N_FIELDS; f++) {
    const name = FIELD_NAMES[f];
    if (name === 'seed') continue; // any 32-bit value is a seed
    const values = BAD[name];
    assert.ok(values, `no bad values listed for ${name}`);
    for (const v of values) {
      const b = good.slice();
      b[f] = v;
      assert.is(core.initRaw(b), -100 - f, `${name} = ${v}`);
    }
  }
});

test('row-RMS is refused (optimizer field) where it has no rows to run on, and the refusal changes nothing', () => {
  const core = new Core().configure({ ...MCU_REF, optimizer: 'row-rms' });
  const used = core.memoryUsed();
  const y0 = Array.from(core.step(inputs(1, 8)[0]));
  for (const bad of [
    { ...MCU_REF, optimizer: 'row-rms' as const, interval: 2 },
    { ...MCU_REF, optimizer: 'row-rms' as const, engine: 'deep-full' as const, units: [16, 16] },
    { ...MCU_REF, optimizer: 'row-rms' as const, neuron: 'alif' as const },
    { ...MCU_REF, optimizer: 'row-rms' as const, units: [16, 16, 16], recurrent: [true, true, true] },
  ]) {
    assert.is(core.initRaw(toBlock(bad)), -100 - FIELD_NAMES.indexOf('optimizer'), JSON.stringify({ engine: bad.engine, neuron: bad.neuron, interval: bad.interval, layers: bad.units.length }));
  }
  assert.is(core.memoryUsed(), used, 'layout unchanged');
  core.resetState();
  assert.equal(Array.from(core.step(inputs(1, 8)[0])), y0, 'the row-RMS net runs on as before');
});

test('a used layer of 0 units names that layer; unused layers are ignored', () => {
  const core = new Core();
  const b = toBlock(defaultCoreConfig({ units: [8, 8] }));
  b[4] = 0;
  assert.is(core.initRaw(b), -100 - 4);
  const c = toBlock(defaultCoreConfig({ units: [8] }));
  c[4] = 0;
  assert.is(core.initRaw(c), Status.OK);
});

test('memory_limit above the page grows the memory: deep-full on 2x32 (the mcu-ref shape) fits in 4 pages', () => {
  const cfg = { ...MCU_REF, engine: 'deep-full' as const };
  const core = new Core();
  assert.is(core.initRaw(toBlock(cfg)), Status.E_TOO_LARGE, 'does not fit one page');
  assert.is(core.memoryLimit(4 * 65536), 4 * 65536);
  assert.is(core.x.memory.buffer.byteLength, 4 * 65536);
  core.configure(cfg).initWeights();
  assert.ok(core.memoryUsed() > 65536 && core.memoryUsed() <= 4 * 65536, `${core.memoryUsed()}`);
  for (let t = 0; t < 50; t++) {
    const y = core.step(Array.from({ length: cfg.nIn }, (_, i) => ((t + i) % 4 === 0 ? 1 : 0)));
    assert.ok(y.every(Number.isFinite));
    core.learn([0.1, -0.1]);
  }
  // Lowering the limit below the running net is refused; the memory never shrinks.
  assert.is(core.x.memory_limit(65536), Status.E_TOO_LARGE);
  // The largest net still does not fit the module's maximum.
  const huge = toBlock(defaultCoreConfig({ nIn: 64, units: [64, 64, 64, 64], nOut: 8, engine: 'deep-full', interval: 0 }));
  assert.is(core.initRaw(huge), Status.E_TOO_LARGE);
});

test('a net too large for the page is refused with E_TOO_LARGE', () => {
  const core = new Core();
  const cfg = defaultCoreConfig({ nIn: 64, units: [64, 64, 64, 64], nOut: 8, engine: 'deep-full', interval: 0 });
  assert.is(core.initRaw(toBlock(cfg)), Status.E_TOO_LARGE);
});

test('memory_limit: a smaller backed memory shrinks the staging area and refuses nets that do not fit', () => {
  const core = new Core();
  const x = core.x;
  assert.is(x.memory_limit(0), 65536);
  for (const bad of [-16, 1, 4 * 65536 + 16, 65544, x.static_bytes(), 16392]) assert.is(x.memory_limit(bad), Status.E_ARG, `${bad}`);
  assert.is(x.memory.buffer.byteLength, 65536, 'a refused limit grows nothing');
  const sizes = [MCU_SMALL, MCU_REF].map((c) => new Core().configure(c).memoryUsed());
  const [small, large] = sizes[0] < sizes[1] ? [MCU_SMALL, MCU_REF] : [MCU_REF, MCU_SMALL];
  core.configure(small);
  const used = core.memoryUsed();
  assert.ok(Math.max(...sizes) > ((used + 15 + 1024) & ~15), 'the larger net must not fit the limit below');
  const cap = x.staging_capacity();
  const limit = (used + 15 + 1024) & ~15;
  assert.is(x.memory_limit(limit), limit);
  assert.is(x.staging_capacity(), cap - (65536 - limit));
  // Below the running net: refused, limit unchanged.
  assert.is(x.memory_limit((used - 16) & ~15), Status.E_TOO_LARGE);
  assert.is(x.memory_limit(0), limit);
  // A net larger than the limit is refused by init, and the running one keeps working.
  assert.is(core.initRaw(toBlock(large)), Status.E_TOO_LARGE);
  assert.is(x.memory_limit(0), limit);
  assert.is(core.memoryUsed(), used);
  assert.is(x.memory_limit(65536), 65536);
  assert.is(core.initRaw(toBlock(large)), 0);
});

test('ALIF with deep-full needs twice the cross-depth memory of LIF', () => {
  const lif = new Core().configure(defaultCoreConfig({ neuron: 'lif', engine: 'deep-full', units: [8, 8] }));
  const alif = new Core().configure(defaultCoreConfig({ neuron: 'alif', engine: 'deep-full', units: [8, 8] }));
  // E^{2,1}: 8 x 8 x (4 + 8 + 1) values, one more component each for ALIF, plus the adaptation arrays.
  assert.ok(alif.stateBytes() - lif.stateBytes() >= 8 * 8 * 13 * 4, `${alif.stateBytes()} vs ${lif.stateBytes()}`);
});

test('calls before init return E_NOT_INITIALISED', () => {
  const x = new Core().x;
  for (const r of [x.step(), x.learn(), x.reset_state(), x.snapshot_save(), x.memory_used(), x.init_weights(1, 1, 1), x.layer_ptr(0, 0)]) assert.is(r, Status.E_NOT_INITIALISED);
});

test('a refused init leaves the running net untouched', () => {
  const cfg = defaultCoreConfig({ interval: 1, lr: 1e-3 });
  const a = new Core().configure(cfg).initWeights();
  const b = new Core().configure(cfg).initWeights();
  const xs = inputs(60, cfg.nIn);
  for (const x of xs.slice(0, 30)) {
    a.step(x); a.learn([0.1, -0.2]);
    b.step(x); b.learn([0.1, -0.2]);
  }
  const bad = toBlock(cfg);
  bad[1] = 0;
  assert.is(a.initRaw(bad), -101);
  const huge = toBlock(defaultCoreConfig({ nIn: 64, units: [64, 64, 64, 64], nOut: 8, engine: 'deep-full', interval: 0 }));
  assert.is(a.initRaw(huge), Status.E_TOO_LARGE);
  for (const x of xs.slice(30)) assert.equal(Array.from(a.step(x)), Array.from(b.step(x)));
});

test('bad init_weights amplitudes and layer indices are refused', () => {
  const core = new Core().configure(defaultCoreConfig());
  assert.is(core.x.init_weights(-1, 0, 0), Status.E_ARG);
  assert.is(core.x.layer_ptr(2, 0), Status.E_ARG);
  assert.is(core.x.layer_ptr(0, 9), Status.E_ARG);
  assert.is(core.x.readout_ptr(9), Status.E_ARG);
});

test('online SGD keeps V and c in Q28; setParams clears the residuals, and only online configs have them', () => {
  const core = new Core().configure(MCU_REF).initWeights();
  const nL = MCU_REF.units[MCU_REF.units.length - 1];
  const residuals = () => {
    const m = new Int16Array(core.x.memory.buffer);
    const v = core.x.readout_ptr(6) >> 1, c = core.x.readout_ptr(7) >> 1;
    return [...m.subarray(v, v + MCU_REF.nOut * nL), ...m.subarray(c, c + MCU_REF.nOut)];
  };
  const params = core.getParams();
  for (const x of inputs(200, MCU_REF.nIn)) {
    const y = core.step(x);
    core.learn(Array.from(y, (v) => v - 0.3));
  }
  assert.ok(residuals().some((r) => r !== 0), 'learning moved V by less than a Q12 step');
  core.setParams(params);
  assert.ok(residuals().every((r) => r === 0), 'setParams left stale residuals');
  assert.equal(core.getParams().V, params.V);
  const acc = new Core().configure({ ...MCU_REF, interval: 10 });
  assert.is(acc.x.readout_ptr(6), 0);
  assert.is(acc.x.readout_ptr(7), 0);
});

test.run();
