// The demo's table as text.
import type { DemoRow } from '../../sims/loop/demo.ts';
import type { Phases } from '../../sims/loop/metrics.ts';

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : 'n/a');

interface Tabular {
  plant: string;
  scenario: string;
  seconds: number;
  seed: number;
  reference?: string;
  phases: Phases;
  rows: DemoRow[];
}

export function demoTable(r: Tabular, what = 'RMS error', unit = 'rad', first = 'controller'): string {
  const rows = [[first, `${what} before change (${unit})`, `${what} after change (${unit})`, 'recovery (s)']];
  for (const row of r.rows) {
    rows.push([row.controller, fmt(row.rmsBefore), fmt(row.rmsAfter), row.recoverySeconds === null ? 'never' : row.recoverySeconds.toFixed(1)]);
  }
  const w = rows[0].map((_, c) => Math.max(...rows.map((x) => x[c].length)));
  const line = (x: string[]) => '| ' + x.map((s, c) => (c === 0 ? s.padEnd(w[c]) : s.padStart(w[c]))).join(' | ') + ' |';
  const sep = '|' + w.map((n, c) => (c === 0 ? '-'.repeat(n + 2) : '-'.repeat(n + 1) + ':')).join('|') + '|';
  return [line(rows[0]), sep, ...rows.slice(1).map(line)].join('\n');
}

export function demoHeadline(r: Tabular): string {
  const p = r.phases;
  return (
    `${r.plant}, ${r.reference === 'random' ? `random smooth reference (seed ${r.seed})` : 'periodic reference'}, scenario '${r.scenario}' at t = ${p.change} s, ${r.seconds} s simulated, seed ${r.seed}; ` +
    `errors measured after the ${p.warmup} s warm-up; recovery = back within 1.2x of the pre-change error over one reference period`
  );
}
