import type { BenchTable } from './bench-group.ts';

const numeric = /^[+-]?[\d,.]+$/;

/** Plain-text table for the console: numbers right-aligned, no colours (logs stay readable in CI). */
export function formatTable(table: BenchTable): string {
  const widths = table.columns.map((c, i) => Math.max(c.length, ...table.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i > 0 && numeric.test(cell) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd();
  return [table.caption, line(table.columns), widths.map((w) => '-'.repeat(w)).join('  '), ...table.rows.map(line)].join('\n');
}
