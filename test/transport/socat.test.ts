// A socat pty pair with real SerialPort objects on both ends: bytes both ways, and killing socat
// closes both ports as unplugged and removes the links.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { haveTool } from '../helpers.ts';
import { startSocat } from '../../host/transport/socat.ts';
import { SerialTransport } from '../../host/transport/serial.ts';
import { closed } from '../../host/transport/transport.ts';

if (haveTool('socat', 'the serial transport tests run on a socat pty pair')) {
  test('bytes cross the pty pair both ways; stop() closes both ends as unplugged and removes the links', async () => {
    const pair = await startSocat();
    const a = await SerialTransport.open(pair.a);
    const b = await SerialTransport.open(pair.b);
    assert.is(b.name, pair.b);
    const blob = Uint8Array.from({ length: 5000 }, (_, i) => (i * 31) & 0xff);
    const got: number[] = [];
    const all = new Promise<void>((resolve) => b.on('data', (c) => (got.push(...c), got.length === blob.length && resolve())));
    a.write(blob);
    await all;
    assert.equal(Uint8Array.from(got), blob);
    const back = new Promise<number[]>((resolve) => a.once('data', (c) => resolve([...c])));
    b.write(Uint8Array.of(0, 1, 2));
    assert.equal(await back, [0, 1, 2]);
    const closes = Promise.all([closed(a), closed(b)]);
    await pair.stop();
    assert.equal((await closes).map((i) => i.unplugged), [true, true]);
    assert.is(existsSync(pair.a) || existsSync(pair.b), false);
  });

  test('our own close() is not an unplug; opening a missing path rejects', async () => {
    const pair = await startSocat();
    const a = await SerialTransport.open(pair.a);
    const info = closed(a);
    await a.close();
    await a.close();
    assert.equal((await info).unplugged, false);
    await pair.stop();
    try {
      await SerialTransport.open(pair.a);
      assert.unreachable();
    } catch (err) {
      assert.match(String(err), /No such file|ENOENT/);
    }
  });
}

test.run();
