// The `deeptrace` command line: one file per subcommand in ./commands, wired together here.
import { Command, CommanderError } from 'commander';
import { UsageError, EXIT_USAGE, EXIT_FAILURE, EXIT_OK } from './errors.ts';
import { commands } from './commands/index.ts';

export function buildProgram(): Command {
  const program = new Command('deeptrace')
    .description('On-robot online learning with deep e-prop: reference maths, fixed-point core, plants and host tools.')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(`deeptrace: ${str.trim()} (see --help)\n`) });
  for (const register of commands) register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version') return EXIT_OK;
      return EXIT_USAGE;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`deeptrace: error: ${err.message}\n`);
      return EXIT_USAGE;
    }
    // Expected failures (a refused config, a plant that blew up) read best as one line; set
    // DEEPTRACE_DEBUG=1 for the stack.
    const detail = err instanceof Error ? (process.env.DEEPTRACE_DEBUG === '1' ? (err.stack ?? err.message) : err.message) : String(err);
    process.stderr.write(`deeptrace: error: ${detail}\n`);
    return EXIT_FAILURE;
  }
}
