// CORE_UPLOAD on the session (docs/protocol.md section 9), run natively: `make native-upload` is
// the AOT firmware with the session's upload path on and a test double for the loader that
// accepts exactly its own core.wasm (firmware/src/dt_core_aot.c). What is tested is the session:
// chunk order and size, CRC, the image check (no imports), the self-test, the state hand-over by
// snapshot, storage, the swap and the new HELLO, and that every failure leaves the old core running.
// Signatures are real: the firmware checks them with libsodium against the key of this build
// (build/core-signing.pub.pem, compiled in), so the images are signed as the build signs them.
// Real uploads need the WASM3 backend, which is not built here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { haveFile, haveTool, repoRoot } from '../helpers.ts';
import { Core } from '../../host/core/core.ts';
import { Status } from '../../host/protocol/codes.ts';
import { crc32 } from '../../host/protocol/crc.ts';
import { Client, PtyDevice, configurePayload, fwBuild, make } from './harness.ts';
import { AMP, Mirror, loopConfig, runLoop } from './closed-loop.ts';
import { loadSigningKey, signImage } from '../../host/signing/index.ts';

const ok = haveFile('/usr/include/sodium.h', 'libsodium-dev', 'the firmware checks core signatures with libsodium') && haveTool('cc', 'the native firmware is built with the C compiler') && haveTool('wasm2c', 'the AOT core comes from wasm2c (Debian wabt)') && haveTool('socat', 'the firmware talks over a socat pty pair');
const binary = path.join(fwBuild, 'native-upload', 'dt_fw');
const store = path.join(fwBuild, 'test-upload-store');

const NO_SIG = new Uint8Array(64);
/** Signed with the build's key (the one the firmware was provisioned with by make). */
const sign = (image: Uint8Array) => signImage(image, loadSigningKey().key);

async function upload(c: Client, image: Uint8Array, crc = crc32(image), chunk = 1000, signature = sign(image)): Promise<number> {
  const st = await c.command({ type: 'CORE_UPLOAD_BEGIN', size: image.length, crc, signature });
  if (st !== Status.OK) return st;
  for (let off = 0; off < image.length; off += chunk) {
    const s = await c.command({ type: 'CORE_UPLOAD_CHUNK', offset: off, data: image.subarray(off, off + chunk) });
    if (s !== Status.OK) return s;
  }
  return c.command({ type: 'CORE_UPLOAD_END' }, 5000);
}

async function snapshot(c: Client): Promise<Buffer> {
  c.send({ type: 'SNAPSHOT_GET' });
  const first = await c.next('SNAPSHOT_DATA');
  const parts = [Buffer.from(first.data)];
  while (parts.reduce((s, p) => s + p.length, 0) < first.total) parts.push(Buffer.from((await c.next('SNAPSHOT_DATA')).data));
  return Buffer.concat(parts);
}

if (ok) {
  test('CORE_UPLOAD: refusals keep the old core; a good image is verified, stored and swapped in with the learned state', async () => {
    make('native-upload');
    spawnSync('rm', ['-rf', store]);
    spawnSync('mkdir', ['-p', store]);
    const image = new Uint8Array(readFileSync(path.join(repoRoot, 'build', 'core.wasm')));
    const dev = new PtyDevice(binary, ['--store', store]);
    await dev.start();
    const c = await Client.open(dev.hostPath);
    try {
      const h0 = await c.hello();
      await c.ok({ type: 'CONFIGURE', config: configurePayload(loopConfig, { amp: AMP }) });
      await c.ok({ type: 'START' });
      await runLoop(0.5, c);
      const before = await snapshot(c);

      assert.is(await c.command({ type: 'CORE_UPLOAD_CHUNK', offset: 0, data: image.subarray(0, 10) }), Status.E_UPLOAD_NOT_STARTED);
      assert.is(await c.command({ type: 'CORE_UPLOAD_END' }), Status.E_UPLOAD_NOT_STARTED);
      assert.is(await c.command({ type: 'CORE_UPLOAD_BEGIN', size: 0, crc: 0, signature: NO_SIG }), Status.E_UPLOAD_SIZE);
      assert.is(await c.command({ type: 'CORE_UPLOAD_BEGIN', size: 1 << 20, crc: 0, signature: NO_SIG }), Status.E_UPLOAD_SIZE, 'larger than the buffer');
      await c.ok({ type: 'CORE_UPLOAD_BEGIN', size: image.length, crc: crc32(image), signature: sign(image) });
      assert.is(await c.command({ type: 'CORE_UPLOAD_CHUNK', offset: 10, data: image.subarray(10, 20) }), Status.E_UPLOAD_OFFSET);
      await c.ok({ type: 'CORE_UPLOAD_CHUNK', offset: 0, data: image.subarray(0, 100) });
      assert.is(await c.command({ type: 'CORE_UPLOAD_END' }), Status.E_UPLOAD_SIZE, 'END before all bytes');
      assert.is(await upload(c, image, (crc32(image) ^ 1) >>> 0), Status.E_UPLOAD_CRC);
      const withImport = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 2, 7, 1, 1, 0x6d, 1, 0x66, 0, 0]);
      assert.is(await upload(c, withImport), Status.E_UPLOAD_SELF_TEST, 'an image with an import');
      const changed = Uint8Array.from(image);
      changed[changed.length - 40] ^= 0x01;
      assert.is(await upload(c, image, undefined, undefined, NO_SIG), Status.E_UPLOAD_SIGNATURE, 'unsigned');
      assert.is(await upload(c, changed, undefined, undefined, sign(image)), Status.E_UPLOAD_SIGNATURE, 'one byte changed after signing');
      const flipped = Uint8Array.from(image);
      flipped[8236] ^= 0x70; // the byte of issue 13
      assert.is(await upload(c, flipped, undefined, undefined, sign(image)), Status.E_UPLOAD_SIGNATURE, 'the byte of issue 13 changed after signing');
      assert.is(await upload(c, changed), Status.E_UPLOAD_SELF_TEST, 'a signed image this device cannot run');
      assert.ok((await snapshot(c)).equals(before), 'the old core runs on, untouched');
      assert.not.ok(existsSync(path.join(store, 'core')), 'nothing stored');

      c.inbox.length = 0;
      assert.is(await upload(c, image, undefined, 777), Status.OK);
      const h1 = await c.next('HELLO', 3000);
      assert.is(h1.selfTestChecksum, h0.selfTestChecksum, 'a new HELLO with the new core checksum');
      assert.ok((await snapshot(c)).equals(before), 'the learned state was handed over to the new core');
      assert.ok(readFileSync(path.join(store, 'core')).equals(Buffer.concat([image, sign(image)])), 'the new core is stored, its signature after it');
      c.send({ type: 'SENSOR_FRAME', step: 50, values: new Array(10).fill(0) });
      assert.is((await c.next('ACTUATOR_FRAME')).step, 50, 'the loop goes on with the new core');
    } finally {
      await c.close();
      await dev.stop();
    }
    // Reboot: the stored core is checked and used.
    const dev2 = new PtyDevice(binary, ['--store', store]);
    await dev2.start();
    const c2 = await Client.open(dev2.hostPath);
    try {
      assert.is((await c2.hello()).selfTestChecksum, new Core().selfTest());
      assert.not.match(dev2.stderr, 'stored core failed');
      assert.not.match(dev2.stderr, 'signature');
    } finally {
      await c2.close();
      await dev2.stop();
    }
    // A stored core whose signature does not verify is not run at boot: the built-in core runs.
    const stored = readFileSync(path.join(store, 'core'));
    stored[100] ^= 0x01;
    writeFileSync(path.join(store, 'core'), stored);
    const dev3 = new PtyDevice(binary, ['--store', store]);
    await dev3.start();
    const c3 = await Client.open(dev3.hostPath);
    try {
      assert.is((await c3.hello()).selfTestChecksum, new Core().selfTest());
      assert.match(dev3.stderr, "the stored core's signature does not verify");
    } finally {
      await c3.close();
      await dev3.stop();
    }
  });

  test('CORE_UPLOAD with no image buffer in RAM: chunks go to the store\'s candidate slot, the uploaded core runs in place from the store, and uploads while it runs keep it stepping', async () => {
    make('native-upload');
    // no static buffer of an image's size: the only large objects are the cores' linear memories
    const nm = spawnSync('nm', ['-S', '--size-sort', binary], { encoding: 'utf8' });
    assert.is(nm.status, 0, nm.stderr);
    const large = nm.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f.length === 4 && /[bBdD]/.test(f[2]) && parseInt(f[1], 16) >= 8192).map((f) => f[3]);
    // (g_active_exception: wasm2c's runtime's exception buffer, unused, dropped by --gc-sections on the MCU build)
    assert.equal(large.filter((n) => n !== 'g_active_exception'), ['memories'], `large RAM objects: ${large.join(', ')}`);

    spawnSync('rm', ['-rf', store]);
    spawnSync('mkdir', ['-p', store]);
    const image = new Uint8Array(readFileSync(path.join(repoRoot, 'build', 'core.wasm')));
    const changed = Uint8Array.from(image);
    changed[changed.length - 40] ^= 0x01;
    const dev = new PtyDevice(binary, ['--store', store]);
    await dev.start();
    const c = await Client.open(dev.hostPath);
    const mirror = new Mirror(loopConfig, AMP);
    let step = 0, mismatches = 0;
    // one control step, checked against the same core in Node (the state must survive every swap)
    const controlStep = async () => {
      const values = Array.from({ length: 10 }, (_, i) => ((step * 37 + i * 101) % 801 - 400) * 8);
      c.send({ type: 'SENSOR_FRAME', step, values });
      const a = await c.next('ACTUATOR_FRAME', 2000, (m) => m.step === step);
      const want = mirror.step(values, 8, 2);
      if (a.values.some((v, i) => v !== want[i])) mismatches++;
      step++;
    };
    // an upload with control steps between its chunks; `during` runs after the first chunk
    const uploadWhileStepping = async (img: Uint8Array, during?: () => void) => {
      const st = await c.command({ type: 'CORE_UPLOAD_BEGIN', size: img.length, crc: crc32(img), signature: sign(img) });
      if (st !== Status.OK) return st;
      for (let off = 0; off < img.length; off += 1000) {
        const s = await c.command({ type: 'CORE_UPLOAD_CHUNK', offset: off, data: img.subarray(off, off + 1000) });
        if (s !== Status.OK) return s;
        await controlStep();
        if (off === 0) during?.();
      }
      return c.command({ type: 'CORE_UPLOAD_END' }, 5000);
    };
    try {
      await c.hello();
      await c.ok({ type: 'CONFIGURE', config: configurePayload(loopConfig, { amp: AMP }) });
      await c.ok({ type: 'START' });
      for (let i = 0; i < 20; i++) await controlStep();

      assert.is(await uploadWhileStepping(image, () => {
        assert.is(statSync(path.join(store, 'core.new')).size, image.length + 64, 'the candidate slot is in the store, sized at BEGIN (image + signature)');
        assert.not.ok(existsSync(path.join(store, 'core')), 'nothing committed yet');
      }), Status.OK);
      await c.next('HELLO', 3000);
      assert.ok(readFileSync(path.join(store, 'core')).equals(Buffer.concat([image, sign(image)])), 'committed');
      for (let i = 0; i < 10; i++) await controlStep();

      // the uploaded core now runs from the store; a refused upload goes to the other slot and leaves it running
      assert.is(await uploadWhileStepping(changed, () => {
        assert.ok(readFileSync(path.join(store, 'core')).equals(Buffer.concat([image, sign(image)])), 'the running core\'s stored image is untouched');
      }), Status.E_UPLOAD_SELF_TEST);
      assert.ok(readFileSync(path.join(store, 'core')).equals(Buffer.concat([image, sign(image)])), 'a refused image is never committed');
      for (let i = 0; i < 10; i++) await controlStep();
      // a bad CRC is caught on the bytes as stored
      assert.is(await upload(c, image, (crc32(image) ^ 0x80) >>> 0), Status.E_UPLOAD_CRC);

      // and a good one replaces an uploaded core as it replaced the built-in one, twice
      for (let k = 0; k < 2; k++) {
        c.inbox.length = 0;
        assert.is(await uploadWhileStepping(image), Status.OK);
        assert.is((await c.next('HELLO', 3000)).selfTestChecksum, new Core().selfTest());
        for (let i = 0; i < 10; i++) await controlStep();
      }
      assert.is(mismatches, 0, `every one of ${step} control steps equals the Node core (state handed over at each swap)`);
    } finally {
      await c.close();
      await dev.stop();
    }
    // A stored core that is not a valid image is ignored at boot: the built-in core runs.
    writeFileSync(path.join(store, 'core'), Buffer.from(changed.subarray(0, 100)));
    const dev2 = new PtyDevice(binary, ['--store', store]);
    await dev2.start();
    const c2 = await Client.open(dev2.hostPath);
    try {
      assert.is((await c2.hello()).selfTestChecksum, new Core().selfTest());
    } finally {
      await c2.close();
      await dev2.stop();
    }
  });
}

test.run();
