// Checks of the paths a user gives, made when a command starts: a serial port that cannot be one
// (missing, a regular file, a folder, /dev/null) and a report folder that cannot be made are
// usage errors like a bad --seconds (one line naming the option and what is allowed, exit 2), not
// a stack trace from serialport or an ENOTDIR after the whole run.
import { existsSync, mkdirSync, mkdtempSync, rmdirSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors.ts';

const PORT_ALLOWED = "a serial port is a terminal device such as /dev/ttyUSB0 or /dev/ttyACM0 (see 'deeptrace list'), or the path 'deeptrace device --pty' prints";

function what(st: Stats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isCharacterDevice()) return 'a character device';
  return 'not a character device';
}

const noSuchPort = (option: string, port: string) => new UsageError(`${option} ${port}: no such serial port; ${PORT_ALLOWED}`);

/**
 * Throws a UsageError when stat already says `port` is no serial port. It is not opened here:
 * opening a real port raises DTR, which resets an Arduino; the command's own open is the one.
 */
export function checkSerialPort(option: string, port: string): void {
  let st: Stats;
  try {
    st = statSync(port);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw noSuchPort(option, port);
    return; // EACCES and the like: the open reports it
  }
  if (!st.isCharacterDevice()) throw new UsageError(`${option} ${port}: ${what(st)}, not a serial port; ${PORT_ALLOWED}`);
}

/**
 * The UsageError for an open of `port` that failed because it is no serial port: gone since the
 * check, or a character device that is not a terminal (/dev/null: the termios ioctl fails with
 * ENOTTY). Null for the failures that are not a mistake in the path (busy, permission, no device).
 */
export function serialOpenUsageError(option: string, port: string, err: unknown): UsageError | null {
  const msg = (err as Error)?.message ?? String(err);
  if (/ENOENT|No such file/i.test(msg)) return noSuchPort(option, port);
  if (/ENOTTY|Inappropriate ioctl/i.test(msg)) return new UsageError(`${option} ${port}: a character device that is not a terminal, not a serial port; ${PORT_ALLOWED}`);
  return null;
}

const FOLDER_ALLOWED = 'give a folder that exists or can be made, or --no-report';

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  if (e.code === 'EROFS') return 'read-only file system';
  return e.code ?? e.message;
}

/**
 * Makes the report folder `dir` (with its missing parents) and checks a folder can be made in it,
 * before the run, so that a bad --out fails at once instead of after the run. The parents are made
 * one at a time: Node 20's recursive mkdir never returns under /proc.
 */
export function makeOutputFolder(option: string, dir: string, allowed = FOLDER_ALLOWED, made = 'a report folder'): void {
  const missing: string[] = [];
  let p = path.resolve(dir);
  while (!existsSync(p)) {
    missing.unshift(p);
    p = path.dirname(p);
  }
  const st = statSync(p);
  if (!st.isDirectory()) throw new UsageError(`${option} ${dir}: ${p} is ${what(st)}, not a folder; ${allowed}`);
  for (const m of missing) {
    try {
      mkdirSync(m);
    } catch (err) {
      throw new UsageError(`${option} ${dir}: cannot make ${m} (${reason(err)}); ${allowed}`);
    }
  }
  try {
    rmdirSync(mkdtempSync(path.join(path.resolve(dir), '.deeptrace-probe-')));
  } catch (err) {
    throw new UsageError(`${option} ${dir}: cannot make ${made} in it (${reason(err)}); ${allowed}`);
  }
}

/** A device's store folder (`device --store`): made when missing, like a report folder. */
export function checkStoreFolder(option: string, dir: string): void {
  makeOutputFolder(option, dir, 'give a folder that exists or can be made', 'a file');
}
