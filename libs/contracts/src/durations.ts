import { InvalidDurationError } from './errors';

/*
 * Durations are data (DESIGN.md §3): cadences, grace periods and lead times come from the
 * agreement as ISO-8601 durations, so a demo or a test can run a year-long engagement in a
 * minute by agreeing on `PT1M` instead of `P1M`.
 *
 * Accepted form: `P[nY][nM][nW][nD][T[nH][nM][n[.fff]S]]` with at least one component and, when
 * `T` is present, at least one time component. Components are non-negative integers (seconds
 * may carry up to three decimals); negative durations are not allowed. Weeks may be combined
 * with the other components (ISO 8601-2 / Temporal.Duration), e.g. `P1W3D`.
 *
 * Conversion to milliseconds uses FIXED lengths, independent of the calendar and time zone:
 *   1Y = 365 days, 1M = 30 days, 1W = 7 days, 1D = 24 hours.
 * So `P1M` is always 30 days and `P1Y` is 365 days: a cadence of "P1M" means "every 30 days".
 */

/** Milliseconds per unit used by {@link parseIsoDuration} (fixed, calendar-free lengths). */
export const DURATION_UNIT_MS = {
  year: 365 * 24 * 3_600_000,
  month: 30 * 24 * 3_600_000,
  week: 7 * 24 * 3_600_000,
  day: 24 * 3_600_000,
  hour: 3_600_000,
  minute: 60_000,
  second: 1_000,
} as const;

/** The ISO-8601 duration syntax accepted everywhere in Trellis (see the file comment). */
export const ISO_DURATION_PATTERN =
  /^P(?!$)(?:(\d{1,9})Y)?(?:(\d{1,9})M)?(?:(\d{1,9})W)?(?:(\d{1,9})D)?(?:T(?=\d)(?:(\d{1,9})H)?(?:(\d{1,9})M)?(?:(\d{1,12}(?:\.\d{1,3})?)S)?)?$/;

/**
 * Milliseconds in an ISO-8601 duration, with fixed 30-day months and 365-day years
 * (`P1M` → 2 592 000 000). Throws {@link InvalidDurationError} on anything else.
 */
export function parseIsoDuration(duration: string): number {
  const m = ISO_DURATION_PATTERN.exec(duration);
  if (!m) {
    throw new InvalidDurationError(
      'Not an ISO-8601 duration (expected e.g. P1M, P2W, PT30S or P1DT12H)',
    );
  }
  const n = (i: number): number => (m[i] === undefined ? 0 : Number(m[i]));
  const ms =
    n(1) * DURATION_UNIT_MS.year +
    n(2) * DURATION_UNIT_MS.month +
    n(3) * DURATION_UNIT_MS.week +
    n(4) * DURATION_UNIT_MS.day +
    n(5) * DURATION_UNIT_MS.hour +
    n(6) * DURATION_UNIT_MS.minute +
    Math.round(n(7) * DURATION_UNIT_MS.second);
  if (!Number.isSafeInteger(ms)) {
    throw new InvalidDurationError('ISO-8601 duration is too long');
  }
  return ms;
}

/** True when `value` is an ISO-8601 duration {@link parseIsoDuration} accepts. */
export function isIsoDuration(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    parseIsoDuration(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Formats milliseconds as a normalised ISO-8601 duration in days and time
 * (`90_061_000` → `P1DT1H1M1S`, `0` → `PT0S`); never uses months or years, so
 * `parseIsoDuration(formatIsoDuration(ms)) === ms` for every whole number of milliseconds.
 */
export function formatIsoDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new InvalidDurationError(
      'A duration must be a non-negative whole number of milliseconds',
    );
  }
  const days = Math.floor(ms / DURATION_UNIT_MS.day);
  let rest = ms - days * DURATION_UNIT_MS.day;
  const hours = Math.floor(rest / DURATION_UNIT_MS.hour);
  rest -= hours * DURATION_UNIT_MS.hour;
  const minutes = Math.floor(rest / DURATION_UNIT_MS.minute);
  rest -= minutes * DURATION_UNIT_MS.minute;
  const seconds = rest / DURATION_UNIT_MS.second;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  if (!days && !time) return 'PT0S';
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}
