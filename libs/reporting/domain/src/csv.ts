import type { Figure } from './disclosure';
import type { ReportTable } from './reports/report-table';

/** Name of the CSV column listing the suppressed figures of a row. */
export const CSV_SUPPRESSED_COLUMN = 'suppressed';

/**
 * The report as CSV (RFC 4180, CRLF line ends): a header of dimension and figure keys and a
 * last column `suppressed` listing the row's suppressed figures (`;`-separated); a suppressed
 * figure is an empty cell. Text starting with `=`, `+`, `-`, `@` is prefixed with `'` so
 * spreadsheets do not run it as a formula (numbers are left as they are).
 */
export function reportToCsv(table: ReportTable): string {
  const header = [...table.dimensions, ...table.figures, CSV_SUPPRESSED_COLUMN];
  const lines = [header.map(csvField).join(',')];
  for (const row of table.rows) {
    const cells: string[] = table.dimensions.map((d) =>
      csvText(row[d] as string | null | undefined),
    );
    const suppressed: string[] = [];
    for (const f of table.figures) {
      const figure = row[f] as Figure | undefined;
      if (figure?.suppressed) suppressed.push(f);
      const value = figure?.value;
      cells.push(typeof value === 'number' ? String(value) : csvText(value));
    }
    cells.push(csvField(suppressed.join(';')));
    lines.push(cells.join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

function csvText(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return csvField(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
