// Every subcommand registers itself on the program. Add a file, add it here.
import type { Command } from 'commander';
import { gradcheckCommand } from './gradcheck.ts';
import { runCommand } from './run.ts';
import { replayCommand } from './replay.ts';

export type Register = (program: Command) => void;

export const commands: Register[] = [runCommand, gradcheckCommand, replayCommand];
