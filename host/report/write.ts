// The report folder of a run: runs/<timestamp>/ with the table as JSON, the time series as CSV,
// the plot as SVG and one self-contained HTML page with both. Written to a temporary folder first
// and renamed, so a failed run never leaves half a report. A run killed while writing (SIGKILL)
// leaves its temp folder; the next report written to the same place removes it.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { removeStale } from '../files/stale.ts';
import type { DemoResult } from '../../sims/loop/demo.ts';
import { demoHeadline, demoTable } from './table.ts';
import { demoPlotSvg } from './plot.ts';

export function demoJson(r: DemoResult) {
  return { plant: r.plant, reference: r.reference ?? 'periodic', scenario: r.scenario, engine: r.engine, seconds: r.seconds, seed: r.seed, phases: r.phases, rows: r.rows };
}

/** A controller's name as a column prefix or topic name: 'online deep e-prop (deep-fact)' -> 'online_deep_e_prop_deep_fact'. */
export function controllerKey(name: string): string {
  return name.replace(/[^a-z0-9]+/gi, '_').replace(/_+$/, '').toLowerCase();
}

export function seriesCsv(r: DemoResult): string {
  const n = r.traces[0].position.length / r.traces[0].error.length;
  const head = ['t', ...Array.from({ length: n }, (_, i) => `reference_${i + 1}`)];
  for (const tr of r.traces) {
    const key = controllerKey(tr.controller);
    head.push(`${key}_error`, ...Array.from({ length: n }, (_, i) => `${key}_position_${i + 1}`), ...Array.from({ length: n }, (_, i) => `${key}_command_${i + 1}`));
  }
  const lines = [head.join(',')];
  const ref = r.traces[0];
  for (let k = 0; k < ref.error.length; k++) {
    const row: (string | number)[] = [((k + 1) * ref.dt).toFixed(4)];
    for (let i = 0; i < n; i++) row.push(ref.reference[k * n + i].toPrecision(6));
    for (const tr of r.traces) {
      row.push(tr.error[k].toPrecision(6));
      for (let i = 0; i < n; i++) row.push(tr.position[k * n + i].toPrecision(6));
      for (let i = 0; i < n; i++) row.push(tr.command[k * n + i].toPrecision(6));
    }
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}

function html(r: DemoResult, svg: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>deeptrace run: ${esc(r.plant)} / ${esc(r.scenario)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:900px;margin:2em auto;padding:0 1em}pre{background:#f6f6f6;padding:1em;overflow-x:auto}</style>
</head><body>
<h1>deeptrace: online adaptation of ${esc(r.plant)}</h1>
<p>${esc(demoHeadline(r))}</p>
${svg}
<pre>${esc(demoTable(r))}</pre>
<p>Files next to this page: <code>table.json</code> (the numbers), <code>series.csv</code> (every control step), <code>plot.svg</code>.</p>
</body></html>
`;
}

/**
 * Writes files into a new folder outDir/<timestamp>/ atomically (temp folder <timestamp>.partial-<pid>,
 * then rename). The temp folders of runs that died in outDir are removed first.
 */
export async function writeFolder(outDir: string, files: () => Promise<Record<string, string>>, now = new Date()): Promise<string> {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const final = path.resolve(outDir, stamp);
  removeStale(path.resolve(outDir), 'partial');
  const tmp = `${final}.partial-${process.pid}`;
  mkdirSync(tmp, { recursive: true });
  try {
    for (const [name, text] of Object.entries(await files())) writeFileSync(path.join(tmp, name), text);
    renameSync(tmp, final);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return final;
}

/** Writes the tracking demo's report into outDir/<timestamp>/ and returns that folder. */
export function writeReport(r: DemoResult, outDir: string, now = new Date()): Promise<string> {
  return writeFolder(outDir, async () => {
    const svg = await demoPlotSvg(r);
    return {
      'table.json': JSON.stringify(demoJson(r), null, 2) + '\n',
      'series.csv': seriesCsv(r),
      'plot.svg': svg,
      'report.html': html(r, svg),
    };
  }, now);
}
