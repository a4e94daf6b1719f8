/**
 * The bench's tables: a title, then columns padded to their widest cell, numbers right-aligned so
 * that magnitudes line up down a column (the reader compares rows, not cells).
 */

export type Cell = string | number | null;

/** Milliseconds and ratios: one decimal below 100, none above (noise is larger than that anyway). */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(1);
}

export function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : '–';
}

export function renderTable(title: string, header: string[], rows: Cell[][]): string {
  const text = rows.map((row) => row.map((cell) => (cell === null ? '–' : typeof cell === 'number' ? formatNumber(cell) : cell)));
  const numeric = header.map((_, column) => rows.every((row) => typeof row[column] !== 'string' || /^[-+0-9.×%–]+$/.test(String(row[column]))));
  const widths = header.map((title, column) => Math.max(title.length, ...text.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((cell, column) => (numeric[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd();
  const rule = '-'.repeat(widths.reduce((sum, width) => sum + width + 2, -2));
  return [`\n${title}`, line(header), rule, ...text.map(line)].join('\n');
}
