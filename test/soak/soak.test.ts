// A short soak (host/soak/, `npm run soak`) against the virtual device and, when it can be built,
// the native firmware: every fault kind at least once, nothing that must be 0 is not, every fault
// recovered, the watchdog within its bound. Then the soak's own checks are checked: a device whose
// store is emptied before every restart must be reported as losing its learned state.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { haveTool, repoRoot } from '../helpers.ts';
import { make } from '../firmware/harness.ts';
import { FAULT_KINDS, runSoak, soakFailures, type SoakResult } from '../../host/soak/soak.ts';
import { soakTable } from '../../host/soak/table.ts';

const socat = haveTool('socat', 'the soak runs its devices on socat pty pairs');
const native =
  socat &&
  haveTool('cc', 'the native firmware is built with the C compiler') &&
  haveTool('wasm2c', 'the AOT core of the native firmware is core.wasm converted to C (Debian wabt)');

const MAIN = path.join(repoRoot, 'host/soak/main.ts');
const STEPS = 2500;
const WATCHDOG_MS = 250;
/** The watchdog's ERROR may come this much after watchdogMs (the device's timer, two pty hops, a loaded machine). */
const LATENCY_SLACK_MS = 200;

function soakCli(args: string[], timeoutMs = 120_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => child.once('exit', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr }))));
}

if (socat) {
  test(`npm run soak: ${STEPS} steps per target with every fault kind; nothing lost, every fault recovered`, async () => {
    if (native) make('native');
    const t0 = Date.now();
    const r = await soakCli(['--steps', String(STEPS), '--fault-every', '250', '--save-every', '800', '--watchdog-ms', String(WATCHDOG_MS), '--seed', '3', '--target', native ? 'both' : 'virtual', '--json']);
    assert.is(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { results: SoakResult[]; failures: string[] };
    assert.equal(out.failures, []);
    assert.equal(out.results.map((x) => x.target), native ? ['virtual', 'native'] : ['virtual']);
    for (const x of out.results) {
      const t = x.target;
      assert.is(x.steps, STEPS, t);
      assert.not.ok(x.interrupted, t);
      for (const k of FAULT_KINDS) {
        assert.ok(x.faults[k] >= 1, `${t}: ${k} occurred (${x.faults[k]})`);
        assert.is(x.recoveries[k], x.faults[k], `${t}: every ${k} fault recovered`);
      }
      assert.is(x.invalidActuatorFrames, 0, `${t}: actuator frames without a valid command`);
      assert.is(x.learnedStateLosses, 0, `${t}: learned-state losses`);
      assert.is(x.watchdogMisses, 0, `${t}: silences without the watchdog`);
      assert.ok(x.watchdogLatencyMaxMs >= WATCHDOG_MS - 2, `${t}: the watchdog fired after watchdogMs (${x.watchdogLatencyMaxMs} ms)`);
      assert.ok(x.watchdogLatencyMaxMs < WATCHDOG_MS + LATENCY_SLACK_MS, `${t}: watchdog latency ${x.watchdogLatencyMaxMs} ms < ${WATCHDOG_MS + LATENCY_SLACK_MS} ms`);
      assert.ok(x.stateChecks >= x.faults.silence + x.faults.unplug + x.faults.reset + 2 * x.faults.cut, `${t}: a state check per silence, unplug and restart`);
      assert.ok(x.saves >= 1 + Math.floor(STEPS / 800), `${t}: saves (${x.saves})`);
      assert.is(x.deviceBoots, 1 + x.faults.reset + 2 * x.faults.cut, `${t}: boots`);
      assert.ok(x.rejectedFrames >= 1, `${t}: the host rejected the frames damaged on their way to it`);
      assert.ok(x.rssStartBytes > 0 && x.rssEndBytes > 0);
    }
    const table = soakTable(out.results);
    assert.match(table, /actuator frames without a valid command \(must be 0\) +\| +0 \|/);
    assert.match(table, /learned-state losses \(must be 0\) +\| +0 \|/);
    process.stdout.write(`\n  soak of ${out.results.map((x) => x.target).join(' and ')}: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  });

  test('a device that stalls past the retransmissions: the host resyncs, and the answer that comes late is late, not invalid', async () => {
    // No faults (the first is 10^9 steps away): only the stalls, 700 ms each, longer than the six
    // copies of a SENSOR_FRAME take (50 ms each).
    const r = await runSoak({ target: native ? 'native' : 'virtual', steps: 900, faultEvery: 1e9, saveEvery: 400, seed: 3, stallEvery: 300, stallMs: 700 });
    assert.is(r.steps, 900);
    assert.ok(r.resyncs >= 2, `resyncs ${r.resyncs}`);
    assert.ok(r.lateActuatorFrames >= 1 && r.lateActuatorFrames <= r.resyncs, `late ${r.lateActuatorFrames} of ${r.resyncs} resyncs`);
    assert.is(r.invalidActuatorFrames, 0);
    assert.is(r.learnedStateLosses, 0);
    assert.equal(soakFailures(r), []);
  });

  test('the soak notices lost learned state (a device whose store is emptied before every restart)', async () => {
    const r = await runSoak({ target: native ? 'native' : 'virtual', steps: 1500, faultEvery: 150, saveEvery: 500, seed: 3, forgetStore: true });
    assert.ok(r.faults.reset >= 1 && r.faults.cut >= 1, JSON.stringify(r.faults));
    assert.ok(r.learnedStateLosses >= r.faults.reset + r.faults.cut, `losses ${r.learnedStateLosses}`);
    assert.ok(soakFailures(r).some((f) => f.includes('learned-state loss')), soakFailures(r).join('; '));
    assert.is(r.invalidActuatorFrames, 0);
  });
}

test('bad options: one line naming the option, exit 2', () => {
  for (const [args, option] of [[['--steps', '0'], '--steps'], [['--steps', '10', '--target', 'uno'], '--target'], [[], '--steps'], [['--steps', '5', '--watchdog-ms', '10'], '--watchdog-ms']] as const) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
    assert.is(r.status, 2, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.is(lines.length, 1, r.stderr);
    assert.ok(lines[0].startsWith('soak: ') && lines[0].includes(option), lines[0]);
    assert.is(r.stdout, '');
  }
});

test.run();
