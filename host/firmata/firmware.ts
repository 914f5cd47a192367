// The StandardFirmata build the emulated Uno runs, obtained on first use.
//
// The .hex is the StandardFirmata 2.4 build for the Uno that the npm package avrgirl-arduino ships
// (package/junk/hex/uno/StandardFirmata.cpp.hex). StandardFirmata and the Arduino core it links are
// LGPL-2.1, so this repository does not redistribute the binary (that would oblige it to carry or
// offer the matching source); it fetches it from the npm registry instead:
//
//   npm pack avrgirl-arduino@5.0.1      (the tarball alone: `npm install` would fail, one of the
//                                         package's dependencies is a git URL that cannot be reached)
//   tar -xzf <tgz> package/junk/hex/uno/StandardFirmata.cpp.hex
//
// into node_modules/.cache/deeptrace/firmata/, checked against a SHA-256 fixed here. Later runs use
// the cached file. DEEPTRACE_FIRMATA_HEX=/path/to/file.hex uses a local file instead (offline
// machines; it is still checked unless DEEPTRACE_FIRMATA_HEX_ANY=1, for another Firmata build).
// Run this file to fetch it ahead of time: node --import tsx host/firmata/firmware.ts
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, readdirSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '../..');
export const FIRMATA_CACHE = path.join(REPO_ROOT, 'node_modules/.cache/deeptrace/firmata');
export const FIRMATA_PACKAGE = 'avrgirl-arduino@5.0.1';
export const FIRMATA_HEX_IN_PACKAGE = 'package/junk/hex/uno/StandardFirmata.cpp.hex';
export const FIRMATA_HEX_SHA256 = '6d57ea7cf30e26c9c2f3a01ee37907d2c951f8bc9c27f84dddad12fa9c8b8f36';
export const FIRMATA_HEX_FILE = path.join(FIRMATA_CACHE, 'StandardFirmata-2.4-uno.hex');

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function checked(file: string, what: string): string {
  if (process.env.DEEPTRACE_FIRMATA_HEX_ANY === '1') return file;
  const got = sha256(file);
  if (got !== FIRMATA_HEX_SHA256) {
    throw new Error(`${what} ${file} has SHA-256 ${got}, expected ${FIRMATA_HEX_SHA256} (StandardFirmata 2.4 for the Uno from ${FIRMATA_PACKAGE})`);
  }
  return file;
}

let pending: Promise<string> | null = null;

/** Path of the StandardFirmata .hex, fetching it into the cache on first use. */
export function firmataHexPath(): Promise<string> {
  const override = process.env.DEEPTRACE_FIRMATA_HEX;
  if (override) return Promise.resolve(checked(path.resolve(override), 'DEEPTRACE_FIRMATA_HEX'));
  if (existsSync(FIRMATA_HEX_FILE)) {
    try {
      return Promise.resolve(checked(FIRMATA_HEX_FILE, 'cached'));
    } catch {
      rmSync(FIRMATA_HEX_FILE, { force: true }); // damaged: fetch again
    }
  }
  pending ??= fetchHex().finally(() => {
    pending = null;
  });
  return pending;
}

async function fetchHex(): Promise<string> {
  mkdirSync(FIRMATA_CACHE, { recursive: true });
  const tmp = mkdtempSync(path.join(FIRMATA_CACHE, 'fetch-'));
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    try {
      await run(npm, ['pack', FIRMATA_PACKAGE, '--silent', '--pack-destination', tmp], { cwd: tmp, timeout: 180_000 });
    } catch (e) {
      throw new Error(`could not fetch ${FIRMATA_PACKAGE} with 'npm pack' (${(e as Error).message.split('\n')[0]}); ` +
        'set DEEPTRACE_FIRMATA_HEX to a local StandardFirmata .hex for the Uno');
    }
    const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`'npm pack ${FIRMATA_PACKAGE}' left no tarball in ${tmp}`);
    await run('tar', ['-xzf', path.join(tmp, tgz), '-C', tmp, FIRMATA_HEX_IN_PACKAGE], { timeout: 60_000 });
    const extracted = checked(path.join(tmp, FIRMATA_HEX_IN_PACKAGE), 'downloaded');
    const staged = path.join(tmp, 'staged.hex');
    copyFileSync(extracted, staged);
    renameSync(staged, FIRMATA_HEX_FILE); // atomic: a concurrent reader sees the whole file or none
    return FIRMATA_HEX_FILE;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The .hex text (fetching it on first use). */
export async function firmataHex(): Promise<string> {
  return readFileSync(await firmataHexPath(), 'utf8');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  firmataHexPath().then(
    (p) => process.stdout.write(`${p}\n`),
    (e) => {
      process.stderr.write(`deeptrace: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
