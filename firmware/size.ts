// Flash and RAM of the firmware builds, as a table: `node --import tsx firmware/size.ts` (builds
// with make first; --no-build to skip) or `make -C firmware size`. For the bare-metal mps2 build
// it also boots the image in QEMU for a moment to read the heap in use after boot (the core's
// 64 KiB linear memory and wasm2c's runtime are calloc'ed), which static sizes cannot show.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const B = path.join(here, 'build');
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

interface Row { build: string; text: number; data: number; bss: number; heap?: number }

function sizeOf(tool: string, file: string): Omit<Row, 'build'> | null {
  if (!existsSync(file)) return null;
  const r = spawnSync(tool, [file], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const [text, data, bss] = r.stdout.trim().split('\n')[1].trim().split(/\s+/).map(Number);
  return { text, data, bss };
}

/** Boots the mps2 image under QEMU until its log UART reports the heap; null when it cannot. */
async function mps2Heap(elf: string): Promise<number | null> {
  if (!has('qemu-system-arm')) return null;
  const dir = mkdtempSync(path.join(tmpdir(), 'dt-size-'));
  const log = path.join(dir, 'uart1.log');
  const q = spawn('qemu-system-arm', ['-M', 'mps2-an386', '-display', 'none', '-monitor', 'none', '-kernel', elf, '-serial', 'null', '-serial', `file:${log}`], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 100; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const m = existsSync(log) ? /heap (\d+) bytes/.exec(readFileSync(log, 'utf8')) : null;
      if (m) return Number(m[1]);
    }
    return null;
  } finally {
    q.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const targets = [has('cc') && has('wasm2c') ? 'native' : '', has('arm-none-eabi-gcc') && has('wasm2c') ? 'mps2' : ''].filter(Boolean);
  if (!process.argv.includes('--no-build') && targets.length) {
    const r = spawnSync('make', ['-s', '-C', here, ...targets], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`make failed:\n${r.stdout}${r.stderr}`);
  }
  const rows: Row[] = [];
  const mps2 = sizeOf('arm-none-eabi-size', path.join(B, 'mps2', 'dt_fw.elf'));
  if (mps2) rows.push({ build: 'mps2-an386 Cortex-M4, AOT, -Os', ...mps2, heap: (await mps2Heap(path.join(B, 'mps2', 'dt_fw.elf'))) ?? undefined });
  const core = sizeOf('arm-none-eabi-size', path.join(B, 'mps2', 'core.o'));
  if (core) rows.push({ build: '  of which the core (wasm2c, core.o)', ...core });
  const native = sizeOf('size', path.join(B, 'native', 'dt_fw'));
  if (native) rows.push({ build: 'native x86-64 Linux, AOT, -O2', ...native });
  if (!rows.length) {
    console.log('firmware size: nothing built (needs cc + wasm2c, or gcc-arm-none-eabi)');
    return;
  }
  const kib = (n: number | undefined) => (n === undefined ? '-' : (n / 1024).toFixed(1));
  const head = ['build', 'flash KiB (text+data)', 'static RAM KiB (data+bss)', 'heap after boot KiB', 'RAM total KiB'];
  const body = rows.map((r) => [r.build, kib(r.text + r.data), kib(r.data + r.bss), kib(r.heap), r.heap === undefined ? '-' : kib(r.data + r.bss + r.heap)]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(' | ') + ' |';
  console.log('Firmware flash / RAM (stack not included: 16 KiB reserved on mps2)');
  console.log(line(head));
  console.log('|' + w.map((n, i) => (i === 0 ? '-'.repeat(n + 2) : '-'.repeat(n + 1) + ':')).join('|') + '|');
  for (const b of body) console.log(line(b));
}

main().catch((e) => {
  console.error(String(e instanceof Error ? e.message : e));
  process.exit(1);
});
