// Receiving a snapshot (SNAPSHOT_PUT chunks): contiguous from offset 0, one total. When it fits the
// core's staging area the bytes go straight to staging_ptr() and the last chunk calls
// snapshot_load(total), which checks magic, version, config hash, size and CRC before touching the
// state. A larger one (the virtual device has host memory to spare, unlike the firmware) is collected
// here and handed to Core.loadSnapshot, which streams it through the staging area twice (verify, apply).
import type { Core } from '../core/core.ts';
import { Status, coreStatusToCode } from '../protocol/index.ts';

export class SnapshotReceiver {
  private total = 0;
  private received = 0;
  private active = false;
  private buffer: Uint8Array | null = null;

  reset(): void {
    this.active = false;
  }

  /** Takes one chunk; returns OK, an E_SNAPSHOT_* code, or (last chunk) the load's result. */
  put(core: Core, offset: number, total: number, data: Uint8Array): number {
    if (offset === 0) {
      this.active = false;
      const cap = core.x.staging_capacity();
      if (total === 0 || cap <= 0 || total !== core.x.state_bytes() + 32) return Status.E_SNAPSHOT_TOTAL;
      Object.assign(this, { active: true, total, received: 0, buffer: total > cap ? new Uint8Array(total) : null });
    } else {
      if (!this.active || offset !== this.received) return Status.E_SNAPSHOT_OFFSET;
      if (total !== this.total) return Status.E_SNAPSHOT_TOTAL;
    }
    if (offset + data.length > total) return Status.E_SNAPSHOT_TOTAL;
    if (this.buffer) this.buffer.set(data, offset);
    else new Uint8Array(core.x.memory.buffer).set(data, core.x.staging_ptr() + offset);
    this.received += data.length;
    if (this.received < total) return Status.OK;
    this.active = false;
    const s = this.buffer ? core.loadSnapshot(this.buffer) : core.x.snapshot_load(total);
    this.buffer = null;
    return s < 0 ? coreStatusToCode(s) : Status.OK;
  }
}
