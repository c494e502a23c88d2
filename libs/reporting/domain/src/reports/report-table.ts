import type { FocusArea } from '@trellis/contracts';
import type { Dimensions } from '../dataset';
import type { Figure } from '../disclosure';
import { dayAfter } from '../time';

/** A row: dimension values (strings, null when unknown) and figures. */
export type ReportRow = Record<string, string | null | Figure>;

/** A computed report, before the service adds freshness. */
export interface ReportTable {
  report: string;
  /** Keys of the dimension columns, in order. */
  dimensions: string[];
  /** Keys of the figure columns, in order. */
  figures: string[];
  rows: ReportRow[];
  /** The whole report is withheld (it would show fewer organisations than the threshold). */
  suppressed?: true;
}

/** Filters every report accepts (each report says what the date range applies to). */
export interface ReportFilters {
  /** ISO date, inclusive. */
  from?: string;
  /** ISO date, inclusive. */
  to?: string;
  unit?: string;
  country?: string;
  focusArea?: FocusArea;
}

/** A report request. */
export interface ReportRequest {
  filters: ReportFilters;
  /** Dimensions to group by, in order (empty: one row for everything). */
  groupBy: readonly string[];
  minCellSize: number;
  /** "Now" (the default end of time series). */
  now: string;
}

/** Whether an instant falls within the request's date range (whole days, UTC). */
export function inDateRange(at: string | null | undefined, filters: ReportFilters): boolean {
  if (!at) return false;
  if (filters.from !== undefined && at < `${filters.from}T00:00:00.000Z`) return false;
  if (filters.to !== undefined && at >= dayAfter(filters.to)) return false;
  return true;
}

/** Whether a record matches the unit, country and focus-area filters. */
export function matchesDimensions(record: Dimensions, filters: ReportFilters): boolean {
  if (filters.unit !== undefined && record.unitId !== filters.unit) return false;
  if (filters.country !== undefined && record.country !== filters.country) return false;
  if (filters.focusArea !== undefined && !record.focusAreas.includes(filters.focusArea))
    return false;
  return true;
}

/** Value of a grouping dimension for a record (dimension getters per report). */
export type DimensionGetter<R> = (record: R) => string | null;

/** Groups records by the values of the chosen dimensions, in sorted key order (nulls last). */
export function groupRecords<R>(
  records: readonly R[],
  dimensions: readonly string[],
  getters: Readonly<Record<string, DimensionGetter<R>>>,
): { key: Record<string, string | null>; records: R[] }[] {
  const groups = new Map<string, { key: Record<string, string | null>; records: R[] }>();
  for (const record of records) {
    const key: Record<string, string | null> = {};
    for (const dimension of dimensions) {
      const get = getters[dimension];
      if (!get) throw new RangeError(`unknown dimension ${dimension}`);
      key[dimension] = get(record);
    }
    const id = JSON.stringify(dimensions.map((d) => key[d]));
    const group = groups.get(id) ?? { key, records: [] };
    group.records.push(record);
    groups.set(id, group);
  }
  return [...groups.values()].sort((a, b) => compareKeys(a.key, b.key, dimensions));
}

function compareKeys(
  a: Record<string, string | null>,
  b: Record<string, string | null>,
  dimensions: readonly string[],
): number {
  for (const d of dimensions) {
    const x = a[d] ?? null;
    const y = b[d] ?? null;
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** Distinct organisations of records. */
export function organisationsOf(records: readonly { organisation: string }[]): Set<string> {
  return new Set(records.map((r) => r.organisation));
}
