// `npm run soak -- --steps N`: the closed loop against the virtual device and the native firmware
// over ptys with seeded faults (host/soak/soak.ts), then the table (host/soak/table.ts). Exit 0 when
// every must-be-0 counter is 0 and every fault was recovered, 1 otherwise or when the run fails, 2
// for bad options.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { runProgram } from '../cli/run-program.ts';
import { EXIT_FAILURE, EXIT_OK } from '../cli/errors.ts';
import { integer, oneOf } from '../cli/options.ts';
import { progressBar, type Progress } from '../cli/progress.ts';
import { interruptSignal } from '../client/cli-port.ts';
import { CORE_WASM } from '../core/core.ts';
import { FAULT_KINDS, FAULT_WEIGHTS, SOAK_DEFAULTS, runSoak, soakFailures, type SoakProgress, type SoakResult } from './soak.ts';
import { SoakTarget, TARGET_NAMES, type TargetName } from './targets.ts';
import { soakHeadline, soakTable, soakVerdict } from './table.ts';

interface Flags {
  steps: number;
  seed: number;
  target: TargetName | 'both';
  faultEvery: number;
  saveEvery: number;
  watchdogMs: number;
  json?: boolean;
  verbose?: boolean;
}

/** Non-terminal progress: one line on stderr this often (ms). */
const PROGRESS_LINE_MS = 60_000;

function soakProgram(run: (f: Flags) => Promise<number>): Command {
  const weights = FAULT_KINDS.map((k) => `${k} ${FAULT_WEIGHTS[k]}`).join(', ');
  return new Command('soak')
    .usage('--steps N [options]   (npm run soak -- --steps N [options])')
    .description(
      'the closed loop of arm2 (plant, PD and features on the host, the learner on the device) against the virtual device and the native firmware over socat ptys, ' +
        'with seeded faults: byte corruption and drops on the wire (either way), host silence (the watchdog must put the actuators safe), unplug/replug of the port, ' +
        'device reset (SIGKILL and restart on its store) and a snapshot save cut at a random byte (the store must keep the old or the new state). ' +
        'Prints steps, faults of each kind, recoveries, actuator frames sent without a valid command (must be 0), late ones (the answer to a step the host gave up on and resynced), learned-state losses (must be 0), ' +
        'the watchdog latency max and host memory at start and end',
    )
    .requiredOption('--steps <n>', 'control steps per target (integer >= 1)', integer('--steps', 1))
    .option('--seed <n>', 'seed of the fault schedule, the damage done and the network (integer >= 0)', integer('--seed', 0, 2 ** 31 - 1), SOAK_DEFAULTS.seed)
    .option('--target <name>', `device(s) to soak: ${[...TARGET_NAMES, 'both'].join('|')} (native: firmware/build/native/dt_fw, made by make -C firmware native)`, oneOf('--target', [...TARGET_NAMES, 'both'] as const), 'both')
    .option('--fault-every <n>', `mean control steps between faults; the first six are one of each kind, then drawn with weights ${weights}`, integer('--fault-every', 1), SOAK_DEFAULTS.faultEvery)
    .option('--save-every <n>', 'control steps between saves of the learned state (SNAPSHOT_GET, then STOP, which persists it, then START)', integer('--save-every', 1), SOAK_DEFAULTS.saveEvery)
    .option('--watchdog-ms <ms>', "the device's watchdog (CONFIGURE watchdogMs)", integer('--watchdog-ms', 50, 60_000), SOAK_DEFAULTS.watchdogMs)
    .option('--json', 'print the results as one JSON object on stdout instead of the table')
    .option('--verbose', 'one line per fault, damaged frame and recovery on stderr')
    .addHelpText(
      'after',
      '\nExamples:\n  npm run soak -- --steps 20000 --target virtual\n  npm run soak -- --steps 10000000 --seed 7 --json > soak.json\n\n' +
        'Exit status: 0 when every must-be-0 counter is 0 and every fault was recovered; 1 when not, or when the run fails; 2 for bad options.\n' +
        'Ctrl-C stops after the current step; the table covers what ran.\n',
    )
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(`soak: ${str.trim()} (see --help)\n`) })
    .action(async (f: Flags) => {
      await run(f);
    });
}

function progressFor(target: TargetName, total: number, json: boolean): { update(p: SoakProgress): void; stop(): void } {
  const tty = process.stderr.isTTY === true;
  const bar: Progress | null = tty ? progressBar(`soak ${target}`, total) : null;
  let last = performance.now();
  return {
    update(p) {
      const info = { 'steps/s': Math.round(p.stepsPerSecond).toString(), faults: p.faults.toString() };
      if (bar) return bar.update(Math.min(p.steps, total), info);
      if (json || performance.now() - last < PROGRESS_LINE_MS) return;
      last = performance.now();
      process.stderr.write(`soak ${target}: ${p.steps.toLocaleString('en-US')}/${total.toLocaleString('en-US')} steps, ${info['steps/s']} steps/s, ${p.faults} faults\n`);
    },
    stop() {
      bar?.stop();
    },
  };
}

async function soak(f: Flags): Promise<number> {
  const targets: TargetName[] = f.target === 'both' ? [...TARGET_NAMES] : [f.target];
  if (!existsSync(CORE_WASM)) throw new Error(`${CORE_WASM} is missing: run npm run build`);
  for (const t of targets) {
    const why = SoakTarget.missing(t);
    if (why) throw new Error(`--target ${t}: ${why}`);
  }
  const settings = { steps: f.steps, seed: f.seed, faultEvery: f.faultEvery, saveEvery: f.saveEvery, watchdogMs: f.watchdogMs };
  if (!f.json) process.stdout.write(`${soakHeadline(settings)}\n`);
  const intr = interruptSignal();
  const results: SoakResult[] = [];
  try {
    for (const target of targets) {
      if (intr.signal.aborted) break;
      const progress = progressFor(target, f.steps, f.json === true);
      try {
        results.push(
          await runSoak({
            target, steps: f.steps, seed: f.seed, faultEvery: f.faultEvery, saveEvery: f.saveEvery, watchdogMs: f.watchdogMs, signal: intr.signal,
            onProgress: (p) => progress.update(p),
            log: f.verbose ? (line) => process.stderr.write(`soak ${target}: ${line}\n`) : undefined,
          }),
        );
      } finally {
        progress.stop();
      }
    }
  } finally {
    intr.dispose();
  }
  const failures = results.flatMap((r) => soakFailures(r).map((x) => `${r.target}: ${x}`));
  if (f.json) {
    process.stdout.write(JSON.stringify({ settings, results, failures }) + '\n');
  } else {
    process.stdout.write(`\n${soakTable(results)}\n\n${soakVerdict(results)}\n`);
  }
  return failures.length > 0 ? EXIT_FAILURE : EXIT_OK;
}

export async function soakMain(argv: string[]): Promise<number> {
  let code = EXIT_OK;
  const program = soakProgram(async (f) => (code = await soak(f)));
  const parsed = await runProgram(program, argv, 'soak');
  return parsed === EXIT_OK ? code : parsed;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await soakMain(process.argv.slice(2));
}
