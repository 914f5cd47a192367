// Core upload: anything wrong (bad CRC, short image, chunks out of order, not wasm, no core exports,
// an import) is refused and the old core keeps answering; the debug build of the core (same
// self-test checksum) is swapped in between two steps with the state handed over, and the device
// says HELLO again.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Core } from '../../host/core/core.ts';
import { MCU_SMALL } from '../../host/core/config.ts';
import { Status, crc32 } from '../../host/protocol/index.ts';
import { repoRoot } from '../helpers.ts';
import { configureMessage, is, rig, sensorValues, type RawHost } from './harness.ts';

const CFG = MCU_SMALL;
const DEBUG = readFileSync(path.join(repoRoot, 'build/core.debug.wasm'));
const EMPTY_WASM = Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
// type () -> (); import env.f of that type.
const IMPORTING_WASM = Uint8Array.of(...EMPTY_WASM, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x02, 0x09, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x01, 0x66, 0x00, 0x00);

async function upload(host: RawHost, image: Uint8Array, opts: { crc?: number; chunk?: number; skip?: number } = {}): Promise<number> {
  let st = await host.command({ type: 'CORE_UPLOAD_BEGIN', size: image.length, crc: opts.crc ?? crc32(image) });
  if (st !== Status.OK) return st;
  const size = opts.chunk ?? 1000;
  for (let o = 0; o < image.length; o += size) {
    if (o === opts.skip) continue;
    st = await host.command({ type: 'CORE_UPLOAD_CHUNK', offset: o, data: image.subarray(o, o + size) });
    if (st !== Status.OK) return st;
  }
  return host.command({ type: 'CORE_UPLOAD_END' });
}

async function running(host: RawHost) {
  assert.is(await host.command(configureMessage(CFG)), Status.OK);
  assert.is(await host.command({ type: 'START' }), Status.OK);
  let k = 0;
  const step = async () => {
    host.send({ type: 'SENSOR_FRAME', step: k, values: sensorValues(k, CFG.nIn, CFG.nOut) });
    k++;
    const a = (await host.next(is('ACTUATOR_FRAME'))).message;
    return a.type === 'ACTUATOR_FRAME' ? a.values : [];
  };
  return step;
}

test('the test modules are what they claim: valid wasm, one without exports, one with an import', () => {
  assert.is(WebAssembly.Module.exports(new WebAssembly.Module(EMPTY_WASM)).length, 0);
  assert.equal(WebAssembly.Module.imports(new WebAssembly.Module(IMPORTING_WASM)).map((i) => `${i.module}.${i.name}`), ['env.f']);
  assert.is(new Core(new WebAssembly.Module(DEBUG)).selfTest(), 0xede190be);
});

test('refused uploads: the reason is reported and the old core keeps answering as before', async () => {
  const { host, device } = rig();
  const ref = rig();
  const step = await running(host);
  const refStep = await running(ref.host);
  const core = device.session.core;
  const cases: [string, () => Promise<number>, number, RegExp?][] = [
    ['bad CRC', () => upload(host, DEBUG, { crc: (crc32(DEBUG) ^ 1) >>> 0 }), Status.E_UPLOAD_CRC, /CRC-32/],
    ['missing chunk', () => upload(host, DEBUG, { skip: 2000 }), Status.E_UPLOAD_OFFSET],
    ['END before all bytes', async () => (await host.command({ type: 'CORE_UPLOAD_BEGIN', size: 100, crc: 0 })) || host.command({ type: 'CORE_UPLOAD_END' }), Status.E_UPLOAD_SIZE],
    ['chunk without BEGIN', () => host.command({ type: 'CORE_UPLOAD_CHUNK', offset: 0, data: DEBUG.subarray(0, 10) }), Status.E_UPLOAD_NOT_STARTED],
    ['too large', () => host.command({ type: 'CORE_UPLOAD_BEGIN', size: 10_000_000, crc: 0 }), Status.E_UPLOAD_SIZE],
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
  // Same version, same maths: the run goes on exactly as on the device that kept its core.
  for (let k = 0; k < 40; k++) assert.equal(await step(), await refStep(), `step ${k} after the swap`);
  // A repeated END (its ACK lost) is answered without a second swap.
  const seq = host.send({ type: 'CORE_UPLOAD_END' }, true);
  assert.is((await host.next((e) => e.message.type === 'ACK' && e.message.ackedSeq === seq)).message.type, 'ACK');
});

test('upload before any CONFIGURE: the new core just boots (nothing to hand over)', async () => {
  const { host, device } = rig();
  await host.next(is('HELLO'));
  assert.is(await upload(host, DEBUG), Status.OK);
  assert.is(((await host.next(is('HELLO'))).message as { selfTestChecksum: number }).selfTestChecksum, 0xede190be);
  assert.is(device.session.cfg, null);
  assert.is(await host.command(configureMessage(CFG)), Status.OK);
});

test.run();
