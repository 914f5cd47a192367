// A commander program run to an exit code, the same for `deeptrace` and `npm run soak`.
import { Command, CommanderError } from 'commander';
import { UsageError, EXIT_USAGE, EXIT_FAILURE, EXIT_OK } from './errors.ts';

/**
 * Parses argv with a commander program (exitOverride set) and maps the outcome to an exit code:
 * help 0, usage errors 2 (one line, prefixed with `name`), other failures 1. Also `npm run soak`'s.
 */
export async function runProgram(program: Command, argv: string[], name: string): Promise<number> {
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version') return EXIT_OK;
      return EXIT_USAGE;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`${name}: error: ${err.message}\n`);
      return EXIT_USAGE;
    }
    // Expected failures (a refused config, a plant that blew up) read best as one line; set
    // DEEPTRACE_DEBUG=1 for the stack.
    const detail = err instanceof Error ? (process.env.DEEPTRACE_DEBUG === '1' ? (err.stack ?? err.message) : err.message) : String(err);
    process.stderr.write(`${name}: error: ${detail}\n`);
    return EXIT_FAILURE;
  }
}
