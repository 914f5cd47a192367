// The module itself: small, import-free, MVP-only, integer-only, i32-only ABI.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot, haveTool } from '../helpers.ts';

const wasm = path.join(repoRoot, 'build/core.wasm');
const wat = path.join(repoRoot, 'build/core.wat');

// 26 KiB: the event-driven rows (rows.ts) sit beside the dense engines ALIF and deep-full still use,
// and the row-RMS optimiser (optim.ts, posfloat.ts) adds about 4 KB.
test('core.wasm imports nothing and is at most 26 KiB', () => {
  const m = new WebAssembly.Module(readFileSync(wasm));
  assert.equal(WebAssembly.Module.imports(m), []);
  const size = statSync(wasm).size;
  assert.ok(size <= 26 * 1024, `${size} bytes`);
});

test('exports are functions and the memory only', () => {
  const m = new WebAssembly.Module(readFileSync(wasm));
  const kinds = new Set(WebAssembly.Module.exports(m).map((e) => e.kind));
  assert.equal([...kinds].sort(), ['function', 'memory']);
});

test('every function type is i32-only and no float instruction appears', () => {
  const text = readFileSync(wat, 'utf8');
  const types = text.split('\n').filter((l) => l.trim().startsWith('(type '));
  assert.ok(types.length > 0);
  for (const t of types) assert.not.match(t, /i64|f32|f64/, t);
  assert.not.match(text, /\bf(32|64)\./, 'float instruction in core');
});

test('validates with every post-MVP feature disabled (wasm-validate)', () => {
  if (!haveTool('wasm-validate', 'the MVP check of core.wasm needs wabt')) return;
  const flags = ['--disable-mutable-globals', '--disable-saturating-float-to-int', '--disable-sign-extension', '--disable-simd', '--disable-multi-value', '--disable-bulk-memory', '--disable-reference-types'];
  const r = spawnSync('wasm-validate', [...flags, wasm], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  // The check can fail: a module using sign extension is refused with the same flags.
  const bad = spawnSync('sh', ['-c', `printf '(module (func (param i32) (result i32) local.get 0 i32.extend8_s))' > /tmp/dt-bad.wat && wat2wasm /tmp/dt-bad.wat -o /tmp/dt-bad.wasm && wasm-validate ${flags.join(' ')} /tmp/dt-bad.wasm`], { encoding: 'utf8' });
  assert.is.not(bad.status, 0);
});

test.run();
