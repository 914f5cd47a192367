// `deeptrace device --pty`: the virtual device (host/device/) on one end of a socat pty pair, so the
// host commands (run --port, monitor, snapshot, upload) can talk to it as to a USB serial device.
// `--port PATH` runs it on a real serial port instead. Runs until Ctrl-C.
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { checkSerialPort, checkStoreFolder, serialOpenUsageError } from '../paths.ts';
import { DEFAULT_BAUD } from '../../transport/baud.ts';
import { BAUD_HELP, baud, integer } from '../options.ts';

interface Flags {
  pty?: boolean;
  port?: string;
  baud: number;
  link?: string;
  name: string;
  quiet?: boolean;
  publicKey?: string;
  store?: string;
  storeCutAt?: number;
}

const stamp = () => new Date().toISOString().slice(11, 23);

export function deviceCommand(program: Command): void {
  program
    .command('device')
    .description('run the virtual device (the wasm core behind the serial protocol) on a pty pair made with socat, or on a serial port')
    .option('--pty', 'make a virtual serial cable with socat and print the path the host side opens')
    .option('--link <path>', 'with --pty: where the host-side link goes (the device side is PATH.device); default: a fresh temporary folder')
    .option('--port <path>', 'run on this serial port instead of a pty')
    .option('--baud <rate>', `${BAUD_HELP}; with --pty it only sets the pty's termios`, baud('--baud'), DEFAULT_BAUD)
    .option('--name <name>', 'device name sent in HELLO', 'deeptrace-virtual')
    .option('--quiet', 'do not log commands, errors and the watchdog on stderr')
    .option('--store <dir>', 'persist the configuration and learned state in this folder (two slots, as the firmware does): saved on STOP of a running session and after a SNAPSHOT_PUT, restored at start')
    .option('--store-cut-at <n>', 'fault injection (npm run soak): die by SIGKILL, as at a power cut, after N bytes of store writes', integer('--store-cut-at', 0))
    .option('--public-key <file>', 'the Ed25519 public key uploaded cores must be signed with (SPKI PEM, 32 raw bytes or 64 hex digits); default $DEEPTRACE_PUBLIC_KEY, else build/core-signing.pub.pem (the key of the last npm run build); none: uploads are refused')
    .addHelpText('after', '\nExample:\n  deeptrace device --pty                    # prints e.g. /tmp/deeptrace-pty-XXXX/host\n  deeptrace run --port /tmp/deeptrace-pty-XXXX/host --seconds 20\n')
    .action(async (f: Flags) => {
      if (!!f.pty === (f.port !== undefined)) throw new UsageError('give exactly one of --pty (a virtual serial cable made with socat) or --port PATH');
      if (f.link !== undefined && !f.pty) throw new UsageError('--link goes with --pty');
      if (Buffer.byteLength(f.name) > 255) throw new UsageError('--name must be at most 255 bytes');
      if (f.port !== undefined) checkSerialPort('--port', f.port);
      if (f.storeCutAt !== undefined && f.store === undefined) throw new UsageError('--store-cut-at goes with --store');
      if (f.store !== undefined) checkStoreFolder('--store', f.store);
      const { loadPublicKey } = await import('../../signing/keys.ts');
      let key;
      try {
        key = loadPublicKey({ file: f.publicKey });
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      const { startSocat } = await import('../../transport/socat.ts');
      const { SerialTransport } = await import('../../transport/serial.ts');
      const { VirtualDevice } = await import('../../device/device.ts');
      const { DeviceStore } = await import('../../device/store.ts');
      const { interruptSignal, aborted } = await import('../../client/cli-port.ts');
      const say = (line: string) => process.stderr.write(`${stamp()} ${line}\n`);
      let socat: Awaited<ReturnType<typeof startSocat>> | null = null;
      if (f.pty) {
        try {
          socat = await startSocat(f.link ? { a: `${f.link}.device`, b: f.link } : {});
        } catch (err) {
          const msg = (err as NodeJS.ErrnoException).code === 'ENOENT' ? "'socat' is not installed (apt-get install socat)" : (err as Error).message;
          throw new Error(msg);
        }
      }
      const devicePath = socat ? socat.a : f.port!;
      let transport;
      try {
        transport = await SerialTransport.open(devicePath, { baudRate: f.baud });
      } catch (err) {
        await socat?.stop();
        throw (f.port !== undefined ? serialOpenUsageError('--port', f.port, err) : null) ?? err;
      }
      const intr = interruptSignal();
      const device = new VirtualDevice(transport, { name: f.name, log: f.quiet ? undefined : say, publicKey: key?.key ?? null, store: f.store !== undefined ? new DeviceStore(f.store, { cutAt: f.storeCutAt }) : null });
      const hostPath = socat ? socat.b : f.port!;
      const checksum = device.session.checksum.toString(16).padStart(8, '0');
      process.stdout.write(
        `deeptrace device: '${f.name}' ready (core self-test checksum 0x${checksum})\n` +
          (key ? `uploads: cores signed with the key of ${key.from}\n` : 'uploads: refused (no public key: --public-key FILE or DEEPTRACE_PUBLIC_KEY)\n') +
          (f.store !== undefined ? `store: ${f.store}\n` : '') +
          (socat ? `host side: ${hostPath}\n  e.g. deeptrace run --port ${hostPath} --seconds 20\n` : `on ${hostPath} at ${transport.baudRate} baud\n`) +
          'Ctrl-C to stop\n',
      );
      const gone = new Promise<string>((resolve) => {
        device.once('close', (info) => info.unplugged && resolve('the serial link went away'));
        socat?.exited.then(() => resolve('socat exited'));
      });
      let why = await Promise.race([aborted(intr.signal).then(() => null), gone]);
      // Ctrl-C on a terminal reaches socat too; it may exit before our own handler runs.
      if (why) await new Promise((r) => setTimeout(r, 200));
      if (intr.signal.aborted) why = null;
      intr.dispose();
      await device.close();
      await socat?.stop();
      const s = device.stats;
      process.stderr.write(`deeptrace device: stopped; ${s.messages} frame(s) received, ${s.rejected} rejected\n`);
      if (why) throw new Error(`device stopped: ${why}`);
    });
}
