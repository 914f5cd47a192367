// Property tests of the stream decoder against hostile input (fast-check). The invariant everywhere:
// the decoder never throws, and every non-empty run of bytes ended by 0x00 is accounted for exactly
// once, as a decoded message or as a counted rejection.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { MessageType } from '../../host/protocol/codes.ts';
import { cobsEncode } from '../../host/protocol/cobs.ts';
import { crc32 } from '../../host/protocol/crc.ts';
import { MessageDecoder } from '../../host/protocol/decoder.ts';
import { MAX_ENCODED, MAX_PAYLOAD, decodeFrameBody, decodeWireFrame } from '../../host/protocol/frame.ts';
import { encodeMessage, type Envelope, type Message } from '../../host/protocol/messages.ts';
import { actuatorArb, concat, countSegments, messageArb, split } from './arbitraries.ts';

const cuts = fc.array(fc.nat(), { maxLength: 12 });
/** Bytes biased towards delimiters and COBS-looking runs, plus plain random bytes. */
const garbage = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.array(fc.constantFrom(0, 0, 1, 2, 3, 5, 0x10, 0x21, 0xff), { maxLength: 300 }).map((a) => Uint8Array.from(a)),
);
const nonZeroGarbage = fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => b.map((x) => x || 1));

/** Feeds chunks; asserts the accounting invariant; returns the decoded envelopes. */
function run(bytes: Uint8Array, cutAt: number[] = []): { got: Envelope[]; d: MessageDecoder } {
  const d = new MessageDecoder();
  const got: Envelope[] = [];
  for (const c of split(bytes, cutAt)) got.push(...d.push(c));
  const cutOff = d.pending > 0 ? 1 : 0;
  d.end();
  const s = d.stats;
  assert.is(s.messages, got.length);
  assert.is(s.messages + s.rejected, countSegments(bytes) + cutOff, 'every frame is decoded or counted');
  assert.is(Object.values(s.reasons).reduce((a, b) => a + b, 0), s.rejected);
  assert.is(s.bytes, bytes.length);
  return { got, d };
}

const wire = (m: Message, seq: number) => encodeMessage(m, { seq });

test('random bytes in random chunks: never throws, every frame accounted for', () => {
  fc.assert(fc.property(garbage, cuts, (b, c) => void run(b, c)), { numRuns: 500 });
  // Lone functions too.
  fc.assert(fc.property(fc.uint8Array({ maxLength: 1200 }), (b) => { decodeWireFrame(b); decodeFrameBody(b); }), { numRuns: 300 });
});

test('garbage between good frames (ended by a delimiter): every good frame is decoded, in order', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(messageArb, garbage), { minLength: 1, maxLength: 6 }), cuts, (items, c) => {
      const parts: Uint8Array[] = [];
      let garbageSegments = 0;
      items.forEach(([m, g], k) => {
        parts.push(g, Uint8Array.of(0), wire(m, k));
        garbageSegments += countSegments(Uint8Array.of(...g, 0));
      });
      const { got, d } = run(concat(parts), c);
      assert.equal(got.map((e) => e.message), items.map(([m]) => m));
      assert.is(d.stats.rejected, garbageSegments);
    }),
    { numRuns: 150 },
  );
});

test('garbage glued to a frame (no delimiter) costs that frame only; the next one is decoded', () => {
  fc.assert(
    fc.property(messageArb, messageArb, messageArb, nonZeroGarbage, cuts, (a, b, c, g, cs) => {
      const { got, d } = run(concat([wire(a, 1), g, wire(b, 2), wire(c, 3)]), cs);
      assert.equal(got.map((e) => e.seq), [1, 3]);
      assert.is(d.stats.rejected, 1);
    }),
    { numRuns: 150 },
  );
});

test('truncated frames are rejected and the following frame is decoded; a frame cut by end of stream counts as truncated', () => {
  fc.assert(
    fc.property(messageArb, fc.nat(), messageArb, cuts, (m, at, next, cs) => {
      const w = wire(m, 7);
      const cut = 1 + (at % (w.length - 2)); // keep 1 .. length-2 bytes of the COBS part
      const { got, d } = run(concat([w.subarray(0, cut), Uint8Array.of(0), wire(next, 8)]), cs);
      assert.equal(got.map((e) => e.seq), [8]);
      assert.is(d.stats.rejected, 1);
      const r = run(w.subarray(0, cut)).d;
      assert.is(r.stats.rejected, 1);
      assert.is(r.stats.reasons.truncated, 1);
    }),
    { numRuns: 200 },
  );
});

test('a flipped bit anywhere in an ACTUATOR_FRAME never yields a decoded message (exhaustive over every bit)', () => {
  const frames = [0, 1, 5, 63, (MAX_PAYLOAD - 4) / 4].map((n, k) =>
    wire({ type: 'ACTUATOR_FRAME', step: 1000 + k, values: Array.from({ length: n }, (_, j) => ((j * 2654435761) | 0) >> (j % 7)) }, k),
  );
  let flips = 0;
  for (const f of frames) {
    const d = new MessageDecoder({ onMessage: () => assert.unreachable('decoded a corrupted frame') });
    let segments = 0;
    for (let i = 0; i < f.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const g = Uint8Array.of(...f, 0); // the extra 0x00 ends the frame even when the flip hits its delimiter
        g[i] ^= 1 << bit;
        segments += countSegments(g);
        d.push(g);
        flips++;
      }
    }
    assert.is(d.stats.messages, 0);
    assert.is(d.stats.rejected, segments);
    assert.ok(d.stats.rejected >= f.length * 8);
  }
  assert.ok(flips > 8000);
});

test('a flipped bit in a random ACTUATOR_FRAME: no actuator frame decoded, the next frame still is', () => {
  fc.assert(
    fc.property(actuatorArb, fc.nat(), cuts, (m, pos, cs) => {
      const w = wire(m, 1);
      const i = pos % (w.length * 8);
      w[i >> 3] ^= 1 << (i & 7);
      const { got, d } = run(concat([w, Uint8Array.of(0), wire({ type: 'STOP' }, 2)]), cs);
      assert.equal(got.map((e) => e.message.type), ['STOP']);
      assert.ok(d.stats.rejected >= 1);
    }),
    { numRuns: 300 },
  );
});

test('oversized lengths: declared > 1024 and over-long wire frames are rejected as length; the next frame is decoded', () => {
  fc.assert(
    fc.property(fc.integer({ min: MAX_PAYLOAD + 1, max: 0xffff }), fc.uint8Array({ maxLength: MAX_PAYLOAD }), (declared, payload) => {
      const prefix = Uint8Array.of(1, MessageType.CONFIGURE, 0, 0, declared & 0xff, declared >> 8, ...payload);
      const body = Uint8Array.of(...prefix, 0, 0, 0, 0);
      new DataView(body.buffer).setUint32(prefix.length, crc32(prefix), true);
      const { got, d } = run(concat([cobsEncode(body), Uint8Array.of(0), wire({ type: 'START' }, 5)]));
      assert.equal(got.map((e) => e.seq), [5]);
      assert.is(d.stats.reasons.length, 1);
    }),
    { numRuns: 100 },
  );
  fc.assert(
    fc.property(fc.integer({ min: MAX_ENCODED + 1, max: 6000 }), fc.integer({ min: 1, max: 255 }), cuts, (n, fill, cs) => {
      const { got, d } = run(concat([new Uint8Array(n).fill(fill), Uint8Array.of(0), wire({ type: 'START' }, 6)]), cs);
      assert.equal(got.map((e) => e.seq), [6]);
      assert.is(d.stats.reasons.length, 1);
      assert.is(d.stats.rejected, 1);
    }),
    { numRuns: 50 },
  );
});

test('a hostile mix of good, truncated, corrupted and garbage frames: exactly the good ones come out, in order', () => {
  const item = fc.oneof(
    messageArb.map((m) => ({ kind: 'good' as const, m })),
    fc.tuple(messageArb, fc.nat()).map(([m, n]) => ({ kind: 'cut' as const, m, n })),
    fc.tuple(messageArb, fc.nat()).map(([m, n]) => ({ kind: 'flip' as const, m, n })),
    garbage.map((g) => ({ kind: 'garbage' as const, g })),
  );
  fc.assert(
    fc.property(fc.array(item, { maxLength: 10 }), cuts, (items, cs) => {
      const parts: Uint8Array[] = [];
      const want: number[] = [];
      items.forEach((it, k) => {
        if (it.kind === 'garbage') return void parts.push(it.g, Uint8Array.of(0));
        const w = wire(it.m, k);
        if (it.kind === 'good') {
          want.push(k);
          parts.push(w);
        } else if (it.kind === 'cut') {
          parts.push(w.subarray(0, 1 + (it.n % (w.length - 2))), Uint8Array.of(0));
        } else {
          const i = it.n % (w.length * 8);
          w[i >> 3] ^= 1 << (i & 7);
          parts.push(w, Uint8Array.of(0));
        }
      });
      const { got } = run(concat(parts), cs);
      assert.equal(got.map((e) => e.seq), want);
    }),
    { numRuns: 150 },
  );
});

test.run();
