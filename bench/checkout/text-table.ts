/** A plain-text table with aligned columns: numbers right-aligned, text left-aligned. */

export type Cell = string | number;

/** Whole numbers with thousands separators; fractions to three significant digits (0.0523, 15.4, 108). */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (Number.isInteger(value) || Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toLocaleString('en-US', { maximumSignificantDigits: 3 });
}

export function formatTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((row) => row.map((cell) => (typeof cell === 'number' ? formatNumber(cell) : cell)));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[], numeric: (i: number) => boolean) =>
    cells
      .map((cell, i) => (numeric(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [
    line(headers, (i) => typeof rows[0]?.[i] === 'number'),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...text.map((cells, r) => line(cells, (i) => typeof rows[r]![i] === 'number')),
  ].join('\n');
}
