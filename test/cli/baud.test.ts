// --baud on the serial commands as a user runs them: a rate that is not a standard one is a one-line
// usage error (exit 2) on each; --help shows the option and its default; and the rate given reaches
// the port each command opens, read back from the kernel with stty on the ptys of
// `deeptrace device --pty` (a pty keeps the last rate set while socat holds its other side).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assertUsageError, haveTool, repoRoot, runCli } from '../helpers.ts';
import { runCliAsync, startDeviceProcess, type DeviceProcess } from '../transport/pty-helpers.ts';
import { startSocat } from '../../host/transport/socat.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'deeptrace-baud-'));
const missing = path.join(tmp, 'no-such-port');
const speed = (file: string) => Number(execFileSync('stty', ['-F', file, 'speed'], { encoding: 'utf8' }).trim());

test('a rate that is not a standard one: one line naming --baud, what was given and what is allowed, exit 2', () => {
  const r = runCli(['monitor', '--port', missing, '--baud', '12345']);
  assert.is(r.code, 2, r.stderr);
  assert.is(r.stdout, '');
  assert.match(r.stderr, /^deeptrace: error: --baud must be a standard baud rate, one of 50\|75\|.*\|9600\|.*\|115200\|230400\|.*\|4000000, got '12345'\n$/);
  for (const bad of ['abc', '0', '-9600', '115200.5', '1e5', '']) assertUsageError(['monitor', '--port', missing, '--baud', bad], `got '${bad}'`);
  for (const bad of ['12345', 'abc']) assertUsageError(['upload', '--port', missing, '--baud', bad, path.join(tmp, 'core.wasm')], `got '${bad}'`);
  assertUsageError(['snapshot', 'save', '--port', missing, '--baud', 'abc', path.join(tmp, 'a.snap')], '--baud');
  assertUsageError(['snapshot', 'load', '--port', missing, '--baud', '12345', path.join(tmp, 'a.snap')], '--baud');
  assertUsageError(['run', '--port', missing, '--baud', '14400', '--seconds', '1', '--no-report'], "--baud must be a standard baud rate, one of 50|");
  assertUsageError(['device', '--pty', '--baud', 'fast'], '--baud');
  assertUsageError(['firmata', '--port', missing, '--baud', '12345'], '--baud');
});

test('--baud needs a port where a command can also run without one', () => {
  assertUsageError(['run', '--baud', '57600', '--seconds', '1', '--no-report'], '--baud goes with --port or --firmata');
  assertUsageError(['firmata', '--sim', '--baud', '57600'], '--baud goes with --port');
  // A good rate is accepted: the missing port is the error now.
  assertUsageError(['run', '--port', missing, '--baud', '57600', '--seconds', '1', '--no-report'], 'no such serial port');
  assertUsageError(['monitor', '--port', missing, '--baud', '4000000'], 'no such serial port');
});

test('--help of each serial command shows --baud <rate> and its default', () => {
  for (const cmd of [['monitor'], ['upload'], ['snapshot', 'save'], ['snapshot', 'load'], ['device']]) {
    const h = runCli([...cmd, '--help']);
    assert.is(h.code, 0, h.stderr);
    assert.match(h.stdout, /--baud <rate>[\s\S]*\(default:\s+115200\)/, cmd.join(' '));
  }
  assert.match(runCli(['run', '--help']).stdout, /--baud <rate>[\s\S]*\(default:\s+115200\s+with\s+--port,\s+57600\s+with\s+--firmata\)/);
  assert.match(runCli(['firmata', '--help']).stdout, /--baud <rate>[\s\S]*\(default:\s+57600,\s+StandardFirmata's\)/);
});

if (haveTool('socat', "--baud is tested on the ptys of 'deeptrace device --pty'")) {
  let dev: DeviceProcess;
  const link = path.join(tmp, 'port');

  test('device --pty --baud 230400 opens its side at 230400', async () => {
    dev = await startDeviceProcess(['--link', link, '--baud', '230400', '--quiet']);
    assert.is(speed(`${link}.device`), 230400);
    assert.is(speed(link), 38400, 'the host side is untouched so far');
  });

  test('each port command opens the port at the --baud given, and at 115200 without it', async () => {
    const snap = path.join(tmp, 'a.snap');
    const steps: [string[], number][] = [
      [['run', '--port', link, '--baud', '19200', '--seconds', '1', '--json', '--no-report'], 19200],
      [['snapshot', 'save', '--port', link, '--baud', '57600', snap], 57600],
      [['snapshot', 'load', '--port', link, '--baud', '9600', snap], 9600],
      [['upload', '--port', link, '--baud', '460800', path.join(repoRoot, 'build/core.debug.wasm')], 460800],
      [['snapshot', 'save', '--port', link, snap], 115200],
    ];
    for (const [args, rate] of steps) {
      const r = runCli(args, { timeout: 60000 });
      assert.is(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.is(speed(link), rate, args.join(' '));
    }
    const m = await runCliAsync(['monitor', '--port', link, '--baud', '921600', '--json', '--seconds', '1']);
    assert.is(m.code, 0, m.stderr);
    assert.is(JSON.parse(m.stdout.split('\n')[0]).event, 'hello');
    assert.is(speed(link), 921600);
    assert.is(speed(`${link}.device`), 230400, 'the device side kept its rate');
  });

  test('the device stops on Ctrl-C', async () => {
    assert.is(await dev.stop(), 0);
  });

  test('firmata --port and run --firmata open the board at --baud, at 57600 without it', async () => {
    const pair = await startSocat();
    try {
      let before = 38400;
      for (const [args, rate] of [[['firmata', '--port', pair.b, '--baud', '9600'], 9600], [['run', '--firmata', pair.b], 57600], [['run', '--firmata', pair.b, '--baud', '230400'], 230400]] as const) {
        assert.is(speed(pair.b), before, 'before');
        // No board answers on the pty: the rate is read while the command waits for 'ready', then it is killed.
        const child = spawn(process.execPath, [path.join(repoRoot, 'bin/deeptrace.js'), ...args, '--seconds', '1', '--no-report', '--json'], { stdio: 'ignore' });
        const exited = new Promise((r) => child.once('exit', r));
        let got = speed(pair.b);
        for (let i = 0; i < 200 && got !== rate; i++) await new Promise((r) => setTimeout(r, 50)), (got = speed(pair.b));
        assert.is(child.exitCode, null, 'still waiting for the board');
        child.kill('SIGKILL');
        await exited;
        assert.is(got, rate, args.join(' '));
        before = rate;
      }
    } finally {
      await pair.stop();
    }
  });
}

test.run();
