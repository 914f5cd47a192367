// Receiving a core image: CORE_UPLOAD_BEGIN (size, CRC-32, signature), contiguous chunks, END. Only the byte
// bookkeeping; verifying and swapping in the module is verify-core.ts and the session.
import { Status, crc32 } from '../protocol/index.ts';

/** The largest core image the device stores (its flash slot). */
export const MAX_CORE_BYTES = 256 * 1024;

export type UploadEnd = { status: typeof Status.OK; image: Uint8Array; signature: Uint8Array } | { status: number; text: string };

export class UploadReceiver {
  private buf: Uint8Array | null = null;
  private crc = 0;
  private signature = new Uint8Array(0);
  private received = 0;

  get active(): boolean {
    return this.buf !== null;
  }

  /** A new transfer (an unfinished one is dropped). */
  begin(size: number, crc: number, signature: Uint8Array): number {
    this.buf = null;
    if (size === 0 || size > MAX_CORE_BYTES) return Status.E_UPLOAD_SIZE;
    this.buf = new Uint8Array(size);
    this.crc = crc >>> 0;
    this.signature = signature.slice();
    this.received = 0;
    return Status.OK;
  }

  chunk(offset: number, data: Uint8Array): number {
    if (!this.buf) return Status.E_UPLOAD_NOT_STARTED;
    if (offset !== this.received) return Status.E_UPLOAD_OFFSET;
    if (offset + data.length > this.buf.length) return Status.E_UPLOAD_SIZE;
    this.buf.set(data, offset);
    this.received += data.length;
    return Status.OK;
  }

  /** Ends the transfer (whatever the outcome) and returns the image if it is complete and intact. */
  end(): UploadEnd {
    const buf = this.buf;
    this.buf = null;
    if (!buf) return { status: Status.E_UPLOAD_NOT_STARTED, text: 'CORE_UPLOAD_END without CORE_UPLOAD_BEGIN' };
    if (this.received !== buf.length) return { status: Status.E_UPLOAD_SIZE, text: `END after ${this.received} of ${buf.length} bytes` };
    const crc = crc32(buf);
    if (crc !== this.crc) return { status: Status.E_UPLOAD_CRC, text: `image CRC-32 0x${hex(crc)}, BEGIN announced 0x${hex(this.crc)}` };
    return { status: Status.OK, image: buf, signature: this.signature };
  }
}

export const hex = (v: number) => (v >>> 0).toString(16).padStart(8, '0');
