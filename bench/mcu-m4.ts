// The AOT firmware on a Cortex-M4, measured under qemu-system-arm -M mps2-an386 -icount shift=0:
// Cortex-M4 instructions per mcu-ref control step (step + learn, and step only) and the RAM the
// firmware reports (static, heap high-water, the core's linear memory, stack). Runs the real
// firmware image over its UART with the test harness (test/firmware/harness.ts), drives it with the
// bench's own workload (bench/workload.ts: seeded input spikes, sine targets) and checks every
// ACTUATOR_FRAME against the same core in Node (test/firmware/closed-loop.ts Mirror).
//
// Printed by firmware/size.ts (the last part of `npm run bench`); alone: `node --import tsx bench/mcu-m4.ts`.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MCU_REF } from '../host/core/config.ts';
import { Client, QemuDevice, STEP_LINE, configurePayload, fwBuild, make, parseRam, parseStepTiming, type Mps2Ram, type StepTiming } from '../test/firmware/harness.ts';
import { Mirror } from '../test/firmware/closed-loop.ts';
import { fmt, int, renderTable, type Table } from './table.ts';
import { describe, Workload } from './workload.ts';

/** Steps before the counted ones (learning), then counted steps per mode: the same window as
 * the MCU cost spec the project started from measured (steps 200-1199 of the bench workload, seed 7). */
export const M4_WARMUP = 200;
export const M4_STEPS = 1000;
/** The clock the rates are quoted at (STM32F4-class Cortex-M4), and the CPI range assumed. */
export const M4_MHZ = 168;
export const CPI = [1.2, 1.5] as const;
/** Core.initWeights() defaults (bench/workload.ts makeCore) in Q12. */
const BENCH_AMP: [number, number, number] = [Math.round(1.2 * 4096), Math.round(0.3 * 4096), 4096];

export interface M4Row { mode: StepTiming['mode']; steps: number; instructions: number; maxInstructions: number }
export interface M4Result {
  config: string;
  rows: M4Row[];
  /** RAM after boot and after the runs. */
  ramBoot: Mps2Ram;
  ramAfter: Mps2Ram;
  /** ACTUATOR_FRAMEs that differed from Node (must be 0). */
  mismatches: number;
  flash: number;
}

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** Why the measurement cannot run here (a missing tool), or null. */
export function m4Missing(): string | null {
  const need: [string, string][] = [
    ['arm-none-eabi-gcc', 'gcc-arm-none-eabi'], ['qemu-system-arm', 'qemu-system-arm'], ['wasm2c', 'wabt'], ['socat', 'socat'],
  ];
  const missing = need.filter(([cmd]) => !has(cmd));
  return missing.length ? `${missing.map(([c]) => c).join(', ')} not installed (apt-get install ${missing.map(([, p]) => p).join(' ')})` : null;
}

/** Builds the mps2 image, boots it under QEMU and runs the workload. */
export async function measureM4(): Promise<M4Result> {
  make('mps2');
  const elf = path.join(fwBuild, 'mps2', 'dt_fw.elf');
  const size = spawnSync('arm-none-eabi-size', [elf], { encoding: 'utf8' });
  const [text, data] = size.stdout.trim().split('\n')[1].trim().split(/\s+/).map(Number);
  const cfg = MCU_REF;
  const nIn = cfg.nIn, nOut = cfg.nOut;
  const work = new Workload(cfg, 2000, 7);
  const mirror = new Mirror(cfg, BENCH_AMP);
  const dev = new QemuDevice(elf);
  await dev.start();
  const client = await Client.open(dev.hostPath);
  let t = 0, mismatches = 0;
  // n control steps of the workload; the error the device learns from is -u_pd = y - target, so
  // u_pd = target - y with y from the Node mirror (which the device's answer must then equal).
  const run = async (n: number, learn: boolean) => {
    await client.ok({ type: 'START' });
    for (let k = 0; k < n; k++, t++) {
      const x = Array.from(work.input(t), (v) => Math.round(v * 4096));
      const y = mirror.forward(x, nOut);
      const target = work.targets[t % work.length];
      const upd = y.map((v, j) => Math.round(target[j] * 4096) - v);
      client.send({ type: 'SENSOR_FRAME', step: k, values: [...x, ...upd] });
      const a = await client.next('ACTUATOR_FRAME', 5000, (m) => m.step === k);
      if (learn) mirror.learn(upd);
      const want = upd.map((u, j) => Math.max(-32767, Math.min(32767, u + y[j])));
      if (a.values.some((v, j) => v !== want[j])) mismatches++;
    }
    await client.ok({ type: 'STOP' });
  };
  try {
    await client.hello(15_000);
    await client.ok({ type: 'CONFIGURE', config: configurePayload(cfg, { amp: BENCH_AMP }) }, 10_000);
    await run(M4_WARMUP, true);
    await run(M4_STEPS, true);
    await client.ok({ type: 'LEARN', on: false });
    await run(M4_STEPS, false);
    await dev.waitLog(STEP_LINE, 3, 10_000);
    const log = dev.log();
    const timing = parseStepTiming(log).slice(1); // the first run is the warm-up
    const ram = parseRam(log);
    return {
      config: describe(cfg),
      // -icount shift=0: one instruction per ns of guest time, so 1 us = 1000 instructions
      rows: timing.map((r) => ({ mode: r.mode, steps: r.steps, instructions: Math.round(r.meanUs * 1000), maxInstructions: r.maxUs * 1000 })),
      ramBoot: ram[0],
      ramAfter: ram[ram.length - 1],
      mismatches,
      flash: text + data,
    };
  } finally {
    await client.close();
    await dev.stop();
  }
}

export function m4Tables(r: M4Result): Table[] {
  const kib = (b: number) => fmt(b / 1024, 1);
  const ramRow = (when: string, m: Mps2Ram) => {
    const stat = m.staticBytes - m.coreMemory;
    return [when, int(stat), int(m.heap), int(m.coreMemory), int(stat + m.heap + m.coreMemory), kib(stat + m.heap + m.coreMemory), `${int(m.stack)} / ${int(m.stackReserved)}`];
  };
  const hz = (instr: number, cpi: number) => (M4_MHZ * 1e6) / (instr * cpi);
  return [
    {
      title: 'Firmware RAM on the Cortex-M4 (mps2-an386, AOT; bytes): after boot, and after the mcu-ref runs of the next table',
      head: ['when', 'static', 'heap', 'core memory', 'total', 'total KiB', 'stack used / reserved'],
      rows: [ramRow('after boot', r.ramBoot), ramRow(`after ${M4_WARMUP + 2 * M4_STEPS} steps`, r.ramAfter)],
      notes: [
        'reported by the firmware itself on its log UART (src/dt_hal_mps2.c): static = .data + .bss without the core memory;',
        'heap = high-water mark of _sbrk (wasm2c runtime tables); core memory = DT_CORE_MEMORY_BYTES, the static buffer behind',
        "the core's linear memory (was the calloc'ed 64 KiB page); total = static + heap + core memory (stack not included: its",
        `high-water mark is measured by painting, next to what ld/mps2_an386.ld reserves). Flash: ${int(r.flash)} B.`,
      ],
    },
    {
      title: `Cortex-M4 instructions per control step (QEMU mps2-an386, -icount shift=0, AOT, -Os with the core at -O2; ${r.config})`,
      head: ['mode', 'steps', 'M4 instructions', 'max', `Hz at ${M4_MHZ} MHz (CPI ${CPI[1]}-${CPI[0]})`, 'Hz bound (CPI 1)'],
      rows: r.rows.map((w) => [w.mode, w.steps, int(w.instructions), int(w.maxInstructions),
        `${int(hz(w.instructions, CPI[1]))}-${int(hz(w.instructions, CPI[0]))}`, int(hz(w.instructions, 1))]),
      notes: [
        'mean over the counted steps of the session\'s own step timer (SysTick; -icount shift=0 makes 1 guest ns = 1 instruction),',
        `the bench workload (seed 7) after ${M4_WARMUP} learning steps; every ACTUATOR_FRAME checked against Node (${r.mismatches} differed).`,
        'Instructions, not cycles (QEMU has no cycle model): the Hz assume cycles = instructions x CPI 1.2-1.5 (an estimate, as in',
        'the MCU cost spec the project started from); the bound is instructions / 168e6 (CPI 1, no wait states), an upper limit.',
      ],
    },
  ];
}

async function main(): Promise<void> {
  const missing = m4Missing();
  if (missing) {
    console.log(`Cortex-M4 bench skipped: ${missing}.`);
    return;
  }
  const r = await measureM4();
  console.log(process.argv.includes('--json') ? JSON.stringify(r, null, 2) : m4Tables(r).map(renderTable).join('\n\n'));
  if (r.mismatches) {
    console.error(`mcu-m4: ${r.mismatches} ACTUATOR_FRAMEs differed from Node`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(String(e instanceof Error ? e.message : e));
    process.exit(1);
  });
}
