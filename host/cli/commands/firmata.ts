// `deeptrace firmata`: the hardware-in-the-loop rig (host/firmata/rig.ts). PD alone vs PD + the
// online learner on the motor through a Firmata board: a real Uno on --port, or (default) the
// emulated ATmega328P running the real StandardFirmata .hex, or --sim (the sim IO plugin).
// `firmataAction` is what `deeptrace run --firmata PATH` calls as well.
import type { Command } from 'commander';
import { runFirmata, type FirmataOptions, type FirmataResult } from '../../firmata/rig.ts';
import { SCENARIO_NAMES } from '../../../sims/loop/scenarios.ts';
import { CORE_ENGINES, type CoreEngine } from '../../core/config.ts';
import { demoTable } from '../../report/table.ts';
import { demoJson, writeReport } from '../../report/write.ts';
import { liveView } from '../../report/live.ts';
import { UsageError } from '../errors.ts';
import { checkSerialPort, makeOutputFolder, serialOpenUsageError } from '../paths.ts';
import { BAUD_HELP, baud, integer, oneOf, positive } from '../options.ts';
import { FIRMATA_BAUD } from '../../transport/baud.ts';

export interface FirmataFlags {
  port?: string;
  /** The option `port` came from, for error messages (default --port; run says --firmata). */
  portOption?: string;
  /** Line rate of --port (undefined: FIRMATA_BAUD). */
  baud?: number;
  sim?: boolean;
  seconds: number;
  seed: number;
  engine: CoreEngine;
  scenario: string;
  sampling: number;
  json?: boolean;
  plot?: boolean;
  out: string;
  report: boolean;
}

export function firmataHeadline(r: FirmataResult): string {
  const speed = r.emulationSpeed?.length ? `; emulation ran at ${(r.emulationSpeed.reduce((a, b) => a + b, 0) / r.emulationSpeed.length).toFixed(2)} emulated s per wall s` : '';
  return `motor through ${r.board}${r.firmware ? ` (${r.firmware})` : ''}, ${Math.round(1 / r.traces[0].dt)} Hz control, ` +
    `scenario '${r.scenario}', ${r.seconds} s per controller, seed ${r.seed}; errors after the ${r.phases.warmup} s warm-up, ` +
    `before/after t = ${r.phases.change} s${speed}; ${r.wallSeconds.toFixed(1)} s wall`;
}

/** Run the rig with CLI flags and print the table (or JSON); writes the report folder unless told not to. */
export async function firmataAction(f: FirmataFlags): Promise<FirmataResult> {
  if (f.port !== undefined && f.sim) throw new UsageError('--port and --sim exclude each other');
  if (f.baud !== undefined && f.port === undefined) throw new UsageError('--baud goes with --port (a real board)');
  if (f.port !== undefined) checkSerialPort(f.portOption ?? '--port', f.port);
  if (f.report) makeOutputFolder('--out', f.out);
  const o: FirmataOptions = {
    ...(f.port !== undefined ? { path: f.port, baudRate: f.baud ?? FIRMATA_BAUD } : f.sim ? { sim: true } : { emulated: true }),
    seconds: f.seconds, seed: f.seed, engine: f.engine, scenario: f.scenario, samplingMs: f.sampling,
  };
  const names = ['PD alone', `online deep e-prop (${f.engine})`];
  const tty = process.stderr.isTTY === true;
  const live = tty ? liveView(names, f.plot !== false) : null;
  const header = () => {
    if (!f.json) process.stdout.write(`deeptrace firmata: ${o.path ?? (o.sim ? 'sim IO plugin' : 'emulated Uno (StandardFirmata)')}, ${f.seconds} s per controller\n`);
  };
  // A real port shows it is no terminal (/dev/null) only when it is opened: its header waits for the
  // board, so that such a port gets the usage error alone.
  if (o.path === undefined) header();
  let announced = -1;
  let ready = false;
  let r: FirmataResult;
  try {
    r = await runFirmata(o, {
      onReady(c) {
        if (c === 0 && o.path !== undefined) header();
        ready = true;
      },
      onStep(c, k, steps, trace) {
        live?.update(c, k, steps, trace);
        if (!tty && k === steps - 1 && c > announced) {
          announced = c;
          process.stderr.write(`deeptrace: ${names[c]} done (${c + 1}/${names.length})\n`);
        }
      },
    });
  } catch (err) {
    // only the first open can show the path was wrong; later failures are the board's
    throw (o.path !== undefined && !ready ? serialOpenUsageError(f.portOption ?? '--port', o.path, err) : null) ?? err;
  }
  live?.finish();
  const dir = f.report ? await writeReport(r, f.out) : null;
  if (f.json) {
    process.stdout.write(JSON.stringify({ ...demoJson(r), board: r.board, firmware: r.firmware, emulationSpeed: r.emulationSpeed, wallSeconds: r.wallSeconds, report: dir }) + '\n');
  } else {
    process.stdout.write(`\n${firmataHeadline(r)}\n\n${demoTable(r)}\n`);
    if (dir) process.stdout.write(`\nreport: ${dir}/report.html (table.json, series.csv, plot.svg)\n`);
  }
  return r;
}

export function firmataCommand(program: Command): void {
  program
    .command('firmata')
    .description('hardware in the loop: PD alone vs PD + online deep e-prop on a motor through a Firmata board (default: an emulated Uno running StandardFirmata)')
    .option('--port <path>', 'serial port of a real Uno running StandardFirmata (motor: H-bridge PWM D3, DIR D12; angle A0 -4..4 rad; speed A1 -20..20 rad/s)')
    .option('--baud <rate>', `with --port: ${BAUD_HELP} (default: ${FIRMATA_BAUD}, StandardFirmata's)`, baud('--baud'))
    .option('--sim', 'the simulated IO plugin instead of a board (no firmware; fast)')
    .option('--seconds <s>', 'seconds of control per controller', positive('--seconds'), 24)
    .option('--seed <n>', 'seed of the plant and the network (integer >= 0)', integer('--seed', 0, 2 ** 31 - 1), 1)
    .option('--engine <name>', `learning rule of the core: ${CORE_ENGINES.join('|')}`, oneOf('--engine', CORE_ENGINES), 'deep-fact')
    .option('--scenario <name>', `what changes halfway (simulated plants only): ${SCENARIO_NAMES.join('|')}`, oneOf('--scenario', SCENARIO_NAMES), 'none')
    .option('--sampling <ms>', 'Firmata sampling interval = control period (ms)', integer('--sampling', 5, 1000), 20)
    .option('--json', 'print the table as JSON on stdout')
    .option('--no-plot', 'no live plot on the terminal')
    .option('--out <dir>', 'where report folders go', 'runs')
    .option('--no-report', 'do not write a report folder')
    .action(async (f: FirmataFlags) => {
      await firmataAction(f);
    });
}
