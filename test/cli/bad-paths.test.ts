// Paths that cannot be what an option asks for: a serial port that is missing, a regular file, a
// folder or a character device that is no terminal (/dev/null), and a report folder that cannot be
// made. As a user types them, on every command that opens a port or writes a report: one line on
// stderr saying what is wrong and what is allowed, exit 2, nothing on stdout, before anything runs.
// The checks themselves (host/cli/paths.ts) are tested in-process for the cases in between.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { runCli, repoRoot } from '../helpers.ts';
import { runCliAsync } from '../transport/pty-helpers.ts';
import { writeSnapshotFile } from '../../host/client/snapshot-file.ts';
import { checkSerialPort, makeOutputFolder, serialOpenUsageError } from '../../host/cli/paths.ts';
import { UsageError } from '../../host/cli/errors.ts';
import { SerialTransport } from '../../host/transport/serial.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'deeptrace-bad-paths-'));
const file = path.join(tmp, 'plain.txt');
writeFileSync(file, 'not a serial port\n');
const missing = path.join(tmp, 'missing');
const snap = path.join(tmp, 'ok.snap');
writeSnapshotFile(snap, Uint8Array.of(1, 2, 3));
const core = path.join(repoRoot, 'build/core.wasm'); // signed by the build: upload gets as far as the port
const PORT_ALLOWED = 'a serial port is a terminal device such as /dev/ttyUSB0 or /dev/ttyACM0';
const FOLDER_ALLOWED = 'give a folder that exists or can be made, or --no-report';
const WRONG = {
  missing: 'no such serial port',
  file: 'a regular file, not a serial port',
  folder: 'a folder, not a serial port',
  devNull: 'a character device that is not a terminal, not a serial port',
};

/** The usage error `fn` throws: its message. */
function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.instance(err, UsageError);
    return (err as Error).message;
  }
  throw new Error('no UsageError');
}

test('checkSerialPort: missing, a regular file, a folder, a named pipe are refused by stat; /dev/null and a pty pass to the open', () => {
  assert.is(usage(() => checkSerialPort('--port', missing)), `--port ${missing}: ${WRONG.missing}; ${PORT_ALLOWED} (see 'deeptrace list'), or the path 'deeptrace device --pty' prints`);
  assert.ok(usage(() => checkSerialPort('--port', path.join(file, 'x'))).includes(WRONG.missing));
  assert.ok(usage(() => checkSerialPort('--port', file)).startsWith(`--port ${file}: ${WRONG.file}; ${PORT_ALLOWED}`));
  assert.ok(usage(() => checkSerialPort('--firmata', tmp)).startsWith(`--firmata ${tmp}: ${WRONG.folder}; `));
  const fifo = path.join(tmp, 'fifo');
  execFileSync('mkfifo', [fifo]);
  assert.ok(usage(() => checkSerialPort('--port', fifo)).startsWith(`--port ${fifo}: a named pipe, not a serial port; `));
  checkSerialPort('--port', '/dev/null');
  checkSerialPort('--port', '/dev/ptmx');
});

test('serialOpenUsageError: the open of /dev/null (ENOTTY) is a usage error; a busy or forbidden port is not', async () => {
  const err = await SerialTransport.open('/dev/null').then(() => null, (e: Error) => e);
  assert.ok(err, '/dev/null opened as a serial port');
  assert.ok(serialOpenUsageError('--port', '/dev/null', err)!.message.startsWith(`--port /dev/null: ${WRONG.devNull}; ${PORT_ALLOWED}`));
  assert.ok(serialOpenUsageError('--port', missing, new Error('Error: No such file or directory, cannot open'))!.message.includes(WRONG.missing));
  assert.is(serialOpenUsageError('--port', '/dev/ttyUSB0', new Error('Error: Resource temporarily unavailable Cannot lock port')), null);
  assert.is(serialOpenUsageError('--port', '/dev/ttyUSB0', new Error('Error: Permission denied, cannot open /dev/ttyUSB0')), null);
});

test('makeOutputFolder: makes missing parents one by one; a file in the way, or a place where nothing can be made, is refused', () => {
  const deep = path.join(tmp, 'made', 'a', 'b');
  makeOutputFolder('--out', deep);
  assert.equal(readdirSync(deep), [], 'the probe folder is gone again');
  makeOutputFolder('--out', deep); // exists already: fine
  assert.is(usage(() => makeOutputFolder('--out', path.join(file, 'runs'))), `--out ${path.join(file, 'runs')}: ${file} is a regular file, not a folder; ${FOLDER_ALLOWED}`);
  assert.is(usage(() => makeOutputFolder('--out', file)), `--out ${file}: ${file} is a regular file, not a folder; ${FOLDER_ALLOWED}`);
  if (process.platform === 'linux') {
    // Node 20's recursive mkdir never returns here
    assert.is(usage(() => makeOutputFolder('--out', '/proc/deeptrace/runs')), `--out /proc/deeptrace/runs: cannot make /proc/deeptrace (ENOENT); ${FOLDER_ALLOWED}`);
    assert.is(usage(() => makeOutputFolder('--out', '/proc')), `--out /proc: cannot make a report folder in it (ENOENT); ${FOLDER_ALLOWED}`);
  }
});

/** helpers.ts assertUsageError for many command lines, a few at a time (each is a Node start-up). */
async function assertUsageErrors(cases: [args: string[], expected: string][]): Promise<void> {
  const queue = [...cases];
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const [args, expected] = c;
      const r = await runCliAsync(args);
      assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      const lines = r.stderr.trim().split('\n');
      assert.is(lines.length, 1, r.stderr);
      assert.ok(lines[0].includes(expected), `${lines[0]}\n  expected: ${expected}`);
      assert.is(r.stdout, '', args.join(' '));
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, availableParallelism()) }, worker));
}

// every command that opens a serial port, with the option that names it
const COMMANDS: [string, (port: string) => string[]][] = [
  ['--port', (p) => ['run', '--port', p, '--seconds', '1', '--no-report']],
  ['--port', (p) => ['monitor', '--port', p, '--seconds', '1']],
  ['--port', (p) => ['snapshot', 'save', '--port', p, path.join(tmp, 'out.snap')]],
  ['--port', (p) => ['snapshot', 'load', '--port', p, snap]],
  ['--port', (p) => ['upload', '--port', p, core]],
  ['--port', (p) => ['device', '--port', p]],
  ['--port', (p) => ['firmata', '--port', p, '--seconds', '1', '--no-report']],
  ['--firmata', (p) => ['run', '--firmata', p, '--seconds', '1', '--no-report']],
];

test('every serial command, given a regular file or /dev/null as its port: one line naming the option, the path, what is wrong and what is allowed, exit 2', async () => {
  assert.ok(existsSync(core), 'npm run build first');
  const cases: [string[], string][] = [];
  for (const [option, args] of COMMANDS) {
    cases.push([args(file), `${option} ${file}: ${WRONG.file}; ${PORT_ALLOWED}`]);
    cases.push([args('/dev/null'), `${option} /dev/null: ${WRONG.devNull}; ${PORT_ALLOWED}`]);
  }
  cases.push([COMMANDS[0][1](missing), `--port ${missing}: ${WRONG.missing}; ${PORT_ALLOWED}`]);
  cases.push([COMMANDS[0][1](tmp), `--port ${tmp}: ${WRONG.folder}; ${PORT_ALLOWED}`]);
  cases.push([COMMANDS[5][1](missing), `--port ${missing}: ${WRONG.missing}; ${PORT_ALLOWED}`]);
  cases.push([COMMANDS[6][1](missing), `--port ${missing}: ${WRONG.missing}; ${PORT_ALLOWED}`]);
  await assertUsageErrors(cases);
  assert.not.ok(existsSync(path.join(tmp, 'out.snap')));
});

test('--out that cannot be a folder: one line before the run (not after it), exit 2, on run (each mode) and firmata; a bad port is reported before --out makes anything', async () => {
  const under = path.join(file, 'runs');
  const fresh = path.join(tmp, 'fresh', 'runs');
  await assertUsageErrors([
    [['run', '--seconds', '40', '--out', under], `--out ${under}: ${file} is a regular file, not a folder; ${FOLDER_ALLOWED}`],
    [['run', '--mode', 'forward-model', '--seconds', '40', '--out', file], `--out ${file}: ${file} is a regular file, not a folder; ${FOLDER_ALLOWED}`],
    [['firmata', '--sim', '--seconds', '40', '--out', under], `--out ${under}: ${file} is a regular file`],
    ...(process.platform === 'linux' ? [[['run', '--seconds', '40', '--out', '/proc/deeptrace/runs'], '--out /proc/deeptrace/runs: cannot make /proc/deeptrace (ENOENT)'] as [string[], string]] : []),
    [['run', '--port', file, '--seconds', '1', '--out', fresh], `--port ${file}: ${WRONG.file}`],
  ]);
  assert.not.ok(existsSync(path.join(tmp, 'fresh')));
});

test('an --out that does not exist yet is made, parents too, and holds the report alone', () => {
  const out = path.join(tmp, 'new', 'deep', 'runs');
  const r = runCli(['run', '--seconds', '2', '--json', '--out', out]);
  assert.is(r.code, 0, r.stderr);
  assert.equal(readdirSync(out), [path.basename(JSON.parse(r.stdout).report)]);
});

test.run();
