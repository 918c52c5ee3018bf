/**
 * Markdown tables for bench output: the same text prints to the terminal and pastes into
 * bench/RESULTS.md.
 *
 * @example
 * markdownTable(['batch', 'faces/s'], [[1, fixed(4.81, 1)], [8, fixed(5.2, 1)]]);
 * // | batch | faces/s |
 * // | ----: | ------: |
 * // | 1     | 4.8     |
 */
export type Cell = string | number;

/** A Markdown table; columns after the first are right-aligned (numbers). */
export function markdownTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((row) => row.map(String));
  const widths = headers.map((h, i) => Math.max(h.length, 3, ...text.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(headers), rule, ...text.map(line)].join('\n');
}

/** A number with `digits` decimals, or '-' when it is not finite (not measured). */
export function fixed(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '-';
}

/** `a / b` as a ratio with two decimals ("0.93x"), or '-' when either is missing. */
export function ratio(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}x` : '-';
}
