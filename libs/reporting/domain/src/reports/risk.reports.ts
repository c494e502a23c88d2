import { INCIDENT_TYPES, RISK_LEVELS } from '@trellis/contracts';
import type { Dataset } from '../dataset';
import { DisclosureControl } from '../disclosure';
import { quarterOf } from '../time';
import { levelsPerQuarter } from './autonomy.reports';
import {
  groupRecords,
  inDateRange,
  matchesDimensions,
  type ReportRequest,
  type ReportRow,
  type ReportTable,
} from './report-table';

/**
 * Risk level trend: organisations at each overall risk level (low … critical) per quarter,
 * from each organisation's latest risk assessment before the quarter's end. Levels only.
 */
export function riskLevels(dataset: Dataset, request: ReportRequest): ReportTable {
  return levelsPerQuarter(
    'risk-levels',
    dataset.organisations.filter((o) => matchesDimensions(o, request.filters)),
    (o) => o.riskAssessments,
    RISK_LEVELS.map((level) => ({ level, key: level })),
    request,
  );
}

/** Dimensions of {@link incidentsByType} besides the incident type. */
export const INCIDENT_DIMENSIONS = ['unit', 'country', 'quarter'];

/**
 * Incidents that happened within the date range, counted by type (and unit, country or
 * quarter); a count is suppressed by the number of organisations that reported them.
 */
export function incidentsByType(dataset: Dataset, request: ReportRequest): ReportTable {
  const control = new DisclosureControl(request.minCellSize);
  const incidents = dataset.engagements
    .filter((e) => matchesDimensions(e, request.filters))
    .flatMap((e) =>
      e.incidents.filter((i) => inDateRange(i.at, request.filters)).map((i) => ({ e, i })),
    );
  const groups = groupRecords(incidents, request.groupBy, {
    unit: (x) => x.e.unitId,
    country: (x) => x.e.country,
    quarter: (x) => quarterOf(x.i.at),
  });
  // Every group shows every type (zero counts are suppressed like any small cell).
  const keys =
    groups.length === 0 && request.groupBy.length === 0 ? [{ key: {}, records: [] }] : groups;
  const built = keys.map((group) => ({
    key: group.key,
    cells: INCIDENT_TYPES.map((type) => {
      const ofType = group.records.filter((x) => x.i.type === type);
      return control.count(ofType.length, new Set(ofType.map((x) => x.e.organisation)));
    }),
  }));
  for (const g of built) control.sum(g.cells);
  if (request.groupBy.length > 0) {
    INCIDENT_TYPES.forEach((_, i) => control.sum(built.map((g) => g.cells[i])));
  }
  const rows: ReportRow[] = built.flatMap((g) =>
    INCIDENT_TYPES.map((type, i) => ({
      ...g.key,
      incidentType: type,
      incidents: control.figure(g.cells[i]),
    })),
  );
  return {
    report: 'incidents-by-type',
    dimensions: [...request.groupBy, 'incidentType'],
    figures: ['incidents'],
    rows,
  };
}
