import { PHASES } from '@trellis/contracts';
import { latestBefore, type Dataset, type EngagementRecord } from '../dataset';
import { DisclosureControl } from '../disclosure';
import { dayAfter } from '../time';
import {
  groupRecords,
  inDateRange,
  matchesDimensions,
  organisationsOf,
  type ReportRequest,
  type ReportRow,
  type ReportTable,
} from './report-table';

const getters = {
  unit: (e: EngagementRecord) => e.unitId,
  country: (e: EngagementRecord) => e.country,
  region: (e: EngagementRecord) => e.region,
};

/** Dimensions of {@link engagementsByPhase}. */
export const ENGAGEMENT_DIMENSIONS = Object.keys(getters);

/**
 * Engagements by phase: the phase each engagement was in at the end of `to` (now by default),
 * for engagements created within the date range, by unit, country and/or region. Cells count
 * engagements; they are suppressed by the number of distinct organisations behind them.
 */
export function engagementsByPhase(dataset: Dataset, request: ReportRequest): ReportTable {
  const { filters } = request;
  const cutoff = filters.to ? dayAfter(filters.to) : request.now;
  const records = dataset.engagements
    .filter((e) => matchesDimensions(e, filters))
    .filter((e) => (filters.from || filters.to ? inDateRange(e.createdAt, filters) : true))
    .map((e) => ({ ...e, phaseAt: latestBefore(e.phases, cutoff)?.to }))
    .filter((e) => e.phaseAt !== undefined);
  const control = new DisclosureControl(request.minCellSize);
  const groups = groupRecords(records, request.groupBy, getters).map((group) => {
    const phaseCells = PHASES.map((phase) => {
      const inPhase = group.records.filter((e) => e.phaseAt === phase);
      return control.count(inPhase.length, organisationsOf(inPhase));
    });
    const total = control.count(group.records.length, organisationsOf(group.records));
    control.sum(phaseCells, total);
    return { key: group.key, phaseCells, total };
  });
  if (request.groupBy.length > 0) {
    PHASES.forEach((_, i) => control.sum(groups.map((g) => g.phaseCells[i])));
    control.sum(groups.map((g) => g.total));
  }
  const rows: ReportRow[] = groups.map((g) => {
    const row: ReportRow = { ...g.key };
    PHASES.forEach((phase, i) => (row[phase] = control.figure(g.phaseCells[i])));
    row['total'] = control.figure(g.total);
    return row;
  });
  return {
    report: 'engagements-by-phase',
    dimensions: [...request.groupBy],
    figures: [...PHASES, 'total'],
    rows,
  };
}
