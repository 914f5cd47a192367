// Snapshots: bit-exact continuation, and refusal of anything corrupt or foreign with the state intact.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Core } from '../../host/core/core.ts';
import { defaultCoreConfig, MCU_REF, type CoreConfig } from '../../host/core/config.ts';
import { Status } from '../../host/core/status.ts';
import { crc32 } from '../../host/protocol/crc.ts';
import { inputs } from './setup.ts';

const CFG: CoreConfig = defaultCoreConfig({ units: [16, 16], engine: 'deep-fact', interval: 1, lr: 1e-3 });

function drive(core: Core, xs: Float64Array[]): number[][] {
  return xs.map((x, t) => {
    const y = Array.from(core.step(x));
    core.learn(y.map((v, k) => v - Math.sin(t / (10 + k))));
    return y;
  });
}

function stateBytes(core: Core): Uint8Array {
  const p = core.x.snapshot_ptr() + 32;
  return core.bytes.slice(p, p + core.stateBytes());
}

test('export, then import into a fresh core, reproduces the next 1000 steps bit for bit', () => {
  const xs = inputs(1200, CFG.nIn, 9);
  const a = new Core().configure(CFG).initWeights();
  drive(a, xs.slice(0, 200));
  const snap = a.saveSnapshot();
  const after = drive(a, xs.slice(200));
  const b = new Core().configure(CFG);
  assert.is(b.loadSnapshot(snap), Status.OK);
  assert.equal(drive(b, xs.slice(200)), after);
  assert.equal(stateBytes(b), stateBytes(a));
  // And rewinding the same core works too.
  assert.is(a.loadSnapshot(snap), Status.OK);
  assert.equal(drive(a, xs.slice(200)), after);
});

test('row-RMS: the optimiser statistics travel in the snapshot and survive reset_state (bit-exact continuation)', () => {
  const cfg: CoreConfig = { ...CFG, optimizer: 'row-rms', lr: 1e-5 };
  const xs = inputs(1200, cfg.nIn, 9);
  const a = new Core().configure(cfg).initWeights();
  drive(a, xs.slice(0, 200));
  const snap = a.saveSnapshot();
  const after = drive(a, xs.slice(200));
  const b = new Core().configure(cfg);
  assert.is(b.loadSnapshot(snap), Status.OK);
  assert.equal(drive(b, xs.slice(200)), after);
  assert.equal(stateBytes(b), stateBytes(a));
  // reset_state keeps what the optimiser has learned of the gradients. The optimiser block follows
  // the PRNG word at the start of the state (assembly/layout.ts): learn count, 12 B per hidden row,
  // the readout's R (4 B per output), w_R, and 12 B per readout column.
  const blockLen = 4 + cfg.units.reduce((n, u) => n + 12 * u, 0) + 4 * cfg.nOut + 4 + 12 * (cfg.units[cfg.units.length - 1] + 1);
  const block = (snapshot: Uint8Array) => Array.from(snapshot.slice(32 + 4, 32 + 4 + blockLen));
  const pre = b.saveSnapshot();
  b.resetState();
  const post = b.saveSnapshot();
  assert.ok(block(pre).some((v) => v !== 0), 'the optimiser block holds statistics');
  assert.equal(block(post), block(pre), 'reset_state leaves the optimiser block as it was');
  assert.not.equal(Array.from(post.slice(32 + 4 + blockLen)), Array.from(pre.slice(32 + 4 + blockLen)), 'reset_state cleared the rest');
});

test('the snapshot CRC is the standard CRC-32 (checked with the crc-32 package)', () => {
  const core = new Core().configure(CFG).initWeights();
  const snap = core.saveSnapshot();
  const view = new DataView(snap.buffer, snap.byteOffset);
  const body = new Uint8Array(snap.length - 4);
  body.set(snap.subarray(0, 28));
  body.set(snap.subarray(32), 28);
  assert.is(view.getUint32(28, true), crc32(body));
});

test('flipping any single byte makes import fail and leaves the net untouched', () => {
  const cfg = defaultCoreConfig({ nIn: 2, units: [4], nOut: 1, recurrent: [true], engine: 'eprop', interval: 1 });
  const core = new Core().configure(cfg).initWeights();
  const twin = new Core().configure(cfg).initWeights();
  const xs = inputs(50, cfg.nIn, 4);
  drive(core, xs.slice(0, 20));
  drive(twin, xs.slice(0, 20));
  const snap = core.saveSnapshot();
  drive(core, xs.slice(20, 30));
  drive(twin, xs.slice(20, 30));
  const before = stateBytes(core);
  assert.ok(snap.length > 100);
  for (let i = 0; i < snap.length; i++) {
    for (const mask of [0x01, 0x80, 0xff]) {
      const bad = snap.slice();
      bad[i] ^= mask;
      const r = core.loadSnapshot(bad);
      assert.ok(r < 0, `byte ${i} ^ ${mask} was accepted`);
    }
  }
  assert.equal(stateBytes(core), before);
  assert.equal(drive(core, xs.slice(30)), drive(twin, xs.slice(30)));
});

test('a snapshot of another config, format or length is refused with its own code', () => {
  const a = new Core().configure(CFG).initWeights();
  const snap = a.saveSnapshot();
  const other = new Core().configure({ ...CFG, lr: 2e-3 });
  assert.is(other.loadSnapshot(snap), Status.E_SNAPSHOT_CONFIG);
  const resign = (s: Uint8Array) => {
    const body = new Uint8Array(s.length - 4);
    body.set(s.subarray(0, 28));
    body.set(s.subarray(32), 28);
    new DataView(s.buffer, s.byteOffset).setUint32(28, crc32(body), true);
    return s;
  };
  const v = snap.slice();
  new DataView(v.buffer).setUint32(4, 2, true);
  assert.is(a.loadSnapshot(resign(v)), Status.E_SNAPSHOT_VERSION);
  const m = snap.slice();
  m[0] = 0x58;
  assert.is(a.loadSnapshot(resign(m)), Status.E_SNAPSHOT_MAGIC);
  assert.is(a.loadSnapshot(snap.subarray(0, snap.length - 4)), Status.E_SNAPSHOT_SIZE);
  assert.is(a.loadSnapshot(new Uint8Array(10)), Status.E_SNAPSHOT_SIZE);
  assert.is(a.loadSnapshot(snap), Status.OK);
});

test('a snapshot larger than the staging area streams in two passes (verify, then apply)', () => {
  const cfg = { ...MCU_REF, interval: 0, lr: 0 };
  const xs = inputs(400, cfg.nIn, 5);
  const a = new Core().configure(cfg).initWeights();
  drive(a, xs.slice(0, 100));
  const snap = a.saveSnapshot();
  assert.ok(snap.length > a.x.staging_capacity(), 'this config cannot stage its snapshot in one piece');
  assert.is(a.x.snapshot_load(snap.length), Status.E_NO_ROOM);
  const after = drive(a, xs.slice(100));
  const b = new Core().configure(cfg);
  assert.is(b.loadSnapshot(snap), Status.OK);
  assert.equal(drive(b, xs.slice(100)), after);
  assert.equal(stateBytes(b), stateBytes(a));
});

test('streaming: corrupt bytes are refused in the verify pass with the state intact; apply needs a verify', () => {
  const cfg = { ...MCU_REF, interval: 0, lr: 0 };
  const core = new Core().configure(cfg).initWeights();
  const xs = inputs(60, cfg.nIn, 6);
  drive(core, xs.slice(0, 30));
  const snap = core.saveSnapshot();
  drive(core, xs.slice(30, 40));
  const before = stateBytes(core);
  for (let k = 0; k < 40; k++) {
    const bad = snap.slice();
    bad[(k * 7919) % snap.length] ^= 1 << (k % 8);
    assert.ok(core.loadSnapshot(bad) < 0);
  }
  assert.equal(stateBytes(core), before);
  // Apply without a verify of the same stream first is refused and writes nothing.
  assert.is(core.x.snapshot_begin(snap.length, 1), Status.E_ARG);
  assert.is(core.x.snapshot_begin(snap.length + 4, 0), Status.E_SNAPSHOT_SIZE);
  assert.equal(stateBytes(core), before);
});

test('streaming: bytes that change between verify and apply clear the state and say so', () => {
  const cfg = { ...MCU_REF, interval: 0, lr: 0 };
  const core = new Core().configure(cfg).initWeights();
  const snap = core.saveSnapshot();
  const cap = core.x.staging_capacity();
  const pass = (bytes: Uint8Array, apply: number) => {
    assert.is(core.x.snapshot_begin(bytes.length, apply), Status.OK);
    for (let off = 0; off < bytes.length; off += cap) {
      const part = bytes.subarray(off, Math.min(bytes.length, off + cap));
      core.bytes.set(part, core.x.staging_ptr());
      assert.is(core.x.snapshot_chunk(part.length), Status.OK);
    }
    return core.x.snapshot_end();
  };
  assert.is(pass(snap, 0), Status.OK);
  const other = snap.slice();
  other[snap.length - 1] ^= 0xff;
  assert.is(pass(other, 1), Status.E_SNAPSHOT_CRC);
  assert.ok(stateBytes(core).slice(4).every((b) => b === 0), 'state cleared (weights zero), PRNG kept');
});

test.run();
