/*
 * Calendar quarters (UTC) and order statistics used by the reports.
 */

const DAY_MS = 86_400_000;

/**
 * The quarter of an instant, e.g. `2025-Q3`; the year has four digits (`0342-Q1`), so quarters
 * of any ISO date sort and parse alike (fuzzing found a review dated 0342 making a report fail).
 */
export function quarterOf(instant: string | Date): string {
  const d = typeof instant === 'string' ? new Date(instant) : instant;
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

/** The first instant of a quarter (`2025-Q3` → `2025-07-01T00:00:00.000Z`). */
export function quarterStart(quarter: string): string {
  const [year, q] = parseQuarter(quarter);
  return new Date(Date.UTC(year, (q - 1) * 3, 1)).toISOString();
}

/** The first instant after a quarter (its exclusive end). */
export function quarterEnd(quarter: string): string {
  const [year, q] = parseQuarter(quarter);
  return new Date(Date.UTC(year, q * 3, 1)).toISOString();
}

/** The quarter `n` quarters after `quarter` (n may be negative). */
export function addQuarters(quarter: string, n: number): string {
  const [year, q] = parseQuarter(quarter);
  const index = year * 4 + (q - 1) + n;
  return `${String(Math.floor(index / 4)).padStart(4, '0')}-Q${(index % 4) + 1}`;
}

/** Every quarter from `first` to `last`, inclusive (empty when first is after last). */
export function quartersBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (let q = first; q <= last && out.length < 400; q = addQuarters(q, 1)) out.push(q);
  return out;
}

function parseQuarter(quarter: string): [number, number] {
  const m = /^(\d{4})-Q([1-4])$/.exec(quarter);
  if (!m) throw new RangeError(`not a quarter: ${quarter}`);
  return [Number(m[1]), Number(m[2])];
}

/** Whole and fractional days from `from` to `to` (0 when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.max(0, (Date.parse(to) - Date.parse(from)) / DAY_MS);
}

/** The first instant of the day after an ISO date (`2025-03-31` → `2025-04-01T00:00:00.000Z`). */
export function dayAfter(isoDate: string): string {
  return new Date(Date.parse(`${isoDate}T00:00:00.000Z`) + DAY_MS).toISOString();
}

/**
 * The q-quantile (0–1) of values by linear interpolation between closest ranks (the default
 * of R and NumPy, "type 7"); undefined for no values.
 */
export function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const a = sorted[lower];
  const b = sorted[upper];
  return a + (b - a) * (position - lower);
}

/** Rounds to `digits` decimals. */
export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
