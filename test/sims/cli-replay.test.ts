import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gymDataFiles } from '../../sims/replay.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin/deeptrace.js'), 'replay', ...args], { encoding: 'utf8', cwd: root });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'deeptrace-replay-'));
const write = (name: string, text: string) => {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, text);
  return f;
};
const pendulum = gymDataFiles().find((f) => f.includes('Pendulum-v1')) as string;

test('replay --json prints env, steps, maxAbsError and exits 0', () => {
  const r = cli(pendulum, '--json');
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(Object.keys(out), ['env', 'steps', 'maxAbsError']);
  assert.is(out.env, 'Pendulum-v1');
  assert.is(out.steps, 200);
  assert.ok(out.maxAbsError <= 1e-6);
});

test('replay without --json prints one human line', () => {
  const r = cli(pendulum);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Pendulum-v1: 200 steps replayed, max \|state error\| = .* \(within 1e-6\)\n$/);
});

test('bad input exits 2 with a one-line error', () => {
  const good = JSON.parse(fs.readFileSync(pendulum, 'utf8'));
  const cases: [string, RegExp][] = [
    [path.join(tmp, 'missing.json'), /cannot read .*no such file/],
    [write('broken.json', '{"env_id": '), /is not valid JSON/],
    [write('nostates.json', JSON.stringify({ ...good, states: undefined })), /field 'states'/],
    [write('unknown.json', JSON.stringify({ ...good, env_id: 'LunarLander-v3' })), /unknown env_id 'LunarLander-v3'/],
  ];
  for (const [file, re] of cases) {
    const r = cli(file);
    assert.is(r.status, 2, `${file}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  assert.is(cli().status, 2, 'missing <file> argument');
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test.run();
