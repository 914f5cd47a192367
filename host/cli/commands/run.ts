// `deeptrace run`: the closed-loop online-adaptation demo on a simulated plant (what `npm start` runs).
import type { Command } from 'commander';
import { runDemo, CONTROLLER_COUNT, demoControllerNames, type DemoOptions } from '../../../sims/loop/demo.ts';
import { TASKS, TASK_PLANTS, REFERENCE_KINDS, type ReferenceKind } from '../../../sims/loop/task.ts';
import { SCENARIOS, SCENARIO_NAMES } from '../../../sims/loop/scenarios.ts';
import { CORE_ENGINES, type CoreEngine } from '../../core/config.ts';
import { demoHeadline, demoTable } from '../../report/table.ts';
import { demoJson, writeFolder, writeReport } from '../../report/write.ts';
import { runForwardModel } from '../../../sims/loop/forward-model.ts';
import { progressBar } from '../progress.ts';
import { liveView } from '../../report/live.ts';
import { BAUD_HELP, baud, integer, oneOf, positive } from '../options.ts';
import { DEFAULT_BAUD, FIRMATA_BAUD } from '../../transport/baud.ts';
import { UsageError } from '../errors.ts';
import { mcapPathProblem, writeMcapFile } from '../../report/mcap.ts';
import { checkSerialPort, makeOutputFolder } from '../paths.ts';

interface Flags {
  plant: string;
  scenario: string;
  engine: CoreEngine;
  seconds?: number;
  seed: number;
  json?: boolean;
  plot: boolean;
  out: string;
  report: boolean;
  mode: 'tracking' | 'forward-model';
  reference: ReferenceKind;
  port?: string;
  firmata?: string;
  baud?: number;
  mcap?: string;
}

export function runCommand(program: Command): void {
  program
    .command('run')
    .description('closed-loop online adaptation on a simulated plant: PD alone, frozen network, classical adaptive controller, online deep e-prop and a model-free RLS baseline, with a disturbance halfway (the learner runs here, on a device with --port, or drives a Firmata board with --firmata)')
    .option('--plant <name>', `plant: ${TASK_PLANTS.join('|')}`, oneOf('--plant', TASK_PLANTS), 'arm2')
    .option('--scenario <name>', `what changes halfway: ${SCENARIO_NAMES.join('|')}`, oneOf('--scenario', SCENARIO_NAMES), 'payload')
    .option('--engine <name>', `learning rule of the core: ${CORE_ENGINES.join('|')}`, oneOf('--engine', CORE_ENGINES), 'deep-fact')
    .option('--seconds <s>', 'simulated duration in seconds (default: 120 for arm2, 30 for motor)', positive('--seconds'))
    .option('--seed <n>', 'seed of the plant and the network (integer >= 0)', integer('--seed', 0, 2 ** 31 - 1), 1)
    .option('--json', 'print the table as JSON on stdout (the report is still written)')
    .option('--no-plot', 'no live plot on the terminal')
    .option('--out <dir>', 'where report folders go', 'runs')
    .option('--no-report', 'do not write a report folder')
    .option('--reference <kind>', 'what to track: periodic (the task\'s periodic reference) or random (a seeded random smooth one, band-limited and within the same range, that the learner has never seen; seeded by --seed)', oneOf('--reference', REFERENCE_KINDS), 'periodic')
    .option('--mode <mode>', 'tracking: feedback-error learning of the control command; forward-model: learn to predict the next sensor reading while PD tracks', oneOf('--mode', ['tracking', 'forward-model'] as const), 'tracking')
    .option('--port <path>', "run the network on a device at this serial port (e.g. the path 'deeptrace device --pty' prints); the plant stays simulated here. Ctrl-C stops: STOP is sent and the report covers what ran. If the device goes away the run stops the same way and exits 1 (no reconnect)")
    .option('--firmata <path>', "drive a real Firmata board (StandardFirmata on an Uno; wiring in 'deeptrace firmata --help') with the learner on this PC: the same code path as the emulated rig of 'deeptrace firmata'; motor plant, no scenario, --seconds defaults to 24 per controller")
    .option('--mcap <file>', "also write the run's telemetry to this MCAP file, which Foxglove opens: per controller the reference, joint positions, commands and tracking error, the networks' output and learning signal (u_pd, loss), and the events (end of the warm-up, the change); simulated time, JSON-schema channels")
    .option('--baud <rate>', `with --port or --firmata: ${BAUD_HELP} (default: ${DEFAULT_BAUD} with --port, ${FIRMATA_BAUD} with --firmata)`, baud('--baud'))
    .action(async (f: Flags) => {
      if (f.baud !== undefined && f.port === undefined && f.firmata === undefined) throw new UsageError('--baud goes with --port or --firmata');
      if (f.mcap !== undefined) {
        if (f.firmata !== undefined) throw new UsageError('--mcap goes with the simulated run or --port, not --firmata');
        if (f.mode !== 'tracking') throw new UsageError('--mcap records --mode tracking only');
        const problem = mcapPathProblem(f.mcap);
        if (problem) throw new UsageError(`--mcap ${f.mcap}: cannot write it: ${problem}`);
      }
      if (f.firmata !== undefined && f.reference !== 'periodic') throw new UsageError('--reference random does not go with --firmata (the rig tracks its own reference)');
      if (f.firmata !== undefined) {
        if (f.port !== undefined) throw new UsageError('--firmata and --port exclude each other');
        const { firmataAction } = await import('./firmata.ts');
        await firmataAction({ port: f.firmata, portOption: '--firmata', baud: f.baud, seconds: f.seconds ?? 24, seed: f.seed, engine: f.engine, scenario: 'none', sampling: 20, json: f.json, plot: f.plot, out: f.out, report: f.report });
        return;
      }
      const o: DemoOptions = { plant: f.plant, scenario: f.scenario, engine: f.engine, seconds: f.seconds ?? TASKS[f.plant].defaultSeconds, seed: f.seed, reference: f.reference };
      if (f.port !== undefined && f.mode !== 'tracking') throw new UsageError('--port runs --mode tracking only');
      if (f.port !== undefined) checkSerialPort('--port', f.port); // before --out makes a folder for a run that cannot start
      if (f.report) makeOutputFolder('--out', f.out);
      if (f.port !== undefined) return (await import('../../client/run-on-port.ts')).runOnPort(o, { ...f, port: f.port });
      if (f.mode === 'forward-model') {
        if (f.reference !== 'periodic') throw new UsageError('--reference random goes with --mode tracking');
        return forwardModel(o, f);
      }
      const names = demoControllerNames(f.plant, f.engine);
      const tty = process.stderr.isTTY === true;
      const live = tty ? liveView(names, f.plot) : null;
      if (!f.json) process.stdout.write(`deeptrace run: ${o.plant}, scenario '${o.scenario}' (${SCENARIOS[o.scenario].description} at t = ${o.seconds / 2} s), engine ${o.engine}, ${o.seconds} s simulated\n`);
      let announced = -1;
      const result = runDemo(o, {
        onStep(c, k, steps, trace) {
          live?.update(c, k, steps, trace);
          if (!tty && k === steps - 1 && c > announced) {
            announced = c;
            process.stderr.write(`deeptrace: ${names[c]} done (${c + 1}/${CONTROLLER_COUNT})\n`);
          }
        },
      });
      live?.finish();
      const dir = f.report ? await writeReport(result, f.out) : null;
      const mcap = f.mcap !== undefined ? await writeMcapFile(f.mcap, result) : undefined;
      if (f.json) {
        process.stdout.write(JSON.stringify({ ...demoJson(result), report: dir, ...(mcap !== undefined ? { mcap } : {}) }) + '\n');
        return;
      }
      process.stdout.write(`\n${demoHeadline(result)}\n\n${demoTable(result)}\n`);
      if (dir) process.stdout.write(`\nreport: ${dir}/report.html (table.json, series.csv, plot.svg)\n`);
      if (mcap) process.stdout.write(`telemetry: ${mcap} (MCAP; open it in Foxglove)\n`);
    });
}

async function forwardModel(o: DemoOptions, f: Flags): Promise<void> {
  const bar = progressBar('forward model', 100);
  const r = runForwardModel(o, (k, steps) => {
    if (k % Math.ceil(steps / 100) === 0) bar.update(Math.round((100 * k) / steps));
  });
  bar.stop();
  const json = { mode: 'forward-model', plant: r.plant, scenario: r.scenario, engine: r.engine, seconds: r.seconds, seed: r.seed, phases: r.phases, rows: r.rows };
  const dir = f.report ? await writeFolder(f.out, async () => ({ 'table.json': JSON.stringify(json, null, 2) + '\n' })) : null;
  if (f.json) {
    process.stdout.write(JSON.stringify({ ...json, report: dir }) + '\n');
    return;
  }
  process.stdout.write(
    `deeptrace run --mode forward-model: ${o.plant}: predict the change of the sensor readings over one step while PD tracks\n\n` +
      `${demoHeadline(r)}\n\n${demoTable(r, 'RMS prediction error', 'sensor units', 'predictor')}\n`,
  );
  if (dir) process.stdout.write(`\nreport: ${dir}/table.json\n`);
}
