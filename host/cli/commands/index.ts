// Every subcommand registers itself on the program. Add a file, add it here.
import type { Command } from 'commander';

export type Register = (program: Command) => void;

export const commands: Register[] = [];
