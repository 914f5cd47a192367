// The calibration module: recursive fib, as in WASM3's published benchmark, assembled from
// bench/fib.wat with wat2wasm (Debian's wabt) when it is on PATH, otherwise compiled from an
// equivalent AssemblyScript function with asc into a temp dir.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIB_WAT = path.join(here, 'fib.wat');

/** WASM3's published fib(24) time on an ESP32 (Xtensa LX6) at 240 MHz. */
export const WASM3_ESP32_FIB_MS = 297;
export const WASM3_FIB_N = 24;
export const WASM3_REFERENCE = 'WASM3 published fib(24), ESP32 LX6 @ 240 MHz: 297 ms';

const FIB_AS = `// fib as in bench/fib.wat (written out by bench/fib.ts when wat2wasm is missing)
export function fib(n: i32): i32 {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}
`;

export interface FibModule {
  binary: Uint8Array<ArrayBuffer>;
  /** How it was built. */
  tool: 'wat2wasm' | 'asc';
}

function run(cmd: string, args: string[]): { ok: boolean; missing: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  const missing = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return { ok: !r.error && r.status === 0, missing, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** Builds the fib module; `prefer` = 'asc' skips wat2wasm (to exercise the fallback). */
export function buildFib(prefer: 'wat2wasm' | 'asc' = 'wat2wasm'): FibModule {
  const dir = mkdtempSync(path.join(tmpdir(), 'deeptrace-fib-'));
  try {
    const out = path.join(dir, 'fib.wasm');
    if (prefer === 'wat2wasm') {
      const r = run('wat2wasm', [FIB_WAT, '-o', out]);
      if (r.ok) return { binary: new Uint8Array(readFileSync(out)), tool: 'wat2wasm' };
      if (!r.missing) throw new Error(`wat2wasm failed: ${r.out}`);
    }
    const src = path.join(dir, 'fib.ts');
    writeFileSync(src, FIB_AS);
    // binaryen does not inline a self-recursive function: this gives the WAT's 14 instructions.
    const r = run('npx', ['--no-install', 'asc', src, '-o', out, '--optimizeLevel', '3', '--shrinkLevel', '0', '--noAssert', '--runtime', 'stub', '--noExportMemory']);
    if (!r.ok) throw new Error(`asc failed: ${r.out}`);
    return { binary: new Uint8Array(readFileSync(out)), tool: 'asc' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** fib(n) iteratively. */
export function fibValue(n: number): number {
  let a = 0;
  let b = 1;
  for (let i = 0; i < n; i++) [a, b] = [b, a + b];
  return a;
}

/**
 * Instructions bench/fib.wat executes for fib(n): a call with n < 2 runs 5, one with n >= 2 runs
 * 13; a call tree for n has fib(n+1) leaves and fib(n+1) - 1 inner calls.
 */
export function fibWatInstructions(n: number): number {
  const leaves = fibValue(n + 1);
  return 5 * leaves + 13 * (leaves - 1);
}
