// `deeptrace snapshot save|load --port PATH FILE`: the device's learner state to and from a file
// (format: host/client/snapshot-file.ts; written atomically, refused when corrupt).
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { DEFAULT_BAUD } from '../../transport/baud.ts';
import { BAUD_HELP, baud } from '../options.ts';

const PORT_HELP = "the device's serial port (or the path 'deeptrace device --pty' prints)";

export function snapshotCommand(program: Command): void {
  const snap = program
    .command('snapshot')
    .description("save a device's learner state (weights, neuron states, traces) to a file, or load one back");
  snap
    .command('save')
    .description('fetch the state from the device (it must be configured) and write FILE atomically')
    .requiredOption('--port <path>', PORT_HELP)
    .option('--baud <rate>', BAUD_HELP, baud('--baud'), DEFAULT_BAUD)
    .argument('<file>', 'snapshot file to write')
    .action(async (file: string, f: { port: string; baud: number }) => {
      const { openDevice } = await import('../../client/cli-port.ts');
      const { writeSnapshotFile } = await import('../../client/snapshot-file.ts');
      const client = await openDevice(f.port, { reconnect: false, baudRate: f.baud });
      try {
        const bytes = await client.snapshotGet();
        writeSnapshotFile(file, bytes);
        process.stdout.write(`saved a ${bytes.length}-byte snapshot of '${client.device!.name}' to ${file}\n`);
      } finally {
        await client.close();
      }
    });
  snap
    .command('load')
    .description('check FILE (header and CRC-32), send it to the device and restore it there (the device must be configured the same way and not running)')
    .requiredOption('--port <path>', PORT_HELP)
    .option('--baud <rate>', BAUD_HELP, baud('--baud'), DEFAULT_BAUD)
    .argument('<file>', 'snapshot file written by snapshot save')
    .action(async (file: string, f: { port: string; baud: number }) => {
      const { openDevice } = await import('../../client/cli-port.ts');
      const { readSnapshotFile, SnapshotFileError } = await import('../../client/snapshot-file.ts');
      let bytes: Uint8Array;
      try {
        bytes = readSnapshotFile(file);
      } catch (err) {
        if (err instanceof SnapshotFileError) throw new UsageError(err.message);
        throw err;
      }
      const client = await openDevice(f.port, { reconnect: false, baudRate: f.baud });
      try {
        await client.snapshotPut(bytes);
        process.stdout.write(`restored the ${bytes.length}-byte snapshot ${file} on '${client.device!.name}'\n`);
      } finally {
        await client.close();
      }
    });
}
