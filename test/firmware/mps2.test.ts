// The Cortex-M4 cross-build (gcc-arm-none-eabi, AOT core) under qemu-system-arm -M mps2-an386:
// it boots, answers HELLO over UART0 with the checksum Node computes, and runs a short closed loop
// whose every ACTUATOR_FRAME equals the Node core's (bit for bit on another CPU). Its core runs in
// DT_CORE_MEMORY_BYTES (40 KiB) of RAM instead of the whole 64 KiB page: the firmware reports its
// RAM, and a net or a snapshot too large for that memory is refused over the protocol, not a crash.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { haveTool } from '../helpers.ts';
import { Core } from '../../host/core/core.ts';
import { toBlock, type CoreConfig } from '../../host/core/config.ts';
import { Status, coreStatusToCode as coreStatus } from '../../host/protocol/codes.ts';
import { Client, QemuDevice, STEP_LINE, configurePayload, fwBuild, make, parseRam, parseStepTiming } from './harness.ts';
import { AMP, loopConfig, runLoop } from './closed-loop.ts';

const ok =
  haveTool('arm-none-eabi-gcc', 'the Cortex-M4 build needs gcc-arm-none-eabi and libnewlib-arm-none-eabi') &&
  haveTool('wasm2c', 'the AOT core is core.wasm converted to C (Debian wabt)') &&
  haveTool('qemu-system-arm', 'the Cortex-M4 build runs on the emulated mps2-an386 board (qemu-system-arm)') &&
  haveTool('socat', 'the emulated UART reaches the test through socat');
const elf = path.join(fwBuild, 'mps2', 'dt_fw.elf');
/** The RAM budget of issue 10: static + heap + core memory for the mcu-ref net. */
const RAM_BUDGET = 48 * 1024;

/** A Node core that backs only `limit` bytes, like the device; init()'s status for cfg. */
function initWithin(cfg: CoreConfig, limit: number): { status: number; core: Core } {
  const core = new Core();
  assert.is(core.x.memory_limit(limit), limit);
  return { status: core.initRaw(toBlock(cfg)), core };
}

async function snapshot(c: Client): Promise<Uint8Array> {
  c.send({ type: 'SNAPSHOT_GET' });
  const first = await c.next('SNAPSHOT_DATA', 5000);
  const parts = [Buffer.from(first.data)];
  while (parts.reduce((s, p) => s + p.length, 0) < first.total) parts.push(Buffer.from((await c.next('SNAPSHOT_DATA', 5000)).data));
  return new Uint8Array(Buffer.concat(parts));
}

if (ok) {
  test('cross-build for Cortex-M4 (mps2-an386) and its size', () => {
    make('mps2');
    const r = spawnSync('arm-none-eabi-size', [elf], { encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    const [text, data, bss] = r.stdout.trim().split('\n')[1].trim().split(/\s+/).map(Number);
    process.stdout.write(`\n  mps2 AOT image: flash ${text + data} B, static RAM ${data + bss} B (the core's linear memory included)\n`);
    assert.ok(text + data < 256 * 1024, 'fits a 256 KiB-flash part');
  });

  test('QEMU mps2-an386: HELLO over UART0 with the self-test checksum; 100 closed-loop steps bit-exact with Node; RAM within 48 KiB', async () => {
    const dev = new QemuDevice(elf);
    await dev.start();
    const client = await Client.open(dev.hostPath);
    try {
      const h = await client.hello(15_000);
      assert.is(h.selfTestChecksum, new Core().selfTest());
      assert.is(h.name, 'deeptrace-mps2');
      await client.ok({ type: 'CONFIGURE', config: configurePayload(loopConfig, { amp: AMP }) }, 10_000);
      await client.ok({ type: 'START' });
      const r = await runLoop(1, client);
      assert.is(r.mismatches, 0, 'the Cortex-M4 computes what the same core computes in Node');
      await client.ok({ type: 'STOP' });
      await dev.waitLog(STEP_LINE);
      const log = dev.log();
      assert.match(log, `self-test 0x${h.selfTestChecksum.toString(16).padStart(8, '0')}`);
      const [timing] = parseStepTiming(log);
      assert.is(timing.mode, 'step + learn');
      assert.is(timing.steps, 100);
      // -icount shift=0: 1 ns of guest time per instruction.
      process.stdout.write(`\n  mps2 (AOT, arm2 net): ${(timing.meanUs / 1000).toFixed(3)} M instructions per control step (step + learn)\n`);
      const ram = parseRam(log);
      assert.is(ram.length, 2, 'RAM reported after boot and after the run');
      const after = ram[1];
      assert.ok(after.coreMemory < 65536 && after.coreMemory === ram[0].coreMemory, `core memory ${after.coreMemory} B, not the whole page`);
      const total = after.staticBytes + after.heap;
      process.stdout.write(`  mps2 RAM: static ${after.staticBytes - after.coreMemory} B + heap ${after.heap} B + core memory ${after.coreMemory} B = ${total} B; stack ${after.stack} B of ${after.stackReserved} B\n`);
      assert.ok(after.heap < 4096, `heap ${after.heap} B: the page is no longer calloc'ed`);
      assert.ok(total <= RAM_BUDGET, `RAM total ${total} B <= ${RAM_BUDGET} B`);
      assert.ok(after.stack < after.stackReserved, 'the stack stayed within its reservation');
    } finally {
      await client.close();
      await dev.stop();
    }
  });

  test('QEMU mps2-an386: a net too large for the core memory gets E_TOO_LARGE over the protocol; a snapshot that cannot be staged is refused; the device runs on', async () => {
    const dev = new QemuDevice(elf);
    await dev.start();
    const client = await Client.open(dev.hostPath);
    try {
      await client.hello(15_000);
      const [{ coreMemory }] = await dev.waitLog(/ram: static \d+ B \(core memory (\d+) B\)/).then((m) => m.map((x) => ({ coreMemory: Number(x[1]) })));
      // the smallest widening of the loop net that fits the page but not the device's memory
      const big = [36, 40, 44, 48, 56, 64].map((n) => ({ ...loopConfig, units: [n, n] })).find((c) => initWithin(c, coreMemory).status !== 0 && initWithin(c, 65536).status === 0);
      assert.ok(big, 'a net between the device memory and the page');
      assert.is(initWithin(big!, coreMemory).status, -2, 'Node with the same limit: E_TOO_LARGE');
      await client.ok({ type: 'CONFIGURE', config: configurePayload(loopConfig, { amp: AMP }) }, 10_000);
      const st = await client.command({ type: 'CONFIGURE', config: configurePayload(big!, { amp: AMP }) }, 10_000);
      assert.is(st, coreStatus(-2), `CONFIGURE of ${big!.units.join('x')} answered E_CORE(E_TOO_LARGE)`);
      const err = await client.next('ERROR');
      assert.is(err.code, coreStatus(-2));

      // the previous net is still configured and steps
      await client.ok({ type: 'START' });
      client.send({ type: 'SENSOR_FRAME', step: 0, values: new Array(10).fill(0) });
      assert.is((await client.next('ACTUATOR_FRAME', 5000)).step, 0);
      await client.ok({ type: 'STOP' });

      // SNAPSHOT_PUT stages the snapshot beside the state: accepted exactly when Node with the same limit has room
      const snap = await snapshot(client);
      const mirror = initWithin(loopConfig, coreMemory).core;
      const fits = snap.length <= mirror.x.staging_capacity();
      const put = await client.command({ type: 'SNAPSHOT_PUT', offset: 0, total: snap.length, data: snap.subarray(0, 1000) }, 5000);
      if (fits) {
        assert.is(put, Status.OK);
        for (let off = 1000; off < snap.length; off += 1000) await client.ok({ type: 'SNAPSHOT_PUT', offset: off, total: snap.length, data: snap.subarray(off, off + 1000) }, 5000);
      } else {
        assert.is(put, Status.E_SNAPSHOT_TOTAL, `a ${snap.length}-byte snapshot does not fit the ${mirror.x.staging_capacity()}-byte staging area`);
      }
      process.stdout.write(`\n  mps2: snapshot ${snap.length} B, staging ${mirror.x.staging_capacity()} B in ${coreMemory} B of core memory: SNAPSHOT_PUT ${fits ? 'accepted' : 'refused (E_SNAPSHOT_TOTAL)'}\n`);
      assert.ok(Buffer.from(await snapshot(client)).equals(Buffer.from(snap)), 'the state is unchanged');
      const h = await client.hello(5000);
      assert.is(h.selfTestChecksum, new Core().selfTest(), 'still answering');
      assert.not.match(dev.log(), 'fault');
    } finally {
      await client.close();
      await dev.stop();
    }
  });
}

test.run();
