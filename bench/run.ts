// `npm run bench [-- options]`: bench/index.ts (the core tables), then firmware/size.ts (the firmware
// tables), each given every option; each ignores the ones it does not know (--no-learning and
// --learning-jobs N are bench/index.ts's, --no-build and --no-qemu firmware/size.ts's). npm appends
// `-- options` to the last command of a script only, hence this runner. With --json the two JSON
// objects are merged into one.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const json = args.includes('--json');
const parts = ['bench/index.ts', 'firmware/size.ts'];
const merged: Record<string, unknown> = {};
for (const part of parts) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, part), ...args], {
    cwd: root,
    stdio: ['inherit', json ? 'pipe' : 'inherit', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (r.error) throw r.error;
  if (json) Object.assign(merged, JSON.parse(r.stdout));
  if (r.status !== 0) {
    if (json) console.log(JSON.stringify(merged, null, 2));
    process.exit(r.status ?? 1);
  }
  if (!json && part !== parts[parts.length - 1]) console.log('');
}
if (json) console.log(JSON.stringify(merged, null, 2));
