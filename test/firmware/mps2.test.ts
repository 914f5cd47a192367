// The Cortex-M4 cross-build (gcc-arm-none-eabi, AOT core) under qemu-system-arm -M mps2-an386:
// it boots, answers HELLO over UART0 with the checksum Node computes, and runs a short closed loop
// whose every ACTUATOR_FRAME equals the Node core's (bit for bit on another CPU).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { haveTool } from '../helpers.ts';
import { Core } from '../../host/core/core.ts';
import { Client, QemuDevice, configurePayload, fwBuild, make, sleep } from './harness.ts';
import { AMP, loopConfig, runLoop } from './closed-loop.ts';

const ok =
  haveTool('arm-none-eabi-gcc', 'the Cortex-M4 build needs gcc-arm-none-eabi and libnewlib-arm-none-eabi') &&
  haveTool('wasm2c', 'the AOT core is core.wasm converted to C (Debian wabt)') &&
  haveTool('qemu-system-arm', 'the Cortex-M4 build runs on the emulated mps2-an386 board (qemu-system-arm)') &&
  haveTool('socat', 'the emulated UART reaches the test through socat');
const elf = path.join(fwBuild, 'mps2', 'dt_fw.elf');

if (ok) {
  test('cross-build for Cortex-M4 (mps2-an386) and its size', () => {
    make('mps2');
    const r = spawnSync('arm-none-eabi-size', [elf], { encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    const [text, data, bss] = r.stdout.trim().split('\n')[1].trim().split(/\s+/).map(Number);
    process.stdout.write(`\n  mps2 AOT image: flash ${text + data} B, static RAM ${data + bss} B (+ heap for the 64 KiB page)\n`);
    assert.ok(text + data < 256 * 1024, 'fits a 256 KiB-flash part');
  });

  test('QEMU mps2-an386: HELLO over UART0 with the self-test checksum; 100 closed-loop steps bit-exact with Node', async () => {
    const dev = new QemuDevice(elf);
    await dev.start();
    const client = await Client.open(dev.hostPath);
    try {
      const h = await client.hello(15_000);
      assert.is(h.selfTestChecksum, new Core().selfTest());
      assert.is(h.selfTestChecksum, 0xedd4fa0c);
      assert.is(h.name, 'deeptrace-mps2');
      await client.ok({ type: 'CONFIGURE', config: configurePayload(loopConfig, { amp: AMP }) }, 10_000);
      await client.ok({ type: 'START' });
      const r = await runLoop(1, client);
      assert.is(r.mismatches, 0, 'the Cortex-M4 computes what the same core computes in Node');
      await client.ok({ type: 'STOP' });
      await sleep(100);
      const log = dev.log();
      assert.match(log, 'self-test 0xedd4fa0c');
      const m = /control step \(step \+ learn\): (\d+) steps, mean (\d+) us/.exec(log);
      assert.ok(m, `step timing in the log:\n${log}`);
      // -icount shift=0: 1 ns of guest time per instruction.
      process.stdout.write(`\n  mps2 (AOT, mcu-ref net): ${(Number(m![2]) / 1000).toFixed(2)} M instructions per control step (step + learn)\n`);
    } finally {
      await client.close();
      await dev.stop();
    }
  });
}

test.run();
