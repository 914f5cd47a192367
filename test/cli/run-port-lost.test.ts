// `run --port` when the device goes away mid-run (the virtual device of `deeptrace device --pty`
// stopped, its pty gone, as a USB cable pulled): it does not reconnect; it stops, prints and writes
// the report for what ran, says why on one line and exits 1. Both while a controller runs on the
// device and while one runs on the host (the loss shows at the next device run).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { haveTool } from '../helpers.ts';
import { runCliAsync, startDeviceProcess } from '../transport/pty-helpers.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'deeptrace-run-port-lost-'));

/** Resolves once `text()` matches `re` (polled), or rejects after `ms`. */
async function until(text: () => string, re: RegExp, ms = 30_000): Promise<void> {
  for (const t0 = Date.now(); !re.test(text()); await sleep(10)) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${re}: ${text()}`);
  }
}

/**
 * `run --port --seconds 40 --json --out DIR` against a fresh virtual device, which is stopped (its
 * links removed) `afterMs` after its log matches `when`; returns the run's exit code, stderr and JSON.
 */
async function runAndUnplug(name: string, when: RegExp, afterMs = 0) {
  const dev = await startDeviceProcess(['--link', path.join(tmp, name)]);
  const out = path.join(tmp, `${name}-runs`);
  const run = runCliAsync(['run', '--port', dev.hostPath, '--seconds', '40', '--json', '--out', out], { timeoutMs: 90_000 });
  await until(dev.stderr, when);
  await sleep(afterMs);
  assert.is(await dev.stop(), 0);
  assert.not.ok(existsSync(dev.hostPath), 'the device removed its link');
  const r = await run;
  return { ...r, json: r.stdout ? JSON.parse(r.stdout) : null };
}

function assertStoppedWithReport(r: Awaited<ReturnType<typeof runAndUnplug>>, controller: string, rowsRan: number): void {
  assert.is(r.code, 1, r.stderr);
  const lines = r.stderr.trim().split('\n').filter((l) => !/ done \(\d\/\d\)$/.test(l));
  assert.is(lines.length, 1, r.stderr);
  assert.match(lines[0], new RegExp(`^deeptrace: error: run --port \\S+ stopped during '${controller.replace(/[()]/g, '\\$&')}' at t = [\\d.]+ s: .*(the link to the device closed|no answer from the device); the table covers what ran$`));
  const t = r.json;
  assert.is(t.stopped.controller, controller);
  assert.match(t.stopped.reason, /the link to the device closed|no answer from the device/);
  assert.is(t.rows.length, rowsRan);
  assert.is(t.rows[0].controller, 'PD alone');
  assert.ok(Number.isFinite(t.rows[0].rmsAfter), 'the controllers that finished have their numbers');
  const table = JSON.parse(readFileSync(path.join(t.report, 'table.json'), 'utf8'));
  assert.is(table.rows.length, rowsRan);
  assert.ok(existsSync(path.join(t.report, 'report.html')) && existsSync(path.join(t.report, 'series.csv')));
}

if (haveTool('socat', "run --port is tested against 'deeptrace device --pty'")) {
  test('the device goes away while the frozen network runs on it: stopped there, report for what ran, exit 1', async () => {
    // 300 ms into the first device run (the frozen network: START, then LEARN off at the warm-up's end)
    const r = await runAndUnplug('during', /START: OK/, 300);
    assertStoppedWithReport(r, 'frozen network', 2);
    assert.ok(r.json.stopped.t > 0, `stopped at t = ${r.json.stopped.t}`);
    assert.is(r.json.rows[1].rmsAfter, null, 'an unfinished run has no after-change number');
  });

  test('the device goes away while Slotine-Li runs on the host: stopped at the next device run, report for the three that ran, exit 1', async () => {
    const r = await runAndUnplug('between', /LEARN off: OK[\s\S]*STOP: OK/);
    assertStoppedWithReport(r, 'online deep e-prop (deep-fact)', 3);
    assert.is(r.json.stopped.t, 0);
    assert.ok(Number.isFinite(r.json.rows[2].rmsAfter), 'Slotine-Li finished');
  });
}

test.run();
