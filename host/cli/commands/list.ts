// `deeptrace list`: the serial ports of this machine (where a real device may be).
import { readdirSync } from 'node:fs';
import type { Command } from 'commander';

interface Port {
  path: string;
  manufacturer?: string;
  serialNumber?: string;
  vendorId?: string;
  productId?: string;
}

/** Without udev (containers), serialport cannot list; the usual device nodes are all we can say. */
function devNodes(): Port[] {
  try {
    return readdirSync('/dev').filter((n) => /^tty(USB|ACM|AMA)\d+$|^rfcomm\d+$/.test(n)).map((n) => ({ path: `/dev/${n}` }));
  } catch {
    return [];
  }
}

export function listCommand(program: Command): void {
  program
    .command('list')
    .description('list the serial ports of this machine (USB serial adapters, boards)')
    .option('--json', 'print the ports as one JSON array')
    .addHelpText('after', "\nA virtual device's pty is not listed: use the path 'deeptrace device --pty' prints.\n")
    .action(async (f: { json?: boolean }) => {
      const { SerialPort } = await import('serialport');
      let ports: Port[];
      let note = '';
      try {
        ports = await SerialPort.list();
      } catch (err) {
        ports = devNodes();
        note = ` (serialport could not list: ${(err as Error).message}; device nodes only)`;
      }
      if (f.json) {
        process.stdout.write(JSON.stringify(ports) + '\n');
        return;
      }
      if (ports.length === 0) {
        process.stdout.write(`no serial ports found${note} (for a virtual device: deeptrace device --pty)\n`);
        return;
      }
      for (const p of ports) {
        const id = p.vendorId ? ` [${p.vendorId}:${p.productId ?? '?'}]` : '';
        const what = [p.manufacturer, p.serialNumber && `serial ${p.serialNumber}`].filter(Boolean).join(', ');
        process.stdout.write(`${p.path}${id}${what ? `  ${what}` : ''}\n`);
      }
      if (note) process.stdout.write(`${note.trim()}\n`);
    });
}
