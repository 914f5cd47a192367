// `deeptrace replay <file>`: replay a Gymnasium reference trajectory through our plant and report
// the largest absolute state error.
import fs from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { GymFileError, replayGymFile } from '../../../sims/replay.ts';

const TOLERANCE = 1e-6;
const TOLERANCE_TEXT = '1e-6';

export const replayCommand = (program: Command) => {
  program
    .command('replay')
    .description('replay a Gymnasium reference trajectory through our plant')
    .argument('<file>', 'reference trajectory JSON: env_id, initial_state, actions, states (Gymnasium 1.4 runs ship in sims/data/gym)')
    .option('--json', 'print {"env","steps","maxAbsError"} as one JSON line')
    .action((file: string, opts: { json?: boolean }) => {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new UsageError(`cannot read '${file}': ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message}`);
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (err) {
        throw new UsageError(`'${file}' is not valid JSON: ${(err as Error).message}`);
      }
      let result;
      try {
        result = replayGymFile(json);
      } catch (err) {
        if (err instanceof GymFileError) throw new UsageError(`'${file}': ${err.message}`);
        throw err;
      }
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ env: result.env, steps: result.steps, maxAbsError: result.maxAbsError })}\n`);
      } else {
        const verdict = result.maxAbsError <= TOLERANCE ? `within ${TOLERANCE_TEXT}` : `EXCEEDS ${TOLERANCE_TEXT}`;
        process.stdout.write(`${result.env}: ${result.steps} steps replayed, max |state error| = ${result.maxAbsError.toExponential(3)} (${verdict})\n`);
      }
    });
};
