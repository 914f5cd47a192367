// The firmware's C protocol codec: every golden vector of host/protocol/golden.json, a fuzz run
// under AddressSanitizer + UndefinedBehaviorSanitizer, and a differential check of random streams
// against the host decoder (same outcomes, same order, same bytes). Plus the C unit tests of the
// scheduler and the core image check, under the same sanitizers; the AOT backend in 40 KiB of
// linear memory (limit, refusal, bounds checks); the two-slot store under power cuts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { haveFile, haveTool, repoRoot } from '../helpers.ts';
import { MessageDecoder } from '../../host/protocol/decoder.ts';
import { MessageType } from '../../host/protocol/codes.ts';
import { encodePayload } from '../../host/protocol/messages.ts';
import { fwBuild, make } from './harness.ts';
import { loopConfig } from './closed-loop.ts';
import { Core } from '../../host/core/core.ts';
import { toBlock } from '../../host/core/config.ts';

const ok = haveTool('cc', 'the firmware protocol tests compile C with ASan/UBSan') && haveTool('wasm2c', 'the firmware build converts core.wasm to C (Debian wabt)') &&
  haveFile('/usr/include/sodium.h', 'libsodium-dev', 'the firmware checks core signatures with libsodium');
const bin = (name: string) => path.join(fwBuild, 'test', name);
const SAN_ENV = { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0', UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1' };

if (ok) {
  test('build the C protocol tests (ASan + UBSan)', () => {
    make('tests');
  });

  test('golden vectors: every valid frame encodes and decodes, every invalid one is rejected with its reason', () => {
    const r = spawnSync(bin('dt_test_golden'), { encoding: 'utf8', env: SAN_ENV });
    assert.is(r.stderr, '', 'no sanitizer report');
    assert.is(r.status, 0, r.stdout);
    assert.match(r.stdout, /golden: \d+ passed, 0 failed/);
  });

  test('fuzz: 300000 rounds of round trips, mutated frames and random streams, no sanitizer report', () => {
    const r = spawnSync(bin('dt_test_fuzz'), ['run', '300000', '7'], { encoding: 'utf8', env: SAN_ENV, timeout: 120_000 });
    assert.is(r.stderr, '', 'no sanitizer report');
    assert.is(r.status, 0, r.stdout);
    assert.match(r.stdout, /fuzz: 300000 passed, 0 failed/);
  });

  test('units: fixed-rate scheduler (grid, overruns, clock wrap) and core image check (imports, memory, sections)', () => {
    const r = spawnSync(bin('dt_test_units'), [path.join(repoRoot, 'build', 'core.wasm')], { encoding: 'utf8', env: SAN_ENV });
    assert.is(r.stderr, '', 'no sanitizer report');
    assert.is(r.status, 0, r.stdout);
    assert.match(r.stdout, /units: \d+ passed, 0 failed/);
  });

  test('signatures (libsodium, the key this build was provisioned with): build/core.wasm as signed verifies; every one-byte change of it, every signature bit flip and a truncation are refused', () => {
    const core = path.join(repoRoot, 'build', 'core.wasm');
    const r = spawnSync(bin('dt_test_sig'), [core, `${core}.sig`], { encoding: 'utf8', env: SAN_ENV, timeout: 120_000 });
    assert.is(r.stderr, '', 'no sanitizer report');
    assert.is(r.status, 0, r.stdout);
    assert.match(r.stdout, /sig: \d+ passed, 0 failed \((\d+) of \1 one-byte changes refused\)/);
  });

  test('the AOT backend in 40 KiB of linear memory: told its limit at open, E_TOO_LARGE for a net that does not fit, a trap (not a stray write) past the backed bytes', () => {
    // widths of an 8-in 2-layer LIF deep-fact net: the mcu-ref width, and the smallest Node refuses within 40 KiB
    const within = (units: number) => {
      const core = new Core();
      core.x.memory_limit(40960);
      return core.initRaw(toBlock({ ...loopConfig, units: [units, units] }));
    };
    assert.is(within(32), 0, 'mcu-ref fits 40 KiB');
    const big = [36, 40, 44, 48, 56, 64].find((n) => within(n) === -2);
    assert.ok(big, 'a width too large for 40 KiB');
    const r = spawnSync(bin('dt_test_aot_memory'), ['32', String(big)], { encoding: 'utf8', env: SAN_ENV });
    assert.is(r.stderr, '', 'no sanitizer report');
    assert.is(r.status, 0, r.stdout);
    assert.match(r.stdout, /aot-memory: \d+ passed, 0 failed/);
    assert.match(r.stdout, `self-test 0x${new Core().selfTest().toString(16).padStart(8, '0')}`);
  });

  test('store: a power cut at every byte of a save (four ways storage tears) boots the save before it or this one, bit for bit, never none', () => {
    const r = spawnSync(bin('dt_test_store'), { encoding: 'utf8', env: SAN_ENV });
    assert.is(r.stderr, '', 'no sanitizer report');
    assert.is(r.status, 0, r.stdout);
    assert.match(r.stdout, /store: \d+ passed, 0 failed/);
    for (const tear of ['atomic', 'truncate', 'erase', 'overwrite']) assert.match(r.stdout, new RegExp(`${tear}, third save \\(over the first\\): \\d+ cut points, old \\d+, new 1, lost 0`));
  });

  test('the WASM3 backend and the upload path type-check against declarations of Wasm3 0.5.0 (not built: no Wasm3 here)', () => {
    make('check-wasm3');
  });

  test('differential: random streams give the same outcomes in C and in the host decoder', () => {
    const r = spawnSync(bin('dt_test_fuzz'), ['emit', '1500', '11'], { encoding: 'utf8', env: SAN_ENV, maxBuffer: 64 << 20 });
    assert.is(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.is(lines.length, 1500);
    let frames = 0;
    for (const line of lines) {
      const [hex, want] = line.split(' ');
      const d = new MessageDecoder();
      const got: string[] = [];
      for (const e of d.decode(Buffer.from(hex, 'hex'))) {
        if ('rejection' in e) got.push(`rej:${e.rejection.reason}`);
        else {
          const m = e.envelope.message;
          const flags = e.envelope.ackRequested ? 1 : 0;
          got.push(`ok:${MessageType[m.type]}:${e.envelope.seq}:${flags}:${Buffer.from(encodePayload(m)).toString('hex')}`);
          frames++;
        }
      }
      const end = d.end();
      if (end) got.push(`rej:${end.reason}`);
      assert.is(got.join(';') || '-', want, `stream ${hex.slice(0, 60)}...`);
    }
    assert.ok(frames > 100, `the streams carried real frames (${frames})`);
  });
}

test.run();
