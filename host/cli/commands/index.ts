// Every subcommand registers itself on the program. Add a file, add it here.
import type { Command } from 'commander';
import { gradcheckCommand } from './gradcheck.ts';
import { runCommand } from './run.ts';
import { replayCommand } from './replay.ts';
import { deviceCommand } from './device.ts';
import { listCommand } from './list.ts';
import { monitorCommand } from './monitor.ts';
import { snapshotCommand } from './snapshot.ts';
import { uploadCommand } from './upload.ts';
import { firmataCommand } from './firmata.ts';

export type Register = (program: Command) => void;

export const commands: Register[] = [runCommand, gradcheckCommand, replayCommand, deviceCommand, listCommand, monitorCommand, snapshotCommand, uploadCommand, firmataCommand];
