// The port listing of `deeptrace list` when serialport cannot list (udevadm missing): the details
// come from a sysfs tree laid out as the kernel lays it out (USB CDC-ACM and FTDI adapters, a 16550
// and a placeholder 8250 port, a virtual console), built in a temporary folder.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { listPorts, sysfsPorts } from '../../host/transport/ports.ts';

const sys = mkdtempSync(path.join(tmpdir(), 'deeptrace-sysfs-'));

function files(dir: string, attrs: Record<string, string>): void {
  mkdirSync(path.join(sys, dir), { recursive: true });
  for (const [k, v] of Object.entries(attrs)) writeFileSync(path.join(sys, dir, k), `${v}\n`);
}
/** A tty class entry: /sys/class/tty/NAME -> its node under devices, with `device` -> `deviceDir`. */
function tty(name: string, ttyDir: string, deviceDir: string | null, attrs: Record<string, string> = {}): void {
  files(ttyDir, { dev: '4:64', ...attrs });
  if (deviceDir) symlinkSync(path.relative(path.join(sys, ttyDir), path.join(sys, deviceDir)), path.join(sys, ttyDir, 'device'));
  mkdirSync(path.join(sys, 'class/tty'), { recursive: true });
  symlinkSync(path.relative(path.join(sys, 'class/tty'), path.join(sys, ttyDir)), path.join(sys, 'class/tty', name));
}

const usb = 'devices/pci0000:00/0000:00:14.0/usb1';
// An Uno (CDC-ACM): the tty hangs off the interface, the USB device is its parent.
files(`${usb}/1-2`, { idVendor: '2341', idProduct: '0043', manufacturer: 'Arduino (www.arduino.cc)', serial: '75735353038351F0E1A1' });
tty('ttyACM0', `${usb}/1-2/1-2:1.0/tty/ttyACM0`, `${usb}/1-2/1-2:1.0`);
// An FTDI adapter (usb-serial): one level more, and no serial number string.
files(`${usb}/1-3`, { idVendor: '0403', idProduct: '6001', manufacturer: 'FTDI' });
tty('ttyUSB0', `${usb}/1-3/1-3:1.0/ttyUSB0/tty/ttyUSB0`, `${usb}/1-3/1-3:1.0/ttyUSB0`);
// On-board UARTs: a 16550A (type 4), a placeholder with no UART (type 0), a PL011 with no USB parent.
tty('ttyS10', 'devices/platform/serial8250/tty/ttyS10', 'devices/platform/serial8250', { type: '4' });
tty('ttyS2', 'devices/pnp0/00:05/tty/ttyS2', 'devices/pnp0/00:05', { type: '4' });
tty('ttyS3', 'devices/platform/serial8250/tty/ttyS3', 'devices/platform/serial8250', { type: '0' });
tty('ttyAMA0', 'devices/platform/fe201000.serial/tty/ttyAMA0', 'devices/platform/fe201000.serial');
// Not serial ports: a virtual console, and a serial-looking name with no driver behind it.
tty('tty1', 'devices/virtual/tty/tty1', null);
tty('ttyUSB9', 'devices/virtual/tty/ttyUSB9', null);
tty('rfcomm0', 'devices/virtual/tty/rfcomm0', null);

const udevadmMissing = () => Promise.reject(Object.assign(new Error('spawn udevadm ENOENT'), { code: 'ENOENT', syscall: 'spawn udevadm' }));

test('sysfs: the ports serialport would list, with the USB details udev would give', () => {
  assert.equal(sysfsPorts(sys), [
    { path: '/dev/rfcomm0' },
    { path: '/dev/ttyACM0', manufacturer: 'Arduino (www.arduino.cc)', serialNumber: '75735353038351F0E1A1', vendorId: '2341', productId: '0043' },
    { path: '/dev/ttyAMA0' },
    { path: '/dev/ttyS2' },
    { path: '/dev/ttyS10' },
    { path: '/dev/ttyUSB0', manufacturer: 'FTDI', vendorId: '0403', productId: '6001' },
  ]);
});

test('udevadm missing: listPorts reads sysfs and says why', async () => {
  const l = await listPorts({ serialportList: udevadmMissing, sysfs: sys });
  assert.is(l.source, 'sysfs');
  assert.is(l.note, 'udevadm not found');
  assert.equal(l.ports.map((p) => p.path), ['/dev/rfcomm0', '/dev/ttyACM0', '/dev/ttyAMA0', '/dev/ttyS2', '/dev/ttyS10', '/dev/ttyUSB0']);
  assert.is(l.ports[1].vendorId, '2341');
});

test('serialport lists: its list is used as it is; another failure is named; no sysfs: the /dev names', async () => {
  const mine = [{ path: '/dev/ttyACM0', manufacturer: 'Arduino', vendorId: '2341', productId: '0043', pnpId: 'usb-Arduino_Uno-if00' }];
  assert.equal(await listPorts({ serialportList: async () => mine, sysfs: sys }), { ports: mine, source: 'serialport' });
  const failed = await listPorts({ serialportList: () => Promise.reject(new Error('Error listing ports udevadm exited with error code: 1')), sysfs: sys });
  assert.is(failed.source, 'sysfs');
  assert.is(failed.note, 'serialport could not list: Error listing ports udevadm exited with error code: 1');
  const dev = path.join(sys, 'dev');
  files('dev', { ttyUSB1: '', ttyACM0: '', tty1: '', ttyS0: '' });
  const bare = await listPorts({ serialportList: udevadmMissing, sysfs: path.join(sys, 'nowhere'), dev });
  assert.equal(bare, { ports: [{ path: `${dev}/ttyACM0` }, { path: `${dev}/ttyUSB1` }], source: 'dev', note: 'udevadm not found' });
});

test.run();
