/*
 * CSV for downloads (RFC 4180: comma separated, CRLF line ends, fields quoted when needed),
 * guarded against formula injection: a text cell starting with `=`, `+`, `-`, `@`, a tab or a
 * carriage return is prefixed with `'` so spreadsheets show it as text.
 */

/** A cell value. */
export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One field, escaped. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV text of a header row and data rows. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvValue[]>): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** A file name for a download: lower-case words joined by hyphens, with the date and `.csv`. */
export function csvFileName(title: string, date: Date): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '-')
    .slice(0, 60);
  return `${slug || 'report'}-${date.toISOString().slice(0, 10)}.csv`;
}
