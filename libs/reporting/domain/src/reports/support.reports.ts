import type { Dataset, EngagementRecord, OrganisationRecord } from '../dataset';
import { DisclosureControl, type CellRef } from '../disclosure';
import type { FollowUpFact } from '../facts';
import { quarterOf, round } from '../time';
import {
  groupRecords,
  inDateRange,
  matchesDimensions,
  type ReportRequest,
  type ReportRow,
  type ReportTable,
} from './report-table';

/** How a follow-up counts for adherence. */
export type FollowUpOutcome = 'on-time' | 'late' | 'missed' | 'not-counted';

/**
 * Held on or before its due instant = on time, after it = late; missed = the coaching service
 * reported it missed. Cancelled, still pending, or held without a known due date: not counted.
 */
export function followUpOutcome(f: FollowUpFact): FollowUpOutcome {
  if (f.cancelledAt) return 'not-counted';
  if (f.heldAt) {
    if (!f.dueAt) return 'not-counted';
    return f.heldAt <= f.dueAt ? 'on-time' : 'late';
  }
  return f.missedAt ? 'missed' : 'not-counted';
}

/** One organisation's contribution to a cell. */
interface Item {
  organisation: string;
  value: number;
}

/** Sums items into a count cell resting on their organisations. */
function sumCell(
  control: DisclosureControl,
  items: readonly Item[],
): { cell: CellRef; value: number } {
  const value = items.reduce((s, i) => s + i.value, 0);
  return { cell: control.count(value, new Set(items.map((i) => i.organisation))), value };
}

const engagementGetters = {
  unit: (e: EngagementRecord) => e.unitId,
  country: (e: EngagementRecord) => e.country,
};

/** Dimensions of {@link followUpAdherence}. */
export const ADHERENCE_DIMENSIONS = Object.keys(engagementGetters);

/**
 * Follow-up adherence per unit (or country): follow-ups due within the date range held on
 * time, late or missed, with shares of the counted ones, and escalations raised within the
 * range that are still open (the obligation neither fulfilled nor cancelled).
 */
export function followUpAdherence(dataset: Dataset, request: ReportRequest): ReportTable {
  const control = new DisclosureControl(request.minCellSize);
  const engagements = dataset.engagements.filter((e) => matchesDimensions(e, request.filters));
  const outcomes = ['on-time', 'late', 'missed'] as const;
  const keys = { 'on-time': 'onTime', late: 'late', missed: 'missed' } as const;
  const built = groupRecords(engagements, request.groupBy, engagementGetters).map((group) => {
    const items: Record<(typeof outcomes)[number], Item[]> = {
      'on-time': [],
      late: [],
      missed: [],
    };
    const escalations: Item[] = [];
    for (const e of group.records) {
      for (const f of e.followUps) {
        const outcome = followUpOutcome(f);
        if (outcome !== 'not-counted' && inDateRange(f.dueAt, request.filters)) {
          items[outcome].push({ organisation: e.organisation, value: 1 });
        }
      }
      for (const o of e.obligations) {
        if (o.escalatedAt && !o.closedAt && inDateRange(o.escalatedAt, request.filters)) {
          escalations.push({ organisation: e.organisation, value: 1 });
        }
      }
    }
    const parts = outcomes.map((o) => sumCell(control, items[o]));
    const total = sumCell(
      control,
      outcomes.flatMap((o) => items[o]),
    );
    control.sum(
      parts.map((p) => p.cell),
      total.cell,
    );
    const shares = parts.map((p) =>
      control.derived(total.value ? round(p.value / total.value, 4) : null, [p.cell, total.cell]),
    );
    return { key: group.key, parts, total, shares, escalations: sumCell(control, escalations) };
  });
  if (request.groupBy.length > 0) {
    outcomes.forEach((_, i) => control.sum(built.map((g) => g.parts[i]?.cell)));
    control.sum(built.map((g) => g.total.cell));
    control.sum(built.map((g) => g.escalations.cell));
  }
  const rows: ReportRow[] = built.map((g) => {
    const row: ReportRow = { ...g.key, followUps: control.figure(g.total.cell) };
    outcomes.forEach((o, i) => (row[keys[o]] = control.figure(g.parts[i]?.cell)));
    outcomes.forEach((o, i) => (row[`${keys[o]}Share`] = control.figure(g.shares[i])));
    row['openEscalations'] = control.figure(g.escalations.cell);
    return row;
  });
  return {
    report: 'follow-up-adherence',
    dimensions: [...request.groupBy],
    figures: [
      'followUps',
      'onTime',
      'late',
      'missed',
      'onTimeShare',
      'lateShare',
      'missedShare',
      'openEscalations',
    ],
    rows,
  };
}

/** Dimensions of {@link trainings}. */
export const TRAINING_DIMENSIONS = ['unit', 'country', 'quarter'];

/**
 * Trainings held within the date range: sessions, participants reached (present) and the mean
 * knowledge gain in percentage points (mean of the sessions' average gains weighted by their
 * knowledge checks), by unit, country and/or quarter held.
 */
export function trainings(dataset: Dataset, request: ReportRequest): ReportTable {
  const control = new DisclosureControl(request.minCellSize);
  const sessions = dataset.engagements
    .filter((e) => matchesDimensions(e, request.filters))
    .flatMap((e) =>
      e.sessions.filter((s) => inDateRange(s.at, request.filters)).map((s) => ({ e, s })),
    );
  const built = groupRecords(sessions, request.groupBy, {
    unit: (x) => x.e.unitId,
    country: (x) => x.e.country,
    quarter: (x) => quarterOf(x.s.at),
  }).map((group) => {
    const held = sumCell(
      control,
      group.records.map((x) => ({ organisation: x.e.organisation, value: 1 })),
    );
    const reached = sumCell(
      control,
      group.records.map((x) => ({ organisation: x.e.organisation, value: x.s.attendance })),
    );
    const checked = group.records.filter((x) => x.s.checks > 0 && x.s.gain !== null);
    const checks = checked.reduce((s, x) => s + x.s.checks, 0);
    const gain = checks
      ? checked.reduce((s, x) => s + (x.s.gain as number) * x.s.checks, 0) / checks
      : null;
    const knowledgeGain = control.derived(
      gain === null ? null : round(gain, 1),
      [held.cell],
      new Set(checked.map((x) => x.e.organisation)),
    );
    return { key: group.key, held, reached, knowledgeGain };
  });
  if (request.groupBy.length > 0) {
    control.sum(built.map((g) => g.held.cell));
    control.sum(built.map((g) => g.reached.cell));
  }
  return {
    report: 'trainings',
    dimensions: [...request.groupBy],
    figures: ['sessions', 'participantsReached', 'knowledgeGain'],
    rows: built.map((g) => ({
      ...g.key,
      sessions: control.figure(g.held.cell),
      participantsReached: control.figure(g.reached.cell),
      knowledgeGain: control.figure(g.knowledgeGain),
    })),
  };
}

/** Dimensions of {@link cascadeReach}. */
export const CASCADE_DIMENSIONS = ['unit', 'country', 'cohort'];

/**
 * Knowledge transfer: people trained directly (present at sessions held within the range),
 * people reached by verified cascade trainings delivered within the range by generation
 * (2 = trained by the organisation's trained people, 3, 4 and later), and the cascade
 * multiplier = people reached by cascades ÷ people trained directly.
 */
export function cascadeReach(dataset: Dataset, request: ReportRequest): ReportTable {
  const control = new DisclosureControl(request.minCellSize);
  const cohorts = new Map<string, OrganisationRecord>(
    dataset.organisations.map((o) => [o.organisation, o]),
  );
  const engagements = dataset.engagements.filter((e) => matchesDimensions(e, request.filters));
  const generations = [
    { key: 'reachGeneration2', match: (g: number) => g === 2 },
    { key: 'reachGeneration3', match: (g: number) => g === 3 },
    { key: 'reachGeneration4Plus', match: (g: number) => g >= 4 },
  ];
  const built = groupRecords(engagements, request.groupBy, {
    unit: (e) => e.unitId,
    country: (e) => e.country,
    cohort: (e) => cohorts.get(e.organisation)?.cohort ?? null,
  }).map((group) => {
    const trained = sumCell(
      control,
      group.records.flatMap((e) =>
        e.sessions
          .filter((s) => inDateRange(s.at, request.filters))
          .map((s) => ({ organisation: e.organisation, value: s.attendance })),
      ),
    );
    const cascades = group.records.flatMap((e) =>
      e.cascades.filter((c) => inDateRange(c.at, request.filters)).map((c) => ({ e, c })),
    );
    const byGeneration = generations.map(({ match }) =>
      sumCell(
        control,
        cascades
          .filter((x) => match(x.c.generation))
          .map((x) => ({ organisation: x.e.organisation, value: x.c.reach })),
      ),
    );
    const total = sumCell(
      control,
      cascades.map((x) => ({ organisation: x.e.organisation, value: x.c.reach })),
    );
    control.sum(
      byGeneration.map((g) => g.cell),
      total.cell,
    );
    const multiplier = control.derived(
      trained.value ? round(total.value / trained.value, 2) : null,
      [total.cell, trained.cell],
    );
    return { key: group.key, trained, byGeneration, total, multiplier };
  });
  if (request.groupBy.length > 0) {
    control.sum(built.map((g) => g.trained.cell));
    control.sum(built.map((g) => g.total.cell));
    generations.forEach((_, i) => control.sum(built.map((g) => g.byGeneration[i]?.cell)));
  }
  return {
    report: 'cascade-reach',
    dimensions: [...request.groupBy],
    figures: ['trainedDirectly', ...generations.map((g) => g.key), 'reachTotal', 'multiplier'],
    rows: built.map((g) => {
      const row: ReportRow = { ...g.key, trainedDirectly: control.figure(g.trained.cell) };
      generations.forEach(({ key }, i) => (row[key] = control.figure(g.byGeneration[i]?.cell)));
      row['reachTotal'] = control.figure(g.total.cell);
      row['multiplier'] = control.figure(g.multiplier);
      return row;
    }),
  };
}
