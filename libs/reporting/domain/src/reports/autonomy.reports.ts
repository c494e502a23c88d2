import { AUTONOMY_LEVELS, AUTONOMY_MILESTONES } from '@trellis/contracts';
import {
  latestBefore,
  REPORTED_MILESTONES,
  type Dataset,
  type OrganisationRecord,
} from '../dataset';
import { DisclosureControl, type Figure } from '../disclosure';
import {
  addQuarters,
  dayAfter,
  daysBetween,
  quantile,
  quarterEnd,
  quarterOf,
  quartersBetween,
  round,
} from '../time';
import {
  groupRecords,
  inDateRange,
  matchesDimensions,
  organisationsOf,
  type ReportRequest,
  type ReportRow,
  type ReportTable,
} from './report-table';

const organisationGetters = {
  cohort: (o: OrganisationRecord) => o.cohort,
  unit: (o: OrganisationRecord) => o.unitId,
  country: (o: OrganisationRecord) => o.country,
};

/** Dimensions of the milestone reports. */
export const MILESTONE_DIMENSIONS = Object.keys(organisationGetters);
/** Dimensions of the level-per-quarter reports (besides the quarter). */
export const LEVEL_DIMENSIONS = ['unit', 'country'];

/** Started organisations (agreement activated) matching the filters, cohort within the range. */
function startedOrganisations(dataset: Dataset, request: ReportRequest): OrganisationRecord[] {
  return dataset.organisations
    .filter((o) => o.startedAt !== null && matchesDimensions(o, request.filters))
    .filter((o) => inDateRange(o.startedAt, request.filters));
}

/**
 * Autonomy milestone attainment: for each group (cohort = quarter of the first agreement
 * activation, unit, country) and milestone, how many started organisations have reached it
 * (first verification; `autonomy` = first review at level ≥ 3) and their share. The date
 * range selects cohorts. An attainment count is withheld when either those who reached the
 * milestone or those who did not are fewer than the threshold.
 */
export function milestoneAttainment(dataset: Dataset, request: ReportRequest): ReportTable {
  const control = new DisclosureControl(request.minCellSize);
  const groups = groupRecords(
    startedOrganisations(dataset, request),
    request.groupBy,
    organisationGetters,
  );
  const built = groups.map((group) => {
    const all = organisationsOf(group.records);
    const organisations = control.count(all.size, all);
    const milestones = REPORTED_MILESTONES.map((milestone) => {
      const reachedSet = organisationsOf(group.records.filter((o) => o.milestones[milestone]));
      const notReached = all.size - reachedSet.size;
      const reached = control.count(reachedSet.size, reachedSet);
      control.sum(
        [reached, control.count(notReached, notReached, { hidden: true })],
        organisations,
      );
      const share = control.derived(all.size ? round(reachedSet.size / all.size, 4) : null, [
        reached,
        organisations,
      ]);
      return { milestone, reached, share };
    });
    return { key: group.key, organisations, milestones };
  });
  if (request.groupBy.length > 0) {
    control.sum(built.map((g) => g.organisations));
    REPORTED_MILESTONES.forEach((_, i) => control.sum(built.map((g) => g.milestones[i]?.reached)));
  }
  const rows: ReportRow[] = built.flatMap((g) =>
    g.milestones.map((m) => ({
      ...g.key,
      milestone: m.milestone,
      organisations: control.figure(g.organisations),
      reached: control.figure(m.reached),
      share: control.figure(m.share),
    })),
  );
  return {
    report: 'milestone-attainment',
    dimensions: [...request.groupBy, 'milestone'],
    figures: ['organisations', 'reached', 'share'],
    rows,
  };
}

/**
 * Time from the first agreement activation to each milestone and to autonomy, in days:
 * how many organisations reached it, median and quartiles (linear interpolation). A milestone
 * verified before the agreement counts as 0 days. The date range selects cohorts.
 */
export function timeToMilestone(dataset: Dataset, request: ReportRequest): ReportTable {
  const control = new DisclosureControl(request.minCellSize);
  const groups = groupRecords(
    startedOrganisations(dataset, request),
    request.groupBy,
    organisationGetters,
  );
  const built = groups.map((group) => {
    const all = organisationsOf(group.records);
    const milestones = REPORTED_MILESTONES.map((milestone) => {
      const reachedBy = group.records.filter((o) => o.milestones[milestone]);
      const set = organisationsOf(reachedBy);
      const days = reachedBy.map((o) =>
        daysBetween(o.startedAt as string, o.milestones[milestone] as string),
      );
      const reached = control.count(set.size, set);
      // The group's organisation count is published by the attainment report.
      control.sum([
        reached,
        control.count(all.size - set.size, all.size - set.size, { hidden: true }),
      ]);
      const stat = (q: number) => {
        const v = quantile(days, q);
        return control.derived(v === undefined ? null : round(v, 1), [reached], set);
      };
      return { milestone, reached, q1: stat(0.25), median: stat(0.5), q3: stat(0.75) };
    });
    return { key: group.key, milestones };
  });
  if (request.groupBy.length > 0) {
    REPORTED_MILESTONES.forEach((_, i) => control.sum(built.map((g) => g.milestones[i]?.reached)));
  }
  const rows: ReportRow[] = built.flatMap((g) =>
    g.milestones.map((m) => ({
      ...g.key,
      milestone: m.milestone,
      reached: control.figure(m.reached),
      medianDays: control.figure(m.median),
      q1Days: control.figure(m.q1),
      q3Days: control.figure(m.q3),
    })),
  );
  return {
    report: 'time-to-milestone',
    dimensions: [...request.groupBy, 'milestone'],
    figures: ['reached', 'medianDays', 'q1Days', 'q3Days'],
    rows,
  };
}

/** Quarters of a time series: from `from` (else the first observation) to `to` (else now). */
export function seriesQuarters(first: string | undefined, request: ReportRequest): string[] {
  const start = request.filters.from ? quarterOf(`${request.filters.from}T00:00:00.000Z`) : first;
  const end = quarterOf(request.filters.to ? `${request.filters.to}T00:00:00.000Z` : request.now);
  return start ? quartersBetween(start, end) : [];
}

/**
 * A "share at each level per quarter" table: for each quarter (and group), the organisations
 * whose latest observation before the quarter's end is at each level. Shared by the autonomy
 * and the risk level reports.
 */
export function levelsPerQuarter<L extends string | number>(
  report: string,
  organisations: readonly OrganisationRecord[],
  observations: (o: OrganisationRecord) => readonly { at: string; level: L }[],
  levels: readonly { level: L; key: string }[],
  request: ReportRequest,
): ReportTable {
  const control = new DisclosureControl(request.minCellSize);
  const observed = organisations.filter((o) => observations(o).length > 0);
  const first = observed.map((o) => observations(o)[0]?.at).sort()[0];
  const quarters = seriesQuarters(first && quarterOf(first), request);
  const groupBy = request.groupBy;
  const built = quarters.flatMap((quarter) => {
    const end = quarterEnd(quarter);
    const atEnd = observed
      .map((o) => ({ o, level: latestBefore(observations(o), end)?.level }))
      .filter((x): x is { o: OrganisationRecord; level: L } => x.level !== undefined);
    const groups = groupRecords(atEnd, groupBy, {
      unit: (x) => x.o.unitId,
      country: (x) => x.o.country,
    });
    const rows = groups.map((group) => {
      const all = new Set(group.records.map((x) => x.o.organisation));
      const total = control.count(all.size, all);
      const counts = levels.map(({ level }) => {
        const set = new Set(
          group.records.filter((x) => x.level === level).map((x) => x.o.organisation),
        );
        const cell = control.count(set.size, set);
        return {
          cell,
          share: control.derived(all.size ? round(set.size / all.size, 4) : null, [cell, total]),
        };
      });
      control.sum(
        counts.map((c) => c.cell),
        total,
      );
      return { key: { quarter, ...group.key }, total, counts };
    });
    if (groupBy.length > 0) {
      control.sum(rows.map((r) => r.total));
      levels.forEach((_, i) => control.sum(rows.map((r) => r.counts[i]?.cell)));
    }
    return rows;
  });
  const rows: ReportRow[] = built.map((r) => {
    const row: ReportRow = { ...r.key, organisations: control.figure(r.total) };
    levels.forEach(({ key }, i) => (row[key] = control.figure(r.counts[i]?.cell)));
    levels.forEach(({ key }, i) => (row[`${key}Share`] = control.figure(r.counts[i]?.share)));
    return row;
  });
  return {
    report,
    dimensions: ['quarter', ...groupBy],
    figures: ['organisations', ...levels.map((l) => l.key), ...levels.map((l) => `${l.key}Share`)],
    rows,
  };
}

/**
 * Share of organisations at each autonomy level per quarter: the level of each organisation's
 * latest review before the quarter's end (organisations without a review yet are not counted).
 * The date range selects quarters (default: from the first review to now).
 */
export function autonomyLevels(dataset: Dataset, request: ReportRequest): ReportTable {
  return levelsPerQuarter(
    'autonomy-levels',
    dataset.organisations.filter((o) => matchesDimensions(o, request.filters)),
    (o) => o.reviews,
    AUTONOMY_LEVELS.map(({ level, name }) => ({ level, key: name })),
    request,
  );
}

/** Quarters shown per organisation in {@link organisationTrajectories}. */
export const TRAJECTORY_QUARTERS = 12;

/**
 * One organisation per pseudonym, quarter by quarter from its start (`Q+0` = the quarter of
 * the first agreement activation, up to 12 quarters or now): autonomy level and overall risk
 * level of the latest review / assessment before the quarter's end, and how many of the eight
 * milestones it had reached. No unit, country, region or focus area (they would single
 * organisations out), relative quarters only; the cohort is shown only when it holds at least
 * the threshold of organisations; the whole report is withheld below the threshold. The date
 * range selects cohorts; no other filter is accepted.
 */
export function organisationTrajectories(dataset: Dataset, request: ReportRequest): ReportTable {
  const organisations = dataset.organisations.filter(
    (o) => o.startedAt !== null && inDateRange(o.startedAt, request.filters),
  );
  const base = {
    report: 'organisation-trajectories',
    dimensions: ['organisation', 'quarter'],
    figures: ['cohort', 'autonomyLevel', 'riskLevel', 'milestonesReached'],
  };
  if (organisations.length < request.minCellSize) return { ...base, rows: [], suppressed: true };
  const cohortSizes = new Map<string, number>();
  for (const o of organisations)
    cohortSizes.set(o.cohort as string, (cohortSizes.get(o.cohort as string) ?? 0) + 1);
  const nowQuarter = quarterOf(
    request.filters.to ? `${request.filters.to}T00:00:00.000Z` : request.now,
  );
  const cutoff = request.filters.to ? dayAfter(request.filters.to) : request.now;
  const rows: ReportRow[] = [];
  for (const o of organisations) {
    const cohort = o.cohort as string;
    const cohortFigure: Figure =
      (cohortSizes.get(cohort) ?? 0) >= request.minCellSize
        ? { value: cohort }
        : { value: null, suppressed: true };
    for (let i = 0; i < TRAJECTORY_QUARTERS; i++) {
      const quarter = addQuarters(cohort, i);
      if (quarter > nowQuarter) break;
      const end = quarterEnd(quarter) < cutoff ? quarterEnd(quarter) : cutoff;
      const reached = AUTONOMY_MILESTONES.filter((m) => {
        const at = o.milestones[m];
        return at !== undefined && at < end;
      }).length;
      rows.push({
        organisation: o.organisation,
        quarter: `Q+${i}`,
        cohort: cohortFigure,
        autonomyLevel: { value: latestBefore(o.reviews, end)?.level ?? null },
        riskLevel: { value: latestBefore(o.riskAssessments, end)?.level ?? null },
        milestonesReached: { value: reached },
      });
    }
  }
  return { ...base, rows };
}
