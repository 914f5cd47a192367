// Handing the learner state from the running core to a new core of the same version and config.
// Normally by snapshot (save on the old core, snapshot_load on the new one, which checks every header
// field and the CRC). A state too large to stage beside itself (E_NO_ROOM) is copied straight into
// place instead and accepted only if the new core's own snapshot then equals the old one byte for
// byte (same header, same config hash, same CRC over the same state).
import type { Core } from '../core/core.ts';
import { Status } from '../core/status.ts';

/** 0 when the state was handed over, else a negative core status. */
export function handOver(from: Core, to: Core): number {
  const snap = from.saveSnapshot();
  const s = to.loadSnapshot(snap);
  if (s !== Status.E_NO_ROOM) return s;
  const state = snap.subarray(32);
  if (to.x.state_bytes() !== state.length || to.x.config_hash() !== from.x.config_hash()) return Status.E_SNAPSHOT_CONFIG;
  to.bytes.set(state, to.x.snapshot_ptr() + 32);
  const check = to.saveSnapshot();
  return check.length === snap.length && check.every((b, i) => b === snap[i]) ? 0 : Status.E_SNAPSHOT_CRC;
}
