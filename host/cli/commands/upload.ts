// `deeptrace upload --port PATH core.wasm`: send a new core to the device. The device checks size
// and CRC-32, instantiates it without imports, runs its self-test and swaps it in between two
// control steps; on any failure it keeps the old core.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { DEFAULT_BAUD } from '../../transport/baud.ts';
import { BAUD_HELP, baud } from '../options.ts';

export function uploadCommand(program: Command): void {
  program
    .command('upload')
    .description('upload a core (a .wasm built like build/core.wasm) to a device; it self-tests and swaps it in, or keeps the old one')
    .requiredOption('--port <path>', "the device's serial port (or the path 'deeptrace device --pty' prints)")
    .option('--baud <rate>', BAUD_HELP, baud('--baud'), DEFAULT_BAUD)
    .argument('<core.wasm>', 'the core module')
    .action(async (file: string, f: { port: string; baud: number }) => {
      const { MAX_CORE_BYTES } = await import('../../device/upload.ts');
      let image: Uint8Array;
      try {
        image = readFileSync(file);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new UsageError(`cannot read '${file}': ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message}`);
      }
      if (image.length < 8 || image[0] !== 0 || image[1] !== 0x61 || image[2] !== 0x73 || image[3] !== 0x6d) throw new UsageError(`'${file}' is not a WebAssembly module`);
      if (image.length > MAX_CORE_BYTES) throw new UsageError(`'${file}' is ${image.length} bytes; a device stores at most ${MAX_CORE_BYTES}`);
      const { openDevice, describeDevice } = await import('../../client/cli-port.ts');
      const client = await openDevice(f.port, { reconnect: false, baudRate: f.baud });
      try {
        const before = client.device!;
        const after = await client.uploadCore(image);
        process.stdout.write(`uploaded ${file} (${image.length} bytes)\nbefore: ${describeDevice(before)}\nnow:    ${describeDevice(after)}\n`);
      } finally {
        await client.close();
      }
    });
}
