// Consistent Overhead Byte Stuffing (Cheshire & Baker 1999). The encoding contains no 0x00 byte, so
// 0x00 can delimit frames on the wire. These functions do not add or expect the delimiter.
//
// The encoded data is a sequence of blocks: a code byte c (1..255) followed by c - 1 non-zero data
// bytes. A block with c < 255 stands for its data followed by one 0x00, except the last block of the
// encoding, whose implied 0x00 is dropped. A block with c = 255 has no implied 0x00.
// The encoder is canonical: when the data ends with a full 254-byte block it adds no empty block
// after it. The decoder also accepts that empty trailing block (0x01), as some encoders emit it.

export type CobsResult = { ok: true; data: Uint8Array } | { ok: false; error: string };

/** Largest encoding of n bytes: n + floor(n / 254) + 1. */
export function cobsMaxEncodedLength(n: number): number {
  return n + Math.floor(n / 254) + 1;
}

/** Encodes data; the result has no 0x00 byte and is 1..cobsMaxEncodedLength(n) bytes long. */
export function cobsEncode(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(cobsMaxEncodedLength(data.length));
  let codeAt = 0; // where the current block's code byte goes
  let o = 1;
  let code = 1;
  for (let i = 0; i < data.length; i++) {
    const b = data[i];
    if (b === 0) {
      out[codeAt] = code;
      codeAt = o++;
      code = 1;
      continue;
    }
    out[o++] = b;
    if (++code === 0xff) {
      out[codeAt] = code;
      code = 1;
      if (i + 1 === data.length) return out.subarray(0, o); // ends on a full block: no empty block after it
      codeAt = o++;
    }
  }
  out[codeAt] = code;
  return out.subarray(0, o);
}

/** Decodes one COBS encoding (no delimiter). Never throws; invalid input gives { ok: false }. */
export function cobsDecode(enc: Uint8Array): CobsResult {
  if (enc.length === 0) return { ok: false, error: 'empty encoding' };
  const out = new Uint8Array(enc.length);
  let i = 0;
  let o = 0;
  while (i < enc.length) {
    const code = enc[i];
    if (code === 0) return { ok: false, error: `zero code byte at ${i}` };
    const end = i + code;
    if (end > enc.length) return { ok: false, error: `block at ${i} (code ${code}) runs ${end - enc.length} byte(s) past the end` };
    for (i++; i < end; i++) {
      const b = enc[i];
      if (b === 0) return { ok: false, error: `zero data byte at ${i}` };
      out[o++] = b;
    }
    if (code !== 0xff && i < enc.length) out[o++] = 0;
  }
  return { ok: true, data: out.subarray(0, o) };
}
