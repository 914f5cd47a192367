// Receiving a snapshot (SNAPSHOT_PUT chunks): contiguous from offset 0, one total that fits the
// core's staging area; the bytes go straight to staging_ptr() and the last chunk calls
// snapshot_load(total), which checks magic, version, config hash, size and CRC before touching the state.
import type { Core } from '../core/core.ts';
import { Status, coreStatusToCode } from '../protocol/index.ts';

export class SnapshotReceiver {
  private total = 0;
  private received = 0;
  private active = false;

  reset(): void {
    this.active = false;
  }

  /** Takes one chunk; returns OK, an E_SNAPSHOT_* code, or (last chunk) the load's result. */
  put(core: Core, offset: number, total: number, data: Uint8Array): number {
    if (offset === 0) {
      this.active = false;
      const cap = core.x.staging_capacity();
      if (total === 0 || cap < 0 || total > cap) return Status.E_SNAPSHOT_TOTAL;
      Object.assign(this, { active: true, total, received: 0 });
    } else {
      if (!this.active || offset !== this.received) return Status.E_SNAPSHOT_OFFSET;
      if (total !== this.total) return Status.E_SNAPSHOT_TOTAL;
    }
    new Uint8Array(core.x.memory.buffer).set(data, core.x.staging_ptr() + offset);
    this.received += data.length;
    if (this.received < total) return Status.OK;
    this.active = false;
    const s = core.x.snapshot_load(total);
    return s < 0 ? coreStatusToCode(s) : Status.OK;
  }
}
