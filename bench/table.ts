// Plain-text tables: a title, aligned columns, and footnotes saying where the figures come from.

export type Cell = string | number;
export interface Table {
  title: string;
  head: string[];
  rows: Cell[][];
  notes: string[];
}

/** Numbers are right-aligned, text left-aligned. */
export function renderTable(t: Table): string {
  const cells = [t.head, ...t.rows.map((r) => r.map(String))];
  const numeric = t.head.map((_, c) => t.rows.length > 0 && t.rows.every((r) => typeof r[c] === 'number' || /^([-+]?[\d.,]+( ?[%x])?|-)$/.test(String(r[c]))));
  const width = t.head.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) =>
    r.map((s, c) => (numeric[c] ? s.padStart(width[c]) : s.padEnd(width[c]))).join('  ').trimEnd();
  const rule = width.map((w) => '-'.repeat(w)).join('  ');
  return [t.title, '', line(t.head), rule, ...cells.slice(1).map(line), '', ...t.notes.map((n) => `  ${n}`)].join('\n');
}

/** Fixed decimals. */
export const fmt = (x: number, digits = 1): string => x.toFixed(digits);

/** Integer with thousands separators. */
export const int = (x: number): string => Math.round(x).toLocaleString('en-US');
