// JSON form of messages (golden vectors, logs): the same fields, with byte arrays as lowercase hex.
import type { Message } from './messages.ts';

export type JsonMessage = { type: Message['type'] } & Record<string, unknown>;

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** Parses an even-length hex string. Throws on anything else. */
export function fromHex(s: string): Uint8Array {
  if (typeof s !== 'string' || s.length % 2 || /[^0-9a-fA-F]/.test(s)) throw new RangeError(`not a hex string: ${JSON.stringify(s)}`);
  return new Uint8Array(Buffer.from(s, 'hex'));
}

/** The JSON form of a message: Uint8Array fields become hex strings. */
export function messageToJson(m: Message): JsonMessage {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m)) out[k] = v instanceof Uint8Array ? toHex(v) : Array.isArray(v) ? [...v] : v;
  return out as JsonMessage;
}

const BYTE_FIELDS: Partial<Record<Message['type'], string>> = {
  CONFIGURE: 'config',
  SNAPSHOT_DATA: 'data',
  SNAPSHOT_PUT: 'data',
  CORE_UPLOAD_BEGIN: 'signature',
  CORE_UPLOAD_CHUNK: 'data',
};

/** The message of a JSON form (inverse of messageToJson). Field values are checked when encoding. */
export function messageFromJson(j: JsonMessage): Message {
  const m: Record<string, unknown> = { ...j };
  const f = BYTE_FIELDS[j.type];
  if (f !== undefined) m[f] = fromHex(j[f] as string);
  return m as unknown as Message;
}
