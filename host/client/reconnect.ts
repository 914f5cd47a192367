// Retrying at a fixed interval until an attempt succeeds or the caller gives up.
import { setTimeout as sleep } from 'node:timers/promises';

/** Calls `attempt` every `intervalMs` until it returns true (-> true) or `stopped()` (-> false). */
export async function retryEvery(intervalMs: number, attempt: () => Promise<boolean>, stopped: () => boolean): Promise<boolean> {
  while (!stopped()) {
    await sleep(intervalMs);
    if (stopped()) return false;
    try {
      if (await attempt()) return true;
    } catch {
      // not there yet: try again
    }
  }
  return false;
}
