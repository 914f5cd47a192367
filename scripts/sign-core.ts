// Signs core images: writes FILE.sig (the 64-byte Ed25519 signature of FILE's bytes) beside each
// FILE, and build/core-signing.pub.pem, the public half of the key used (what a device is
// provisioned with: docs/protocol.md, "Signed core images"). The build runs it on build/core.wasm
// and build/core.debug.wasm.
//   node --import tsx scripts/sign-core.ts [--key PRIVATE.pem] FILE...
// Key: --key, else $DEEPTRACE_SIGNING_KEY (PEM text or a path), else keys/core-signing.pem,
// generated on first use (never committed: keys/ is in .gitignore).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createPublicKey } from 'node:crypto';
import { BUILD_PUBLIC_KEY_FILE, loadSigningKey, signImage } from '../host/signing/index.ts';

const USAGE = 'usage: sign-core.ts [--key PRIVATE.pem] FILE...';

function main(argv: string[]): number {
  let keyFile: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      process.stdout.write(`${USAGE}\nWrites FILE.sig (Ed25519, 64 bytes) for each FILE and ${path.relative(process.cwd(), BUILD_PUBLIC_KEY_FILE)}.\n` +
        'Key: --key, else $DEEPTRACE_SIGNING_KEY (PEM text or a path), else keys/core-signing.pem (generated on first use).\n');
      return 0;
    }
    if (a === '--key') {
      keyFile = argv[++i];
      if (keyFile === undefined) return usage('--key needs a file');
    } else if (a.startsWith('-')) return usage(`unknown option '${a}'`);
    else files.push(a);
  }
  if (files.length === 0) return usage('no file to sign');
  let loaded;
  try {
    loaded = loadSigningKey({ keyFile });
  } catch (err) {
    process.stderr.write(`sign-core: ${(err as Error).message}\n`);
    return 2;
  }
  if (loaded.generated) {
    process.stderr.write(`sign-core: generated a development signing key in ${path.relative(process.cwd(), loaded.from)} ` +
      '(keep it out of git; for real devices use --key or DEEPTRACE_SIGNING_KEY)\n');
  }
  for (const f of files) {
    let image: Buffer;
    try {
      image = readFileSync(f);
    } catch (err) {
      process.stderr.write(`sign-core: cannot read '${f}': ${(err as Error).message}\n`);
      return 2;
    }
    writeFileSync(`${f}.sig`, signImage(image, loaded.key));
  }
  mkdirSync(path.dirname(BUILD_PUBLIC_KEY_FILE), { recursive: true });
  writeFileSync(BUILD_PUBLIC_KEY_FILE, createPublicKey(loaded.key).export({ format: 'pem', type: 'spki' }));
  return 0;
}

function usage(why: string): number {
  process.stderr.write(`sign-core: ${why}\n${USAGE}\n`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
