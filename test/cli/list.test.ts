// `deeptrace list`: what it prints for a listing from serialport, from sysfs (udevadm missing) and
// from the /dev names alone; and the command as a user runs it on this machine.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../helpers.ts';
import { formatPorts } from '../../host/cli/commands/list.ts';

const uno = { path: '/dev/ttyACM0', manufacturer: 'Arduino (www.arduino.cc)', serialNumber: '7573535', vendorId: '2341', productId: '0043' };

test('a port a line with its USB ids, manufacturer and serial number; where the list came from when not serialport', () => {
  assert.is(formatPorts({ ports: [uno, { path: '/dev/ttyS0' }], source: 'serialport' }), '/dev/ttyACM0 [2341:0043]  Arduino (www.arduino.cc), serial 7573535\n/dev/ttyS0\n');
  assert.is(
    formatPorts({ ports: [uno], source: 'sysfs', note: 'udevadm not found' }),
    '/dev/ttyACM0 [2341:0043]  Arduino (www.arduino.cc), serial 7573535\n(udevadm not found; details read from /sys)\n',
  );
  assert.is(formatPorts({ ports: [{ path: '/dev/ttyUSB0' }], source: 'dev', note: 'udevadm not found' }), '/dev/ttyUSB0\n(udevadm not found; device nodes only)\n');
  assert.is(formatPorts({ ports: [], source: 'serialport' }), 'no serial ports found (for a virtual device: deeptrace device --pty)\n');
  assert.is(formatPorts({ ports: [], source: 'sysfs', note: 'udevadm not found' }), 'no serial ports found (udevadm not found; details read from /sys) (for a virtual device: deeptrace device --pty)\n');
});

test('deeptrace list [--json] on this machine: exit 0, a JSON array of ports with paths', () => {
  const text = runCli(['list']);
  assert.is(text.code, 0, text.stderr);
  assert.ok(text.stdout.length > 0);
  const json = runCli(['list', '--json']);
  assert.is(json.code, 0, json.stderr);
  const ports = JSON.parse(json.stdout);
  assert.ok(Array.isArray(ports));
  for (const p of ports) assert.type(p.path, 'string');
});

test.run();
