// `deeptrace list`: the serial ports of this machine (where a real device may be). How they are
// found (serialport, i.e. udev on Linux; sysfs without udevadm): host/transport/ports.ts.
import type { Command } from 'commander';
import type { Listing } from '../../transport/ports.ts';

const SOURCE = { serialport: '', sysfs: 'details read from /sys', dev: 'device nodes only' } as const;

/** What `deeptrace list` prints: a port a line (path, [vendor:product], manufacturer, serial), then where the list came from when it was not serialport. */
export function formatPorts(l: Listing): string {
  const why = [l.note, SOURCE[l.source]].filter(Boolean).join('; ');
  if (l.ports.length === 0) return `no serial ports found${why ? ` (${why})` : ''} (for a virtual device: deeptrace device --pty)\n`;
  const lines = l.ports.map((p) => {
    const id = p.vendorId ? ` [${p.vendorId}:${p.productId ?? '?'}]` : '';
    const what = [p.manufacturer, p.serialNumber && `serial ${p.serialNumber}`].filter(Boolean).join(', ');
    return `${p.path}${id}${what ? `  ${what}` : ''}\n`;
  });
  return lines.join('') + (why ? `(${why})\n` : '');
}

export function listCommand(program: Command): void {
  program
    .command('list')
    .description('list the serial ports of this machine (USB serial adapters, boards)')
    .option('--json', 'print the ports as one JSON array')
    .addHelpText('after', "\nDetails come from serialport (udev on Linux), or from /sys when udevadm is missing.\nA virtual device's pty is not listed: use the path 'deeptrace device --pty' prints.\n")
    .action(async (f: { json?: boolean }) => {
      const { listPorts } = await import('../../transport/ports.ts');
      const listing = await listPorts();
      process.stdout.write(f.json ? JSON.stringify(listing.ports) + '\n' : formatPorts(listing));
    });
}
