// The serial ports of this machine, for `deeptrace list`. serialport's own listing comes first; on
// Linux it is `udevadm info -e` (@serialport/bindings-cpp dist/linux-list.js), so without udevadm
// (containers, minimal systems) it fails. Then the same details (USB manufacturer, serial number,
// vendor and product id) are read from sysfs, where udev takes them from; only when sysfs cannot be
// read either are the /dev nodes all there is.
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';

export interface PortInfo {
  path: string;
  manufacturer?: string;
  serialNumber?: string;
  vendorId?: string;
  productId?: string;
  pnpId?: string;
  locationId?: string;
}

export interface Listing {
  ports: PortInfo[];
  /** Where the list came from: serialport (udev on Linux), sysfs, or the /dev names alone. */
  source: 'serialport' | 'sysfs' | 'dev';
  /** Why serialport's list was not used (its error), when it was not. */
  note?: string;
}

export interface ListOptions {
  /** serialport's listing (default: SerialPort.list from 'serialport'). */
  serialportList?: () => Promise<PortInfo[]>;
  /** Root of sysfs (default /sys). */
  sysfs?: string;
  /** Where the device nodes are (default /dev). */
  dev?: string;
}

/** The tty names serialport lists on Linux (checkPathOfDevice in its linux-list.js), anchored. */
const SERIAL_NAME = /^(tty(S|WCH|ACM|USB|AMA|MFD|O|XRUSB)|rfcomm)\d+$/;

function readAttr(dir: string, name: string): string | undefined {
  try {
    const v = readFileSync(path.join(dir, name), 'utf8').trim();
    return v === '' ? undefined : v;
  } catch {
    return undefined;
  }
}

/**
 * The serial ports sysfs knows, with the details udev would give. A port is a tty named as
 * serialport names them that has a driver behind it (a `device` link; rfcomm has none); 8250/16550
 * ports whose `type` is 0 are the driver's placeholders with no UART and are left out. USB details
 * come from the first parent of the device with an idVendor. Throws when `<sysfs>/class/tty` cannot
 * be read.
 */
export function sysfsPorts(sysfs = '/sys', dev = '/dev'): PortInfo[] {
  const classDir = path.join(sysfs, 'class', 'tty');
  const root = realpathSync(sysfs);
  const ports: PortInfo[] = [];
  for (const name of readdirSync(classDir).sort(byNameAndNumber)) {
    if (!SERIAL_NAME.test(name)) continue;
    const ttyDir = path.join(classDir, name);
    let device: string | null = null;
    try {
      device = realpathSync(path.join(ttyDir, 'device'));
    } catch {
      if (!name.startsWith('rfcomm')) continue;
    }
    if (name.startsWith('ttyS') && readAttr(ttyDir, 'type') === '0') continue;
    const port: PortInfo = { path: path.join(dev, name) };
    for (let d = device; d && d.startsWith(root + path.sep); d = path.dirname(d)) {
      if (!existsSync(path.join(d, 'idVendor'))) continue;
      port.manufacturer = readAttr(d, 'manufacturer');
      port.serialNumber = readAttr(d, 'serial');
      port.vendorId = readAttr(d, 'idVendor');
      port.productId = readAttr(d, 'idProduct');
      break;
    }
    ports.push(Object.fromEntries(Object.entries(port).filter(([, v]) => v !== undefined)) as PortInfo);
  }
  return ports;
}

/** ttyS2 before ttyS10. */
function byNameAndNumber(a: string, b: string): number {
  const [, an = a, ai = ''] = /^(\D+)(\d*)$/.exec(a) ?? [];
  const [, bn = b, bi = ''] = /^(\D+)(\d*)$/.exec(b) ?? [];
  return an === bn ? Number(ai) - Number(bi) : an < bn ? -1 : 1;
}

/** The usual USB and on-board serial device nodes, by name alone. */
function devNodes(dev: string): PortInfo[] {
  try {
    return readdirSync(dev).filter((n) => /^tty(USB|ACM|AMA)\d+$|^rfcomm\d+$/.test(n)).sort(byNameAndNumber).map((n) => ({ path: path.join(dev, n) }));
  } catch {
    return [];
  }
}

export async function listPorts(o: ListOptions = {}): Promise<Listing> {
  const list = o.serialportList ?? (async () => (await import('serialport')).SerialPort.list());
  let note: string;
  try {
    return { ports: await list(), source: 'serialport' };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    note = e.code === 'ENOENT' && /udevadm/.test(e.message) ? 'udevadm not found' : `serialport could not list: ${e.message}`;
  }
  try {
    return { ports: sysfsPorts(o.sysfs, o.dev), source: 'sysfs', note };
  } catch {
    return { ports: devNodes(o.dev ?? '/dev'), source: 'dev', note };
  }
}
