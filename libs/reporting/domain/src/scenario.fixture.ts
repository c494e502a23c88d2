import type { TrellisEvent } from '@trellis/contracts';
import { buildDataset, type Dataset } from './dataset';
import { StreamBuilder } from './events.fixture';
import { MemoryReadModel } from './memory-read-model';
import { Pseudonymiser } from './privacy';
import { Projection } from './projection';
import { REPORTS, type ReportName } from './reports/catalogue';
import type { ReportFilters, ReportTable } from './reports/report-table';

/** The pseudonym key of the unit tests. */
export const TEST_KEY = Buffer.alloc(32, 7);
/** "Now" of the unit tests. */
export const NOW = '2025-12-31T00:00:00.000Z';

/** Projects events into a fresh in-memory read model. */
export async function project(
  events: readonly TrellisEvent[],
  key = TEST_KEY,
): Promise<MemoryReadModel> {
  const store = new MemoryReadModel();
  const projection = new Projection(store, new Pseudonymiser(key));
  for (const event of events) await projection.apply(event);
  return store;
}

/** The dataset of a read model. */
export function datasetOf(store: MemoryReadModel): Dataset {
  return buildDataset(store.engagements(), store.organisations());
}

/** Runs one report on a read model. */
export function runReport(
  store: MemoryReadModel,
  name: ReportName,
  options: { groupBy?: string[]; filters?: ReportFilters; minCellSize?: number } = {},
): ReportTable {
  const definition = REPORTS[name];
  return definition.build(datasetOf(store), {
    filters: options.filters ?? {},
    groupBy: options.groupBy ?? [...definition.defaultGroupBy],
    minCellSize: options.minCellSize ?? 1,
    now: NOW,
  });
}

const d = (day: string) => `${day}T10:00:00.000Z`;

/**
 * The programme of the report tests:
 * - A1–A6: desk-a, Colombia (A1–A3 lgbti, A4–A6 journalism), agreement 2025-02-01 (cohort
 *   2025-Q1); review 2025-05-01 at level 1 (focal point, risk assessment with support);
 *   A1–A4 reach level 3 (plan adopted) on 2025-08-01 + 10 days × (i − 1); A6 is re-routed
 *   to desk-b on 2025-06-01;
 * - B1–B5: desk-b, Peru, agreement 2025-04-15 (2025-Q2); review 2025-07-01 at level 2 with
 *   the focal point;
 * - C1: the TRU, Brazil, agreement 2025-04-20 (2025-Q2); review 2025-06-15 at level 1;
 * - X: desk-a, Colombia, erased on 2025-06-10 (and events for it keep coming afterwards);
 * plus follow-ups, escalations, sessions, cascades, risk assessments and incidents for A1,
 * A2 and B1 (see the tests).
 */
export function programme(): StreamBuilder {
  const s = new StreamBuilder();
  const a = [1, 2, 3, 4, 5, 6].map((i) => {
    const org = `org-a${i}`;
    const profile = { country: 'CO', focusAreas: [i <= 3 ? 'lgbti' : 'journalism'] } as const;
    s.organisation(
      org,
      { country: profile.country, focusAreas: [...profile.focusAreas] },
      d(`2025-01-0${i}`),
    );
    const e = s
      .engagement(`eng-a${i}`, org, 'desk-a', d(`2025-01-1${i}`), {
        country: profile.country,
        focusAreas: [...profile.focusAreas],
      })
      .activate('2025-02-01T00:00:00.000Z')
      .review(d('2025-05-01'), 1, ['focal-point-designated', 'risk-assessment-with-support']);
    if (i <= 4) {
      const at = new Date(
        Date.parse('2025-08-01T00:00:00.000Z') + (i - 1) * 10 * 86_400_000,
      ).toISOString();
      e.review(at, 3, [
        'focal-point-designated',
        'risk-assessment-with-support',
        'plan-adopted-by-leadership',
      ]);
    }
    if (i === 6) e.reroute('desk-b', d('2025-06-01'));
    return e;
  });
  const b = [1, 2, 3, 4, 5].map((i) => {
    const org = `org-b${i}`;
    s.organisation(org, { country: 'PE' }, d(`2025-03-0${i}`));
    return s
      .engagement(`eng-b${i}`, org, 'desk-b', d(`2025-03-1${i}`), { country: 'PE' })
      .activate('2025-04-15T00:00:00.000Z')
      .review(d('2025-07-01'), 2, ['focal-point-designated']);
  });
  s.organisation('org-c1', { country: 'BR' }, d('2025-03-20'));
  s.engagement('eng-c1', 'org-c1', 'tru', d('2025-03-21'), { country: 'BR' })
    .activate('2025-04-20T00:00:00.000Z')
    .review(d('2025-06-15'), 1);

  const [a1, a2] = a;
  const [b1] = b;
  a1?.followUp(d('2025-03-01'), { heldAt: d('2025-02-28') })
    .followUp(d('2025-04-01'), { heldAt: d('2025-04-03') })
    .followUp(d('2025-05-01'), 'missed')
    .escalation(d('2025-05-10'))
    .session(d('2025-03-10'), { attendance: 10, participants: 12, checks: 10, gain: 20 })
    .session(d('2025-04-10'), { attendance: 8, checks: 8, gain: 10 })
    .cascade(d('2025-09-01'), 2, 30)
    .cascade(d('2025-10-01'), 3, 12)
    .risk(d('2025-03-01'), 'high')
    .risk(d('2025-09-01'), 'low')
    .incident(d('2025-03-03'), 'surveillance');
  a2?.followUp(d('2025-03-01'), 'cancelled')
    .followUp(d('2026-03-01'), 'pending')
    .escalation(d('2025-05-10'), d('2025-05-12'))
    .incident(d('2025-03-05'), 'surveillance');
  b1?.followUp(d('2025-05-01'), { heldAt: d('2025-05-01') })
    .followUp(d('2025-06-01'), { heldAt: d('2025-05-30') })
    .session(d('2025-05-10'), { attendance: 5 })
    .cascade(d('2025-09-15'), 2, 10)
    .risk(d('2025-05-01'), 'medium')
    .incident(d('2025-06-01'), 'harassment');

  s.organisation('org-x', { country: 'CO' }, d('2025-01-09'));
  const x = s
    .engagement('eng-x', 'org-x', 'desk-a', d('2025-01-19'), { country: 'CO' })
    .activate('2025-02-01T00:00:00.000Z')
    .review(d('2025-05-01'), 2, ['focal-point-designated'])
    .incident(d('2025-03-04'), 'surveillance');
  s.erasure('org-x', 'erasure-1', d('2025-06-10'));
  x.review(d('2025-07-01'), 3).session(d('2025-07-02'), { attendance: 40 });
  return s;
}
