// The port commands as a user runs them, against `deeptrace device --pty` (the virtual device on a
// socat pty pair, in its own process): run --port (the learner beats PD alone; Ctrl-C stops
// cleanly), snapshot save/load (round trip, corrupt file refused), upload, monitor, and one-line
// errors with exit code 2 for bad input.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { haveTool, repoRoot, runCli } from '../helpers.ts';
import { readMcap } from '../mcap-read.ts';
import { runCliAsync, startDeviceProcess, type DeviceProcess } from '../transport/pty-helpers.ts';
import { startSocat } from '../../host/transport/socat.ts';
import { SerialTransport } from '../../host/transport/serial.ts';
import { MessageLink } from '../../host/transport/link.ts';
import { Status, TelemetryFlag } from '../../host/protocol/index.ts';
import { generateKeyPairSync } from 'node:crypto';
import { loadSigningKey, signImage } from '../../host/signing/index.ts';
import { CORE_VERSION_TEXT, HELLO_CORE_VERSION, SELF_TEST_CHECKSUM, SELF_TEST_HEX } from '../core-facts.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'deeptrace-serial-cli-'));
const IMPORTING_WASM = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 2, 9, 1, 3, 0x65, 0x6e, 0x76, 1, 0x66, 0, 0);

function oneLineError(r: { code: number; stderr: string }, code: number, pattern: RegExp): void {
  assert.is(r.code, code, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.is(lines.length, 1, r.stderr);
  assert.match(lines[0], pattern);
}

test('bad input: one line naming the problem, exit 2', () => {
  const missing = path.join(tmp, 'no-such-port');
  writeFileSync(path.join(tmp, 'text.wasm'), 'hello');
  oneLineError(runCli(['device']), 2, /exactly one of --pty .* or --port/);
  oneLineError(runCli(['run', '--port', missing, '--seconds', '1', '--no-report']), 2, /--port .*no such serial port/);
  oneLineError(runCli(['snapshot', 'load', '--port', missing, path.join(tmp, 'missing.snap')]), 2, /cannot read it \(ENOENT\)/);
  oneLineError(runCli(['upload', '--port', missing, path.join(tmp, 'text.wasm')]), 2, /not a WebAssembly module/);
  oneLineError(runCli(['monitor']), 2, /--port/);
  const help = runCli(['device', '--help']);
  assert.is(help.code, 0);
  assert.match(help.stdout, /--pty/);
  assert.match(runCli(['run', '--help']).stdout, /--port <path>/);
});

if (haveTool('socat', "the port commands are tested against 'deeptrace device --pty'")) {
  let dev: DeviceProcess;
  const snap = (name: string) => path.join(tmp, name);

  test('device --pty prints the host-side path', async () => {
    dev = await startDeviceProcess(['--link', path.join(tmp, 'port')]);
    assert.is(dev.hostPath, path.join(tmp, 'port'));
    assert.ok(existsSync(dev.hostPath));
  });

  test('run --port --seconds 20: same table as the simulated run, and the online learner ends well below PD alone', async () => {
    const out = path.join(tmp, 'runs');
    const mcap = path.join(tmp, 'port.mcap');
    const r = runCli(['run', '--port', dev.hostPath, '--seconds', '20', '--json', '--out', out, '--mcap', mcap], { timeout: 60000 });
    assert.is(r.code, 0, r.stderr);
    const t = JSON.parse(r.stdout);
    assert.is(t.stopped, null);
    assert.is(t.device.selfTestChecksum, SELF_TEST_CHECKSUM);
    assert.equal(t.rows.map((x: { controller: string }) => x.controller), ['PD alone', 'frozen network', 'Slotine-Li adaptive', 'online deep e-prop (deep-fact)', 'RLS feed-forward (no network)']);
    // the same table as in process, bit for bit (the in-process controller does the device's arithmetic)
    const local = runCli(['run', '--seconds', '20', '--json', '--no-report']);
    assert.is(local.code, 0, local.stderr);
    assert.equal(t.rows, JSON.parse(local.stdout).rows);
    const pd = t.rows[0];
    const online = t.rows[3];
    assert.ok(online.rmsAfter < 0.6 * pd.rmsAfter, `after the change: online ${online.rmsAfter} vs PD ${pd.rmsAfter}`);
    assert.ok(online.rmsBefore < 0.6 * pd.rmsBefore, `before the change: online ${online.rmsBefore} vs PD ${pd.rmsBefore}`);
    assert.ok(existsSync(path.join(t.report, 'report.html')) && existsSync(path.join(t.report, 'series.csv')));
    // --mcap: the device's networks have a learner channel too (u = u_pd + u_net as the device answered)
    assert.is(t.mcap, mcap);
    const { byTopic } = await readMcap(mcap);
    for (const key of ['frozen_network', 'online_deep_e_prop_deep_fact']) {
      const l = byTopic.get(`/${key}/learner`)!;
      const u = byTopic.get(`/${key}/command`)!;
      assert.is(l.length, 2000, key);
      assert.is(u.length, 2000, key);
      assert.ok(l.every((m, k) => m.data.learning === (key.startsWith('online') || k < 500)), `${key}: learning flags`);
      assert.ok(l.every((m, k) => m.data.u_pd.every((p: number, j: number) => Math.abs(p + m.data.u_net[j] - u[k].data.u[j]) < 1e-9)), `${key}: u = u_pd + u_net`);
    }
    assert.is(byTopic.get('/pd_alone/learner'), undefined);
    assert.equal(byTopic.get('/events')!.map((e) => e.data.kind), ['warmup_end', 'change']);
    await new Promise((res) => setTimeout(res, 100)); // the device's log, read while runCli blocked
    assert.match(dev.stderr(), /CONFIGURE: OK[\s\S]*START: OK[\s\S]*LEARN off: OK[\s\S]*STOP: OK/);
  });

  test('snapshot save / load round-trips through files; a corrupted file is refused and the device is untouched', () => {
    const save = (f: string) => runCli(['snapshot', 'save', '--port', dev.hostPath, snap(f)]);
    const s1 = save('a.snap');
    assert.is(s1.code, 0, s1.stderr);
    assert.match(s1.stdout, /saved a \d+-byte snapshot/);
    // Another short run changes the learner's state (same configuration).
    assert.is(runCli(['run', '--port', dev.hostPath, '--seconds', '1', '--json', '--no-report']).code, 0);
    assert.is(save('b.snap').code, 0);
    assert.not.equal(readFileSync(snap('b.snap')), readFileSync(snap('a.snap')));
    const load = runCli(['snapshot', 'load', '--port', dev.hostPath, snap('a.snap')]);
    assert.is(load.code, 0, load.stderr);
    assert.is(save('c.snap').code, 0);
    assert.equal(readFileSync(snap('c.snap')), readFileSync(snap('a.snap')));
    const bad = readFileSync(snap('b.snap'));
    bad[bad.length >> 1] ^= 0x01;
    writeFileSync(snap('bad.snap'), bad);
    oneLineError(runCli(['snapshot', 'load', '--port', dev.hostPath, snap('bad.snap')]), 2, /bad\.snap: corrupt: CRC-32 mismatch/);
    assert.is(save('d.snap').code, 0);
    assert.equal(readFileSync(snap('d.snap')), readFileSync(snap('a.snap')));
  });

  test('upload: the debug build is swapped in (checksum in the new HELLO); a module with an import, an unsigned and a wrongly signed one are refused', () => {
    const ok = runCli(['upload', '--port', dev.hostPath, path.join(repoRoot, 'build/core.debug.wasm')]);
    assert.is(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, new RegExp(`now: +'deeptrace-virtual', protocol 1, core ${CORE_VERSION_TEXT.replace('.', '\\.')}, self-test checksum ${SELF_TEST_HEX}`));
    writeFileSync(snap('import.wasm'), IMPORTING_WASM);
    oneLineError(runCli(['upload', '--port', dev.hostPath, snap('import.wasm')]), 2, /cannot read the signature '.*import\.wasm\.sig': no such file/);
    // signed as the build signs (the device was provisioned with the build's public key)
    writeFileSync(snap('import.wasm.sig'), signImage(IMPORTING_WASM, loadSigningKey().key));
    oneLineError(runCli(['upload', '--port', dev.hostPath, snap('import.wasm')]), 1, /E_UPLOAD_SELF_TEST \(the module imports env\.f; a core must import nothing\)/);
    writeFileSync(snap('other.sig'), signImage(IMPORTING_WASM, generateKeyPairSync('ed25519').privateKey));
    oneLineError(runCli(['upload', '--port', dev.hostPath, '--signature', snap('other.sig'), snap('import.wasm')]), 1, /E_UPLOAD_SIGNATURE \(the image's signature does not verify/);
    assert.is(runCli(['snapshot', 'save', '--port', dev.hostPath, snap('e.snap')]).code, 0, 'the device still answers');
  });

  test('run --port, Ctrl-C: STOP is sent, the report covers what ran, exit 0', async () => {
    const out = path.join(tmp, 'runs-interrupted');
    const mcap = path.join(tmp, 'interrupted.mcap');
    // interrupt a second into the second controller (the frozen network, on the device)
    const r = await runCliAsync(['run', '--port', dev.hostPath, '--seconds', '300', '--json', '--out', out, '--mcap', mcap], { interruptWhen: ({ stderr }) => /PD alone done/.test(stderr), interruptAfterMs: 1000 });
    assert.is(r.code, 0, `exit ${r.code}; stderr: ${r.stderr}`);
    const t = JSON.parse(r.stdout);
    assert.is(t.stopped.reason, 'interrupted');
    assert.ok(t.rows.length >= 1 && t.rows.length < 5);
    assert.ok(existsSync(path.join(t.report, 'report.html')));
    // the MCAP file covers what ran too, and says where it stopped
    const { byTopic } = await readMcap(mcap);
    const stop = byTopic.get('/events')!.find((e) => e.data.kind === 'stopped');
    assert.ok(stop, 'a stopped event');
    assert.ok(Math.abs(stop!.data.t - t.stopped.t) < 1e-9, `${stop!.data.t} vs ${t.stopped.t}`);
    assert.is(byTopic.get('/pd_alone/state')!.length, Math.round((t.stopped.controller === 'PD alone' ? t.stopped.t : 300) / 0.01));
    await new Promise((res) => setTimeout(res, 100));
    assert.match(dev.stderr().split('START: OK').pop()!, /STOP: OK/);
  });

  test('the device stops on Ctrl-C and removes its pty links', async () => {
    assert.is(await dev.stop(), 0);
    assert.is(existsSync(dev.hostPath), false);
    assert.match(dev.stderr(), /stopped; \d+ frame\(s\) received, 0 rejected/);
  });

  test('monitor prints the telemetry and errors a device sends', async () => {
    const pair = await startSocat();
    const link = new MessageLink(await SerialTransport.open(pair.a));
    let timer: NodeJS.Timeout | null = null;
    link.on('message', (e) => {
      if (e.message.type !== 'HELLO' || timer) return;
      link.send({ type: 'HELLO', protocolVersion: 1, coreVersion: HELLO_CORE_VERSION, selfTestChecksum: SELF_TEST_CHECKSUM, name: 'fake' });
      let step = 0;
      timer = setInterval(() => {
        step += 10;
        link.send({ type: 'TELEMETRY', step, loss: 2048, flags: TelemetryFlag.RUNNING | TelemetryFlag.LEARNING, values: [4096, -2048, 1024, 0] });
        if (step === 30) link.send({ type: 'ERROR', code: Status.E_WATCHDOG, text: 'no sensor frame for 100 ms' });
      }, 50);
    });
    const r = await runCliAsync(['monitor', '--port', pair.b, '--json', '--seconds', '1.5']);
    if (timer) clearInterval(timer);
    await link.close();
    await pair.stop();
    assert.is(r.code, 0, r.stderr);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.is(events[0].event, 'hello');
    assert.is(events[0].name, 'fake');
    const tel = events.filter((e) => e.event === 'telemetry');
    assert.ok(tel.length >= 5, r.stdout);
    assert.equal(tel[0], { event: 'telemetry', step: 10, loss: 0.5, flags: ['RUNNING', 'LEARNING'], y: [1, -0.5], uPd: [0.25, 0] });
    assert.equal(events.filter((e) => e.event === 'error'), [{ event: 'error', code: Status.E_WATCHDOG, name: 'E_WATCHDOG', text: 'no sensor frame for 100 ms' }]);
  });
}

test.run();
