// `npm run bench [-- options]`: bench/index.ts (the core tables), then firmware/size.ts (the firmware
// tables). The options are parsed here once (commander: --help, and a one-line error with exit code
// 2 for an unknown option or a bad value), then passed on; each part reads the ones that are its
// own. npm appends `-- options` to the last command of a script only, hence this runner. With --json
// the two JSON objects are merged into one.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { runProgram } from '../host/cli/run-program.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`must be an integer >= 1, got ${JSON.stringify(v)}`);
  return n;
}

function bench(args: string[], json: boolean, parts: string[]): void {
  const merged: Record<string, unknown> = {};
  for (const part of parts) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, part), ...args], {
      cwd: root,
      stdio: ['inherit', json ? 'pipe' : 'inherit', 'inherit'],
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    if (r.error) throw r.error;
    if (json) Object.assign(merged, JSON.parse(r.stdout));
    if (r.status !== 0) {
      if (json) console.log(JSON.stringify(merged, null, 2));
      process.exit(r.status ?? 1);
    }
    if (!json && part !== parts[parts.length - 1]) console.log('');
  }
  if (json) console.log(JSON.stringify(merged, null, 2));
}

const program = new Command('bench')
  .usage('[options]   (npm run bench -- [options]; npm builds the core first)')
  .description(
    'the tables of the README: module size, memory, Node speed against the float64 reference, executed wasm ' +
      'instructions per step (i64 operations apart), the ESP32 estimate, learning on the pattern task (table 6: ' +
      'offline BPTT, the e-prop engines offline, the online rules in float64 and in the wasm core, seeds 1-5), ' +
      'then the firmware: flash and RAM, and Cortex-M4 instructions per step under qemu-system-arm',
  )
  .option('--json', 'print every number as one JSON object instead of the tables')
  .addOption(new Option('--no-learning', 'skip table 6 (the slow part: a few minutes)').conflicts('learningOnly'))
  .option('--learning-only', 'table 6 alone (no other core table, no firmware table)')
  .option('--learning-jobs <n>', 'processes for table 6 (default: one per core)', positiveInt)
  .option('--no-build', 'firmware tables: do not rebuild the firmware first')
  .option('--no-qemu', 'firmware tables: skip the Cortex-M4 run under qemu-system-arm')
  .showHelpAfterError('(npm run bench -- --help for the options)')
  .exitOverride()
  .action((o: { json?: boolean; learning: boolean; learningOnly?: boolean; learningJobs?: number; build: boolean; qemu: boolean }) => {
    const args = [
      ...(o.json ? ['--json'] : []),
      ...(o.learning ? [] : ['--no-learning']),
      ...(o.learningOnly ? ['--learning-only'] : []),
      ...(o.learningJobs !== undefined ? ['--learning-jobs', String(o.learningJobs)] : []),
      ...(o.build ? [] : ['--no-build']),
      ...(o.qemu ? [] : ['--no-qemu']),
    ];
    bench(args, o.json === true, o.learningOnly ? ['bench/index.ts'] : ['bench/index.ts', 'firmware/size.ts']);
  });

process.exitCode = await runProgram(program, process.argv.slice(2), 'bench');
