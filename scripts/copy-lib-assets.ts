// After `tsc -p tsconfig.build.json`: the files the compiled library reads at run time, next to it
// where it looks for them (dist/host/core/core.js loads ../../build/core.wasm = dist/build/core.wasm).
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const files = ['build/core.wasm', 'build/core.wasm.sig', 'build/core.debug.wasm', 'build/core.debug.wasm.sig', 'build/core-signing.pub.pem'];
for (const f of files) {
  const from = path.join(root, f);
  if (!existsSync(from)) throw new Error(`${f} is missing: run npm run build first`);
  mkdirSync(path.dirname(path.join(root, 'dist', f)), { recursive: true });
  copyFileSync(from, path.join(root, 'dist', f));
}
process.stderr.write(`copied ${files.length} files into dist/build\n`);
