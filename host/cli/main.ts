// The `deeptrace` command line: one file per subcommand in ./commands, wired together here.
import { Command } from 'commander';
import { runProgram } from './run-program.ts';
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
  return runProgram(buildProgram(), argv, 'deeptrace');
}
