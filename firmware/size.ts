// Flash and RAM of the firmware builds, then the Cortex-M4 figures of the AOT firmware under QEMU
// (bench/mcu-m4.ts: RAM as the firmware reports it, instructions per mcu-ref step): the last part of
// `npm run bench`. Alone: `node --import tsx firmware/size.ts` (builds with make first; --no-build
// to skip the build, --no-qemu to skip the QEMU run, --json for JSON) or `make -C firmware size`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { int, renderTable, type Table } from '../bench/table.ts';
import { m4Missing, m4Tables, measureM4, type M4Result } from '../bench/mcu-m4.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const B = path.join(here, 'build');
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

interface Row { build: string; text: number; data: number; bss: number; coreMemory?: number }

function sizeOf(tool: string, file: string): Omit<Row, 'build'> | null {
  if (!existsSync(file)) return null;
  const r = spawnSync(tool, [file], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const [text, data, bss] = r.stdout.trim().split('\n')[1].trim().split(/\s+/).map(Number);
  return { text, data, bss };
}

/** Size of the AOT backend's static linear-memory buffer (symbol `memories`), from nm. */
function coreMemoryOf(nmTool: string, file: string): number | undefined {
  const r = spawnSync(nmTool, ['-S', file], { encoding: 'utf8' });
  const line = r.status === 0 ? r.stdout.split('\n').find((l) => / [bB] memories$/.test(l)) : undefined;
  return line ? parseInt(line.trim().split(/\s+/)[1], 16) : undefined;
}

function sizeTable(rows: Row[]): Table {
  return {
    title: 'Firmware flash and static RAM (bytes)',
    head: ['build', 'flash (text+data)', 'static RAM (data+bss)', 'of which core memory'],
    rows: rows.map((r) => [r.build, int(r.text + r.data), int(r.data + r.bss), r.coreMemory === undefined ? '-' : int(r.coreMemory)]),
    notes: [
      'arm-none-eabi-size / size of the linked images; core memory: the static buffer behind the core\'s linear memory',
      '(DT_CORE_MEMORY_BYTES per core slot, symbol `memories` in src/dt_core_aot.c). mps2 links newlib-nano (--specs=nano.specs).',
    ],
  };
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const targets = [has('cc') && has('wasm2c') ? 'native' : '', has('arm-none-eabi-gcc') && has('wasm2c') ? 'mps2' : ''].filter(Boolean);
  if (!process.argv.includes('--no-build') && targets.length) {
    const r = spawnSync('make', ['-s', '-C', here, ...targets], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`make failed:\n${r.stdout}${r.stderr}`);
  }
  const rows: Row[] = [];
  const elf = path.join(B, 'mps2', 'dt_fw.elf');
  const mps2 = sizeOf('arm-none-eabi-size', elf);
  if (mps2) rows.push({ build: 'mps2-an386 Cortex-M4, AOT, -Os (core -O2)', ...mps2, coreMemory: coreMemoryOf('arm-none-eabi-nm', elf) });
  const core = sizeOf('arm-none-eabi-size', path.join(B, 'mps2', 'core.o'));
  if (core) rows.push({ build: '  of which the core (wasm2c, core.o)', ...core });
  const nativeBin = path.join(B, 'native', 'dt_fw');
  const native = sizeOf('size', nativeBin);
  if (native) rows.push({ build: 'native x86-64 Linux, AOT, -O2', ...native, coreMemory: coreMemoryOf('nm', nativeBin) });

  let m4: M4Result | null = null;
  let skipped: string | null = process.argv.includes('--no-qemu') ? '--no-qemu' : m4Missing();
  if (!skipped) m4 = await measureM4();

  if (json) {
    console.log(JSON.stringify({ firmware: { sizes: rows, cortexM4: m4, cortexM4Skipped: skipped } }, null, 2));
  } else {
    const tables: Table[] = rows.length ? [sizeTable(rows)] : [];
    if (m4) tables.push(...m4Tables(m4));
    if (!rows.length) console.log('firmware size: nothing built (needs cc + wasm2c, or gcc-arm-none-eabi)');
    if (tables.length) console.log(tables.map(renderTable).join('\n\n'));
    if (skipped) console.log(`\nCortex-M4 bench skipped: ${skipped}.`);
  }
  if (m4?.mismatches) {
    console.error(`firmware: ${m4.mismatches} ACTUATOR_FRAMEs of the Cortex-M4 differed from Node`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(String(e instanceof Error ? e.message : e));
  process.exit(1);
});
