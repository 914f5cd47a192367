// The line rate a SerialTransport is opened at reaches the tty: read back from the kernel with
// stty on a socat pty (whose termios keep the last rate set while socat holds the other side).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { haveTool } from '../helpers.ts';
import { startSocat } from '../../host/transport/socat.ts';
import { DEFAULT_BAUD, SerialTransport } from '../../host/transport/serial.ts';

const speed = (file: string) => Number(execFileSync('stty', ['-F', file, 'speed'], { encoding: 'utf8' }).trim());

if (haveTool('socat', 'the serial transport tests run on a socat pty pair')) {
  test('open(path, { baudRate }) sets that rate on the tty; without it, DEFAULT_BAUD', async () => {
    const pair = await startSocat();
    try {
      assert.is(speed(pair.a), 38400, 'a fresh pty');
      const a = await SerialTransport.open(pair.a, { baudRate: 57600 });
      assert.is(a.baudRate, 57600);
      assert.is(speed(pair.a), 57600);
      await a.close();
      const b = await SerialTransport.open(pair.a);
      assert.is(b.baudRate, DEFAULT_BAUD);
      assert.is(speed(pair.a), 115200);
      await b.close();
    } finally {
      await pair.stop();
    }
  });
}

test.run();
