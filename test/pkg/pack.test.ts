// The package as another project uses it: `npm pack`, installed into an empty folder (with uvu,
// as a user's project would have), then plain .mjs files that import it by name: a script that runs
// a plant and a learner, and every file of examples/.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { haveTool, repoRoot } from '../helpers.ts';
import { startDeviceProcess } from '../transport/pty-helpers.ts';
import { decodeSnapshotFile } from '../../host/client/snapshot-file.ts';
import { SELF_TEST_CHECKSUM } from '../core-facts.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'deeptrace-pack-'));
const project = path.join(tmp, 'user-project');
const examples = path.join(repoRoot, 'examples');

function sh(cmd: string, args: string[], cwd: string, timeout = 240_000) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, FORCE_COLOR: '0', npm_config_update_notifier: 'false' } });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

test('npm pack, then npm install of the tarball into an empty folder', () => {
  const packed = sh('npm', ['pack', '--pack-destination', tmp, '--silent'], repoRoot);
  assert.is(packed.code, 0, packed.stderr);
  const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
  assert.ok(tgz, `a tarball in ${tmp}`);
  sh('mkdir', ['-p', project], tmp);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }));
  const installed = sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', path.join(tmp, tgz!), 'uvu@0.5'], project);
  assert.is(installed.code, 0, installed.stderr);
  const pkg = JSON.parse(readFileSync(path.join(project, 'node_modules/deeptrace/package.json'), 'utf8'));
  assert.ok(pkg.exports['./core'] && pkg.exports['./loop'] && pkg.exports['./johnny-five'] && pkg.exports['./client']);
  assert.ok(existsSync(path.join(project, 'node_modules/deeptrace/dist/index.d.ts')), 'types are shipped');
});

test('a plain .mjs script imports the package, runs a plant and a learner', () => {
  writeFileSync(path.join(project, 'mine.mjs'), `
import { Core, MCU_REF } from 'deeptrace/core';
import { TASKS, SCENARIOS, networkController, networkConfig, pdController, runTracking, rms, phasesFor } from 'deeptrace/loop';
import { Arm2 } from 'deeptrace/plants';
import * as all from 'deeptrace';
const task = TASKS.arm2;
const phases = phasesFor(20);
const err = (c) => { const t = runTracking(task, c, SCENARIOS.payload, phases, 1); return rms(t.error, t.dt, phases.change, phases.end); };
const core = new Core().configure(MCU_REF).initWeights();
const y = core.step(new Float64Array(8).fill(1));
console.log(JSON.stringify({ pd: err(pdController(task)), learner: err(networkController(task, networkConfig(task, 'deep-fact', 1), 'mine')), dt: new Arm2().dt, y: Array.from(y), selfTest: new Core().selfTest(), same: all.Core === Core }));
`);
  const r = sh(process.execPath, ['mine.mjs'], project);
  assert.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.is(out.selfTest, SELF_TEST_CHECKSUM);
  assert.is(out.dt, 0.01);
  assert.is(out.y.length, 2);
  assert.ok(out.same, 'the main entry re-exports the subpaths');
  assert.ok(out.learner < 0.5 * out.pd, `learner ${out.learner} vs PD ${out.pd}`);
});

test('examples/controller.test.mjs: a user\'s uvu test of a controller on a simulated plant passes', () => {
  copyFileSync(path.join(examples, 'controller.test.mjs'), path.join(project, 'controller.test.mjs'));
  const r = sh(process.execPath, ['controller.test.mjs'], project);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /Passed:\s+1/);
});

test('examples/motor-adaptation.mjs: the johnny-five program on the emulated Uno', () => {
  copyFileSync(path.join(examples, 'motor-adaptation.mjs'), path.join(project, 'motor-adaptation.mjs'));
  const r = sh(process.execPath, ['motor-adaptation.mjs', '8'], project);
  assert.is(r.code, 0, r.stderr);
  const m = /RMS error over the second half: (\d+\.\d+) rad/.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.ok(Number(m![1]) < 0.5, r.stdout);
});

if (haveTool('socat', 'the serial example talks to `deeptrace device --pty`')) {
  test('examples/serial-device.mjs: a closed loop with the learner on the virtual device, over a pty', async () => {
    copyFileSync(path.join(examples, 'serial-device.mjs'), path.join(project, 'serial-device.mjs'));
    const dev = await startDeviceProcess(['--link', path.join(tmp, 'port'), '--quiet']);
    try {
      const out = path.join(project, 'learned.dtsnap');
      const r = spawnSync(process.execPath, ['serial-device.mjs', dev.hostPath, out], { cwd: project, encoding: 'utf8', timeout: 120_000 });
      assert.is(r.status, 0, r.stderr);
      assert.match(r.stdout, /500 control steps over serial/);
      assert.ok(decodeSnapshotFile(readFileSync(out), out).length > 32, 'an intact snapshot file');
    } finally {
      await dev.stop();
    }
  });
}

test.run();
