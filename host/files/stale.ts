// Leftovers of atomic writes. A writer works under NAME.<tag>-<its pid> and renames that to NAME
// when done; a writer killed in between (SIGKILL, a power cut) leaves it behind. The next writer in
// the same folder removes those whose process is gone. One whose pid is alive is left alone: that
// process may still be writing it (or the pid was reused since; a leftover kept costs less than a
// write broken).
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

/** Whether a process with this id exists; EPERM means it does (another user's). */
export function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Removes the entries of `dir` named `<base>.<tag>-<pid>` (any base when `base` is omitted) whose
 * process is dead, and returns their names. Best effort: a folder that does not exist or an entry
 * that cannot be removed is not the caller's write failing.
 */
export function removeStale(dir: string, tag: string, base?: string): string[] {
  const re = new RegExp(`^${base === undefined ? '.+' : escape(base)}\\.${escape(tag)}-(\\d+)$`);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = re.exec(name);
    // pid 0 and below would name process groups for process.kill, not a writer
    const pid = m ? Number(m[1]) : 0;
    if (!(pid >= 1) || !Number.isSafeInteger(pid) || pidAlive(pid)) continue;
    try {
      rmSync(path.join(dir, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      // someone else's to clean (permissions); it does not block this write
    }
  }
  return removed;
}
