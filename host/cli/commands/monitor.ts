// `deeptrace monitor --port PATH`: connect to a device and print its telemetry and errors (and link
// losses and reconnections) until Ctrl-C.
import type { Command } from 'commander';
import { DEFAULT_BAUD } from '../../transport/baud.ts';
import { BAUD_HELP, baud, positive } from '../options.ts';

interface Flags {
  port: string;
  baud: number;
  json?: boolean;
  seconds?: number;
}

const FLAG_NAMES = ['SAFE_STATE', 'RUNNING', 'LEARNING', 'CLIPPED'];
const q12 = (v: number) => (v / 4096).toFixed(3);

export function monitorCommand(program: Command): void {
  program
    .command('monitor')
    .description("print a device's telemetry (step, loss, flags, network output y, PD command u_pd) and its errors")
    .requiredOption('--port <path>', "the device's serial port (or the path 'deeptrace device --pty' prints)")
    .option('--baud <rate>', BAUD_HELP, baud('--baud'), DEFAULT_BAUD)
    .option('--json', 'one JSON object per line instead of text')
    .option('--seconds <s>', 'stop after this many seconds (default: until Ctrl-C)', positive('--seconds'))
    .addHelpText('after', '\nTelemetry comes as often as the CONFIGURE of the session asks (telemetryEvery); the link is re-opened when it drops.\n')
    .action(async (f: Flags) => {
      const { openDevice, describeDevice, interruptSignal, aborted } = await import('../../client/cli-port.ts');
      const { statusName } = await import('../../protocol/index.ts');
      const client = await openDevice(f.port, { baudRate: f.baud });
      const out = (text: string, json: object) => process.stdout.write(f.json ? JSON.stringify(json) + '\n' : text + '\n');
      out(`device ${describeDevice(client.device!)} on ${f.port}; Ctrl-C to stop`, { event: 'hello', ...client.device });
      client.on('telemetry', (t) => {
        const flags = FLAG_NAMES.filter((_, b) => t.flags & (1 << b));
        const half = t.values.length >> 1;
        out(
          `step ${t.step}  loss ${q12(t.loss)}  ${flags.join('|') || '-'}  y [${t.values.slice(0, half).map(q12).join(', ')}]  u_pd [${t.values.slice(half).map(q12).join(', ')}]`,
          { event: 'telemetry', step: t.step, loss: t.loss / 4096, flags, y: t.values.slice(0, half).map((v) => v / 4096), uPd: t.values.slice(half).map((v) => v / 4096) },
        );
      });
      client.on('device-error', (e) => out(`ERROR ${statusName(e.code)}: ${e.text}`, { event: 'error', code: e.code, name: statusName(e.code), text: e.text }));
      client.on('disconnect', () => out('link lost; re-opening every 300 ms', { event: 'disconnect' }));
      client.on('reconnect', (h) => out(`reconnected: ${describeDevice(h)}`, { event: 'reconnect', ...h }));
      const intr = interruptSignal();
      const timer = f.seconds ? setTimeout(() => process.kill(process.pid, 'SIGINT'), f.seconds * 1000) : null;
      await aborted(intr.signal);
      if (timer) clearTimeout(timer);
      await client.close();
    });
}
