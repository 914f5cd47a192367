// Core upload: anything wrong (bad CRC, short image, chunks out of order, no or a wrong signature,
// not wasm, no core exports, an import) is refused and the old core keeps answering; the debug
// build of the core (same self-test checksum) is swapped in between two steps with the state
// handed over, and the device says HELLO again. Every one-byte change of a signed image is
// refused by its signature before it is compiled. A signed core whose self-test never ends is
// refused after the time limit while the device answers HELLO and its watchdog fires; a signed
// core that traps on trial is reverted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { Core } from '../../host/core/core.ts';
import { MCU_SMALL } from '../../host/core/config.ts';
import { Status, crc32, type Envelope } from '../../host/protocol/index.ts';
import { checkImage } from '../../host/device/verify-core.ts';
import { TRIAL_STEPS } from '../../host/device/session.ts';
import { signImage } from '../../host/signing/signature.ts';
import { repoRoot } from '../helpers.ts';
import { TEST_KEYS, signTest } from '../test-key.ts';
import { configureMessage, is, rig as bareRig, sensorValues, type RawHost } from './harness.ts';
import { loopingSelfTest, trappingStep } from './bad-cores.ts';
import type { DeviceOptions } from '../../host/device/device.ts';
import { SELF_TEST_CHECKSUM } from '../core-facts.ts';

const CFG = MCU_SMALL;
const RELEASE = new Uint8Array(readFileSync(path.join(repoRoot, 'build/core.wasm')));
const DEBUG = readFileSync(path.join(repoRoot, 'build/core.debug.wasm'));
const EMPTY_WASM = Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
// type () -> (); import env.f of that type.
const IMPORTING_WASM = Uint8Array.of(...EMPTY_WASM, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x02, 0x09, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x01, 0x66, 0x00, 0x00);
const rig = (o: DeviceOptions = {}) => bareRig({ publicKey: TEST_KEYS.publicKey, ...o });

async function upload(host: RawHost, image: Uint8Array, opts: { crc?: number; chunk?: number; skip?: number; signature?: Uint8Array } = {}): Promise<number> {
  const signature = opts.signature ?? signTest(image);
  let st = await host.command({ type: 'CORE_UPLOAD_BEGIN', size: image.length, crc: opts.crc ?? crc32(image), signature });
  if (st !== Status.OK) return st;
  const size = opts.chunk ?? 1000;
  for (let o = 0; o < image.length; o += size) {
    if (o === opts.skip) continue;
    st = await host.command({ type: 'CORE_UPLOAD_CHUNK', offset: o, data: image.subarray(o, o + size) });
    if (st !== Status.OK) return st;
  }
  return host.command({ type: 'CORE_UPLOAD_END' });
}

async function running(host: RawHost, o: { watchdogMs?: number } = {}) {
  assert.is(await host.command(configureMessage(CFG, o)), Status.OK);
  assert.is(await host.command({ type: 'START' }), Status.OK);
  let k = 0;
  const step = async () => {
    host.send({ type: 'SENSOR_FRAME', step: k, values: sensorValues(k, CFG.nIn, CFG.nOut) });
    const got = await host.next((e) => (e.message.type === 'ACTUATOR_FRAME' && e.message.step === k) || (e.message.type === 'ERROR' && /trapped/.test(e.message.text)));
    if (got.message.type === 'ERROR') return got.message;
    k++;
    return got.message.type === 'ACTUATOR_FRAME' ? got.message.values : [];
  };
  return step;
}

test('the test modules are what they claim: valid wasm, one without exports, one with an import, the patched cores', () => {
  assert.is(WebAssembly.Module.exports(new WebAssembly.Module(EMPTY_WASM)).length, 0);
  assert.equal(WebAssembly.Module.imports(new WebAssembly.Module(IMPORTING_WASM)).map((i) => `${i.module}.${i.name}`), ['env.f']);
  assert.is(new Core(new WebAssembly.Module(DEBUG)).selfTest(), SELF_TEST_CHECKSUM);
  const trap = new Core(trappingStep(RELEASE));
  assert.is(trap.selfTest(), SELF_TEST_CHECKSUM, 'the trapping core passes its self-test');
  assert.throws(() => trap.x.step(), /unreachable/);
  assert.ok(WebAssembly.Module.exports(new WebAssembly.Module(loopingSelfTest(RELEASE) as Uint8Array<ArrayBuffer>)).some((e) => e.name === 'self_test'));
});

test('every one-byte change of a signed image is refused by its signature, before it is compiled (all positions)', () => {
  const sig = signTest(RELEASE);
  assert.ok(checkImage(RELEASE, sig, TEST_KEYS.publicKey).ok, 'the image as signed passes');
  const changed = new Uint8Array(RELEASE);
  for (let p = 0; p < RELEASE.length; p++) {
    const x = 1 + ((p * 37) % 255); // a different non-zero change at each position
    changed[p] ^= x;
    const r = checkImage(changed, sig, TEST_KEYS.publicKey);
    if (r.ok || r.status !== Status.E_UPLOAD_SIGNATURE) assert.unreachable(`byte ${p} ^ 0x${x.toString(16)}: ${r.ok ? 'accepted' : r.text}`);
    changed[p] ^= x;
  }
  // and every bit of the signature
  for (let b = 0; b < 64 * 8; b++) {
    const s = Uint8Array.from(sig);
    s[b >> 3] ^= 1 << (b & 7);
    assert.not.ok(checkImage(RELEASE, s, TEST_KEYS.publicKey).ok, `signature bit ${b}`);
  }
});

test('refused uploads: the reason is reported and the old core keeps answering as before', async () => {
  const { host, device } = rig();
  const ref = rig();
  const step = await running(host);
  const refStep = await running(ref.host);
  const core = device.session.core;
  const other = generateKeyPairSync('ed25519').privateKey;
  const flipped = Uint8Array.from(RELEASE);
  flipped[8236] ^= 0x70; // the byte of issue 13
  const cases: [string, () => Promise<number>, number, RegExp?][] = [
    ['bad CRC', () => upload(host, DEBUG, { crc: (crc32(DEBUG) ^ 1) >>> 0 }), Status.E_UPLOAD_CRC, /CRC-32/],
    ['missing chunk', () => upload(host, DEBUG, { skip: 2000 }), Status.E_UPLOAD_OFFSET],
    ['END before all bytes', async () => (await host.command({ type: 'CORE_UPLOAD_BEGIN', size: 100, crc: 0, signature: new Uint8Array(64) })) || host.command({ type: 'CORE_UPLOAD_END' }), Status.E_UPLOAD_SIZE],
    ['chunk without BEGIN', () => host.command({ type: 'CORE_UPLOAD_CHUNK', offset: 0, data: DEBUG.subarray(0, 10) }), Status.E_UPLOAD_NOT_STARTED],
    ['too large', () => host.command({ type: 'CORE_UPLOAD_BEGIN', size: 10_000_000, crc: 0, signature: new Uint8Array(64) }), Status.E_UPLOAD_SIZE],
    ['unsigned (zero signature)', () => upload(host, DEBUG, { signature: new Uint8Array(64) }), Status.E_UPLOAD_SIGNATURE, /signature does not verify/],
    ['signed with another key', () => upload(host, DEBUG, { signature: signImage(DEBUG, other) }), Status.E_UPLOAD_SIGNATURE, /signature does not verify/],
    ['one byte changed after signing', () => upload(host, flipped, { signature: signTest(RELEASE) }), Status.E_UPLOAD_SIGNATURE, /signature does not verify/],
    ['signature of another image', () => upload(host, DEBUG, { signature: signTest(RELEASE) }), Status.E_UPLOAD_SIGNATURE],
    ['not wasm', () => upload(host, new TextEncoder().encode('definitely not a core')), Status.E_UPLOAD_SELF_TEST, /not a valid WebAssembly/],
    ['no core exports', () => upload(host, EMPTY_WASM), Status.E_UPLOAD_SELF_TEST, /lacks the core export/],
    ['an import', () => upload(host, IMPORTING_WASM), Status.E_UPLOAD_SELF_TEST, /imports env\.f/],
  ];
  for (const [name, run, status, text] of cases) {
    host.drain();
    assert.is(await run(), status, name);
    if (text) {
      const e = (await host.next(is('ERROR'))).message;
      assert.ok(e.type === 'ERROR' && text.test(e.text), `${name}: ${JSON.stringify(e)}`);
    }
    assert.is(device.session.core, core, `${name}: same core`);
    assert.equal(await step(), await refStep(), `${name}: the old core answers as before`);
  }
  assert.is(host.drain().filter((e) => e.message.type === 'HELLO').length, 0, 'no new HELLO after a refusal');
});

test('a device without a public key refuses every upload, even a well signed one', async () => {
  const { host, device } = bareRig();
  await host.next(is('HELLO'));
  const core = device.session.core;
  assert.is(await upload(host, DEBUG), Status.E_UPLOAD_SIGNATURE);
  const e = (await host.next(is('ERROR'))).message;
  assert.ok(e.type === 'ERROR' && /no public key/.test(e.text), JSON.stringify(e));
  assert.is(device.session.core, core);
});

test('a good core is swapped in between two steps, state handed over, then a new HELLO with its checksum', async () => {
  const { host, device } = rig();
  const ref = rig();
  const step = await running(host);
  const refStep = await running(ref.host);
  for (let k = 0; k < 40; k++) assert.equal(await step(), await refStep());
  const old = device.session.core;
  host.drain();
  let swapped = 0;
  device.on('swap', () => swapped++);
  assert.is(await upload(host, DEBUG, { chunk: 1020 }), Status.OK);
  const hello = (await host.next(is('HELLO'))).message;
  assert.ok(hello.type === 'HELLO' && hello.selfTestChecksum === new Core(new WebAssembly.Module(DEBUG)).selfTest());
  assert.is(swapped, 1);
  assert.is.not(device.session.core, old);
  assert.ok(device.session.previous, 'on trial: the old core is kept');
  // Same version, same maths: the run goes on exactly as on the device that kept its core.
  for (let k = 0; k < TRIAL_STEPS + 5; k++) assert.equal(await step(), await refStep(), `step ${k} after the swap`);
  assert.is(device.session.previous, null, `confirmed after ${TRIAL_STEPS} steps`);
  // A repeated END (its ACK lost) is answered without a second swap.
  const seq = host.send({ type: 'CORE_UPLOAD_END' }, true);
  assert.is((await host.next((e) => e.message.type === 'ACK' && e.message.ackedSeq === seq)).message.type, 'ACK');
  assert.is(swapped, 1);
});

test('upload before any CONFIGURE: the new core just boots (nothing to hand over)', async () => {
  const { host, device } = rig();
  await host.next(is('HELLO'));
  assert.is(await upload(host, DEBUG), Status.OK);
  assert.is(((await host.next(is('HELLO'))).message as { selfTestChecksum: number }).selfTestChecksum, SELF_TEST_CHECKSUM);
  assert.is(device.session.cfg, null);
  assert.is(await host.command(configureMessage(CFG)), Status.OK);
});

test('a signed core whose self-test never ends: refused after the time limit; meanwhile HELLO is answered and the watchdog fires', async () => {
  const LIMIT_MS = 1000;
  const { host, device } = rig({ selfTestLimitMs: LIMIT_MS });
  const ref = rig();
  const step = await running(host, { watchdogMs: 100 });
  const refStep = await running(ref.host, { watchdogMs: 100 });
  for (let k = 0; k < 5; k++) assert.equal(await step(), await refStep());
  const core = device.session.core;
  const looping = loopingSelfTest(RELEASE);
  const order: string[] = [];
  host.link.on('message', (e: Envelope) => order.push(e.message.type === 'ERROR' ? `ERROR ${e.message.code}` : e.message.type));
  let watchdogs = 0;
  device.on('watchdog', () => watchdogs++);
  assert.is(await host.command({ type: 'CORE_UPLOAD_BEGIN', size: looping.length, crc: crc32(looping), signature: signTest(looping) }), Status.OK);
  for (let o = 0; o < looping.length; o += 1000) assert.is(await host.command({ type: 'CORE_UPLOAD_CHUNK', offset: o, data: looping.subarray(o, o + 1000) }), Status.OK);
  assert.equal(await step(), await refStep(), 'one more step: the watchdog is armed afresh');
  host.drain();
  order.length = 0;
  const t0 = performance.now();
  const endSeq = host.send({ type: 'CORE_UPLOAD_END' }, true);
  host.send({ type: 'HELLO', protocolVersion: 1, coreVersion: 0, selfTestChecksum: 0, name: 'test' });
  const hello = (await host.next(is('HELLO'))).message;
  assert.ok(hello.type === 'HELLO' && hello.selfTestChecksum === SELF_TEST_CHECKSUM, 'HELLO answered during the self-test');
  assert.is(host.send({ type: 'CORE_UPLOAD_END' }, true, endSeq), endSeq, 'a retransmitted END during the self-test');
  assert.is(await host.command({ type: 'CORE_UPLOAD_BEGIN', size: 10, crc: 0, signature: new Uint8Array(64) }), Status.E_BUSY, 'no new upload meanwhile');
  const ack = (await host.next((e) => e.message.type === 'ACK' && e.message.ackedSeq === endSeq, LIMIT_MS + 10_000)).message;
  const ms = performance.now() - t0;
  assert.ok(ack.type === 'ACK' && ack.status === Status.E_UPLOAD_SELF_TEST, JSON.stringify(ack));
  const why = order.find((t) => t === `ERROR ${Status.E_UPLOAD_SELF_TEST}`);
  assert.ok(why, `the refusal is explained; order: ${order.join(', ')}`);
  assert.is(watchdogs, 1, 'the watchdog fired while the self-test ran');
  const iHello = order.indexOf('HELLO');
  const iDog = order.indexOf(`ERROR ${Status.E_WATCHDOG}`);
  const iAck = order.lastIndexOf('ACK');
  assert.ok(iHello >= 0 && iDog >= 0 && iHello < iAck && iDog < iAck, `HELLO and E_WATCHDOG before END's ACK: ${order.join(', ')}`);
  assert.is(order.filter((t) => t === 'ACK').length, 2, "END answered once (the repeat waited for the first), BEGIN's E_BUSY once");
  assert.is(device.session.core, core, 'the old core runs on');
  host.drain();
  assert.equal(await step(), await refStep(), 'and answers as before');
  console.log(`  looping self-test refused after ${ms.toFixed(0)} ms (limit ${LIMIT_MS} ms + worker start)`);
});

test('a signed core that traps on trial is reverted: the last confirmed core answers again, with its state', async () => {
  const { host, device } = rig();
  const ref = rig();
  const step = await running(host);
  const refStep = await running(ref.host);
  for (let k = 0; k < 20; k++) assert.equal(await step(), await refStep());
  const core = device.session.core;
  let reverted = 0;
  device.on('revert', () => reverted++);
  assert.is(await upload(host, trappingStep(RELEASE)), Status.OK, 'it passes every check up to its first step');
  await host.next(is('HELLO'));
  const e = await step();
  assert.ok(!Array.isArray(e) && e.type === 'ERROR' && e.code === Status.E_UPLOAD_SELF_TEST && /trapped on trial.*reverted/.test(e.text), JSON.stringify(e));
  assert.is(reverted, 1);
  assert.is(device.session.core, core, 'the previous core is back');
  const hello = (await host.next(is('HELLO'))).message;
  assert.ok(hello.type === 'HELLO' && hello.selfTestChecksum === SELF_TEST_CHECKSUM);
  for (let k = 0; k < 20; k++) assert.equal(await step(), await refStep(), `step ${k} after the revert`);
});

test.run();
