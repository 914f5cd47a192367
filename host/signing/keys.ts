// Where the core-signing key comes from, and where a device's public key comes from.
//
// Signing (the build, scripts/sign-core.ts), first match wins:
//   1. --key FILE                   a PKCS#8 PEM Ed25519 private key
//   2. DEEPTRACE_SIGNING_KEY        the PEM text itself (e.g. a CI secret) or the path of a PEM file
//   3. keys/core-signing.pem        the development key, generated on first use (keys/ is in
//                                   .gitignore: it is never committed)
// Verifying (the virtual device), first match wins:
//   1. --public-key FILE            SPKI PEM, or the 32 raw bytes, or 64 hex digits
//   2. DEEPTRACE_PUBLIC_KEY         the same as text (PEM or hex) or the path of such a file
//   3. build/core-signing.pub.pem   the public half of the key that signed the last build
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PUBLIC_KEY_BYTES, publicKeyFromRaw } from './signature.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEV_KEY_FILE = path.join(root, 'keys', 'core-signing.pem');
export const BUILD_PUBLIC_KEY_FILE = path.join(root, 'build', 'core-signing.pub.pem');
export const SIGNING_KEY_ENV = 'DEEPTRACE_SIGNING_KEY';
export const PUBLIC_KEY_ENV = 'DEEPTRACE_PUBLIC_KEY';

export interface LoadedKey<K> {
  key: K;
  /** Where it came from, for messages. */
  from: string;
  /** True when the development key was generated just now. */
  generated?: boolean;
}

function privateFromPem(pem: string | Buffer, from: string): KeyObject {
  let k: KeyObject;
  try {
    k = createPrivateKey(pem);
  } catch (err) {
    throw new Error(`${from}: not a PEM private key (${(err as Error).message})`);
  }
  if (k.asymmetricKeyType !== 'ed25519') throw new Error(`${from}: an ${k.asymmetricKeyType} key; core images are signed with ed25519`);
  return k;
}

function readKeyFile(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`${what} '${file}': ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message}`);
  }
}

/** The signing key (see the file comment for the order). Generates the development key if needed. */
export function loadSigningKey(opts: { keyFile?: string; env?: NodeJS.ProcessEnv; devKeyFile?: string } = {}): LoadedKey<KeyObject> {
  const env = opts.env ?? process.env;
  if (opts.keyFile !== undefined) return { key: privateFromPem(readKeyFile(opts.keyFile, '--key'), `--key ${opts.keyFile}`), from: opts.keyFile };
  const v = env[SIGNING_KEY_ENV];
  if (v !== undefined && v !== '') {
    if (v.includes('-----BEGIN')) return { key: privateFromPem(v, SIGNING_KEY_ENV), from: `$${SIGNING_KEY_ENV}` };
    return { key: privateFromPem(readKeyFile(v, SIGNING_KEY_ENV), `${SIGNING_KEY_ENV}=${v}`), from: v };
  }
  const dev = opts.devKeyFile ?? DEV_KEY_FILE;
  if (existsSync(dev)) return { key: privateFromPem(readFileSync(dev), dev), from: dev };
  const { privateKey } = generateKeyPairSync('ed25519');
  mkdirSync(path.dirname(dev), { recursive: true });
  writeFileSync(dev, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  return { key: privateKey, from: dev, generated: true };
}

/** A public key from file or text contents: SPKI PEM, 32 raw bytes, or 64 hex digits. */
export function parsePublicKey(data: Buffer | string, from: string): KeyObject {
  const text = typeof data === 'string' ? data : data.toString('latin1');
  if (text.includes('-----BEGIN')) {
    let k: KeyObject;
    try {
      k = createPublicKey(text);
    } catch (err) {
      throw new Error(`${from}: not a PEM public key (${(err as Error).message})`);
    }
    if (k.asymmetricKeyType !== 'ed25519') throw new Error(`${from}: an ${k.asymmetricKeyType} key; core images are verified with ed25519`);
    return k;
  }
  const hex = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(hex)) return publicKeyFromRaw(Buffer.from(hex, 'hex'));
  if (typeof data !== 'string' && data.length === PUBLIC_KEY_BYTES) return publicKeyFromRaw(data);
  throw new Error(`${from}: not an ed25519 public key (allowed: SPKI PEM, ${PUBLIC_KEY_BYTES} raw bytes, or ${2 * PUBLIC_KEY_BYTES} hex digits)`);
}

/** The virtual device's public key (see the file comment), or null when none is provisioned. */
export function loadPublicKey(opts: { file?: string; env?: NodeJS.ProcessEnv; buildFile?: string } = {}): LoadedKey<KeyObject> | null {
  const env = opts.env ?? process.env;
  if (opts.file !== undefined) return { key: parsePublicKey(readKeyFile(opts.file, '--public-key'), `--public-key ${opts.file}`), from: opts.file };
  const v = env[PUBLIC_KEY_ENV];
  if (v !== undefined && v !== '') {
    if (v.includes('-----BEGIN') || /^\s*[0-9a-fA-F]{64}\s*$/.test(v)) return { key: parsePublicKey(v, PUBLIC_KEY_ENV), from: `$${PUBLIC_KEY_ENV}` };
    return { key: parsePublicKey(readKeyFile(v, PUBLIC_KEY_ENV), `${PUBLIC_KEY_ENV}=${v}`), from: v };
  }
  const b = opts.buildFile ?? BUILD_PUBLIC_KEY_FILE;
  if (existsSync(b)) return { key: parsePublicKey(readFileSync(b), b), from: b };
  return null;
}
