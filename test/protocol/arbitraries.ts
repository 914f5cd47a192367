// fast-check arbitraries shared by the protocol tests (not a test file itself).
import fc from 'fast-check';
import type { Message } from '../../host/protocol/messages.ts';
import { MAX_FRAME_VALUES, MAX_TELEMETRY_VALUES } from '../../host/protocol/messages.ts';
import { MAX_PAYLOAD } from '../../host/protocol/frame.ts';

export const u8 = fc.integer({ min: 0, max: 0xff });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const i32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const str = fc.string({ unit: 'binary', maxLength: 60 });
const values = (max: number) => fc.array(i32, { maxLength: max });

/** A chunk of bytes with data up to maxLength, offset/total consistent (offset + length <= total < 2^32). */
const chunked = (maxLength: number) =>
  fc.uint8Array({ maxLength }).chain((data) =>
    fc.integer({ min: 0, max: 0xffffffff - data.length }).chain((offset) =>
      fc.integer({ min: offset + data.length, max: 0xffffffff }).map((total) => ({ offset, total, data })),
    ),
  );

export const messageArb: fc.Arbitrary<Message> = fc.oneof(
  fc.record({ type: fc.constant('HELLO' as const), protocolVersion: u16, coreVersion: u16, selfTestChecksum: u32, name: str }),
  fc.record({ type: fc.constant('ACK' as const), ackedSeq: u8, status: u16 }),
  fc.record({ type: fc.constant('ERROR' as const), code: u16, text: str }),
  fc.record({ type: fc.constant('CONFIGURE' as const), config: fc.uint8Array({ maxLength: MAX_PAYLOAD }) }),
  fc.constant({ type: 'START' as const }),
  fc.constant({ type: 'STOP' as const }),
  fc.record({ type: fc.constant('LEARN' as const), on: fc.boolean() }),
  fc.record({ type: fc.constant('SENSOR_FRAME' as const), step: u32, values: values(MAX_FRAME_VALUES) }),
  fc.record({ type: fc.constant('ACTUATOR_FRAME' as const), step: u32, values: values(MAX_FRAME_VALUES) }),
  fc.record({ type: fc.constant('TELEMETRY' as const), step: u32, loss: i32, flags: u16, values: values(MAX_TELEMETRY_VALUES) }),
  fc.constant({ type: 'SNAPSHOT_GET' as const }),
  chunked(MAX_PAYLOAD - 8).map((c) => ({ type: 'SNAPSHOT_DATA' as const, ...c })),
  chunked(MAX_PAYLOAD - 8).map((c) => ({ type: 'SNAPSHOT_PUT' as const, ...c })),
  fc.record({ type: fc.constant('CORE_UPLOAD_BEGIN' as const), size: u32, crc: u32, signature: fc.uint8Array({ minLength: 64, maxLength: 64 }) }),
  chunked(MAX_PAYLOAD - 4).map(({ offset, data }) => ({ type: 'CORE_UPLOAD_CHUNK' as const, offset, data })),
  fc.constant({ type: 'CORE_UPLOAD_END' as const }),
).map((m) => ({ ...m }) as Message); // fc.record builds null-prototype objects; tests compare with plain ones

export const actuatorArb = fc
  .record({ type: fc.constant('ACTUATOR_FRAME' as const), step: u32, values: values(32) })
  .map((m) => ({ ...m }));

/** Splits bytes into chunks at the given cut points (any numbers; taken modulo the length). */
export function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => (bytes.length ? c % (bytes.length + 1) : 0)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const c of at) {
    out.push(bytes.subarray(from, c));
    from = c;
  }
  out.push(bytes.subarray(from));
  return out;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Non-empty runs of bytes ended by 0x00: the wire frames a decoder must account for. */
export function countSegments(bytes: Uint8Array): number {
  let n = 0;
  let run = 0;
  for (const b of bytes) {
    if (b === 0) {
      if (run) n++;
      run = 0;
    } else run++;
  }
  return n;
}
