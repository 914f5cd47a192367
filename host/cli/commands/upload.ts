// `deeptrace upload --port PATH core.wasm`: send a new core and its signature (core.wasm.sig, written
// by the build) to the device. The device checks size, CRC-32 and the Ed25519 signature, compiles
// it without imports, runs its self-test (the virtual device: in a worker, time-limited) and swaps
// it in between two control steps, on trial; on any failure it keeps the old core.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { DEFAULT_BAUD } from '../../transport/baud.ts';
import { BAUD_HELP, baud } from '../options.ts';

export function uploadCommand(program: Command): void {
  program
    .command('upload')
    .description('upload a signed core (a .wasm built like build/core.wasm, with its .sig) to a device; it checks the signature, self-tests and swaps it in, or keeps the old one')
    .requiredOption('--port <path>', "the device's serial port (or the path 'deeptrace device --pty' prints)")
    .option('--baud <rate>', BAUD_HELP, baud('--baud'), DEFAULT_BAUD)
    .option('--signature <file>', 'its Ed25519 signature (64 bytes; npm run build writes build/core.wasm.sig)', undefined)
    .argument('<core.wasm>', 'the core module')
    .action(async (file: string, f: { port: string; baud: number; signature?: string }) => {
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
      const sigFile = f.signature ?? `${file}.sig`;
      let signature: Uint8Array;
      try {
        signature = readFileSync(sigFile);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new UsageError(`cannot read the signature '${sigFile}': ${code === 'ENOENT' ? 'no such file (npm run build signs build/core.wasm; give --signature FILE for another)' : (err as Error).message}`);
      }
      if (signature.length !== 64) throw new UsageError(`'${sigFile}' is ${signature.length} bytes; an Ed25519 signature is 64`);
      const { openDevice, describeDevice } = await import('../../client/cli-port.ts');
      const client = await openDevice(f.port, { reconnect: false, baudRate: f.baud });
      try {
        const before = client.device!;
        const after = await client.uploadCore(image, signature);
        process.stdout.write(`uploaded ${file} (${image.length} bytes)\nbefore: ${describeDevice(before)}\nnow:    ${describeDevice(after)}\n`);
      } finally {
        await client.close();
      }
    });
}
