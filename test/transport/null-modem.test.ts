// The in-process null-modem pair and the message link on it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nullModemPair } from '../../host/transport/null-modem.ts';
import { closed } from '../../host/transport/transport.ts';
import { MessageLink } from '../../host/transport/link.ts';
import type { Envelope } from '../../host/protocol/index.ts';

const collect = (t: { on(e: 'data', f: (c: Uint8Array) => void): unknown }) => {
  const got: number[] = [];
  t.on('data', (c) => got.push(...c));
  return got;
};

test('bytes arrive at the other end, in order, asynchronously, and writes are copied', async () => {
  const [a, b] = nullModemPair();
  const atB = collect(b);
  const atA = collect(a);
  const buf = Uint8Array.of(1, 2, 3);
  a.write(buf);
  buf[0] = 9;
  a.write(Uint8Array.of(4, 5));
  b.write(Uint8Array.of(7));
  assert.equal(atB, [], 'not synchronous');
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  assert.equal(atB, [1, 2, 3, 4, 5]);
  assert.equal(atA, [7]);
});

test('baud pacing: 1000 bytes at 115200 baud take ~87 ms', async () => {
  const [a, b] = nullModemPair({ baud: 115200 });
  const got = collect(b);
  const t0 = performance.now();
  for (let i = 0; i < 10; i++) a.write(new Uint8Array(100).fill(i));
  await new Promise<void>((resolve) => b.on('data', () => got.length === 1000 && resolve()));
  const dt = performance.now() - t0;
  assert.ok(dt >= 80 && dt < 200, `${dt.toFixed(1)} ms`);
});

test('close() closes both ends: ours as closed, the peer as unplugged; unplug() both as unplugged', async () => {
  const [a, b] = nullModemPair();
  const infos: string[] = [];
  a.on('close', (i) => infos.push(`a ${i.unplugged}`));
  b.on('close', (i) => infos.push(`b ${i.unplugged}`));
  await a.close();
  await a.close();
  assert.equal(infos, ['a false', 'b true']);
  assert.is(a.isOpen || b.isOpen, false);
  a.write(Uint8Array.of(1));
  const [c, d] = nullModemPair();
  const dClosed = closed(d);
  c.unplug();
  assert.equal(await dClosed, { unplugged: true });
  assert.equal(await closed(c), { unplugged: false });
});

test('MessageLink: messages both ways with per-direction seqs, a 0x00 before the first frame, garbage counted', async () => {
  const [a, b] = nullModemPair();
  const raw = collect(b);
  const la = new MessageLink(a, { firstSeq: 255 });
  const lb = new MessageLink(b);
  const got: Envelope[] = [];
  lb.on('message', (e) => got.push(e));
  assert.is(la.send({ type: 'START' }, { ackRequested: true }), 255);
  assert.is(la.send({ type: 'STOP' }), 0);
  assert.is(la.send({ type: 'STOP' }, { seq: 77 }), 77);
  la.writeRaw(Uint8Array.of(1, 2, 3, 0));
  await new Promise((r) => setTimeout(r, 5));
  assert.is(raw[0], 0);
  assert.equal(got.map((e) => [e.seq, e.ackRequested, e.message.type]), [[255, true, 'START'], [0, false, 'STOP'], [77, false, 'STOP']]);
  assert.is(lb.stats.messages, 3);
  assert.is(lb.stats.rejected, 1);
  const closes: boolean[] = [];
  lb.on('close', (i) => closes.push(i.unplugged));
  await la.close();
  assert.equal(closes, [true]);
});

test.run();
