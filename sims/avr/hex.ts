// Intel HEX (the format avrdude flashes and the Arduino IDE exports) to a flat program image.
// Record types handled: 00 data, 01 end of file, 02 extended segment address, 04 extended linear
// address; 03/05 (start addresses) are ignored, as a flash image has no use for them. Every
// record's checksum is verified.

export interface HexImage {
  /** Program bytes, 0xff where the file wrote nothing. */
  bytes: Uint8Array;
  /** One past the highest address written. */
  end: number;
}

/** Parse `text` into an image of `size` bytes (default 32 KiB, the ATmega328P's flash). */
export function parseIntelHex(text: string, size = 0x8000): HexImage {
  const bytes = new Uint8Array(size).fill(0xff);
  let base = 0;
  let end = 0;
  let sawEof = false;
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].trim();
    if (line === '') continue;
    const where = `intel hex line ${n + 1}`;
    if (sawEof) throw new Error(`${where}: data after the end-of-file record`);
    if (line[0] !== ':' || line.length < 11 || line.length % 2 === 0 || !/^:[0-9a-fA-F]+$/.test(line)) {
      throw new Error(`${where}: not a record`);
    }
    const rec = Buffer.from(line.slice(1), 'hex');
    const count = rec[0];
    if (rec.length !== count + 5) throw new Error(`${where}: length byte says ${count}, record holds ${rec.length - 5}`);
    let sum = 0;
    for (const b of rec) sum = (sum + b) & 0xff;
    if (sum !== 0) throw new Error(`${where}: bad checksum`);
    const offset = (rec[1] << 8) | rec[2];
    const type = rec[3];
    const data = rec.subarray(4, 4 + count);
    switch (type) {
      case 0x00: {
        const at = base + offset;
        if (at + count > size) throw new Error(`${where}: address 0x${at.toString(16)} + ${count} is past the ${size}-byte image`);
        bytes.set(data, at);
        end = Math.max(end, at + count);
        break;
      }
      case 0x01:
        sawEof = true;
        break;
      case 0x02:
        base = ((data[0] << 8) | data[1]) << 4;
        break;
      case 0x04:
        base = ((data[0] << 8) | data[1]) << 16;
        break;
      case 0x03:
      case 0x05:
        break;
      default:
        throw new Error(`${where}: unknown record type ${type}`);
    }
  }
  if (!sawEof) throw new Error('intel hex: no end-of-file record');
  return { bytes, end };
}
