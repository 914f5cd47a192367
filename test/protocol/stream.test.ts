import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Rejection } from '../../host/protocol/frame.ts';
import type { Envelope, Message } from '../../host/protocol/messages.ts';
import { MessageDecodeStream, MessageEncodeStream } from '../../host/protocol/stream.ts';

const msgs: Message[] = [
  { type: 'HELLO', protocolVersion: 1, coreVersion: 1, selfTestChecksum: 9, name: 'sim' },
  { type: 'START' },
  { type: 'SENSOR_FRAME', step: 0, values: [1, 2, 3] },
  { type: 'STOP' },
];

test('encode stream -> byte soup (re-chunked, with garbage) -> decode stream', async () => {
  const enc = new MessageEncodeStream();
  const frames: Buffer[] = [];
  enc.on('data', (b: Buffer) => frames.push(b));
  for (const m of msgs) enc.write({ message: m, ackRequested: m.type === 'START' });
  enc.end();
  await new Promise((r) => enc.on('end', r));
  assert.equal(frames.map((f) => f[f.length - 1]), [0, 0, 0, 0]);

  const wire = Buffer.concat([frames[0], Buffer.from([5, 2, 3, 0]), ...frames.slice(1), frames[0].subarray(0, 4)]);
  const chunks = [];
  for (let k = 0; k < wire.length; k += 5) chunks.push(wire.subarray(k, k + 5));
  const dec = new MessageDecodeStream();
  const rejects: Rejection[] = [];
  dec.on('reject', (r: Rejection) => rejects.push(r));
  const got: Envelope[] = [];
  dec.on('data', (e: Envelope) => got.push(e));
  await pipeline(Readable.from(chunks), dec);
  assert.equal(got.map((e) => e.message), msgs);
  assert.equal(got.map((e) => e.seq), [0, 1, 2, 3]);
  assert.equal(got.map((e) => e.ackRequested), [false, true, false, false]);
  assert.equal(rejects.map((r) => r.reason), ['cobs', 'truncated']); // garbage; frame cut by end of stream
  assert.is(dec.decoder.stats.rejected, 2);
});

test('encode stream errors on a message that does not fit', async () => {
  const enc = new MessageEncodeStream();
  const err = new Promise<Error>((r) => enc.on('error', r));
  enc.write({ message: { type: 'ACK', ackedSeq: 999, status: 0 } });
  assert.instance(await err, RangeError);
});

test.run();
