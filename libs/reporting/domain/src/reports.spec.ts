import { createEvent, OrganisationErasureCompletedV1, type TrellisEvent } from '@trellis/contracts';
import { reportToCsv } from './csv';
import type { Figure } from './disclosure';
import { shuffled } from './events.fixture';
import { Pseudonymiser } from './privacy';
import { REPORT_NAMES, REPORTS } from './reports/catalogue';
import type { ReportRow, ReportTable } from './reports/report-table';
import { NOW, programme, project, runReport, TEST_KEY } from './scenario.fixture';

const v = (value: number | string | null): Figure => ({ value });
const S: Figure = { value: null, suppressed: true };

function row(table: ReportTable, key: Record<string, string | null>): ReportRow {
  const found = table.rows.find((r) => Object.entries(key).every(([k, val]) => r[k] === val));
  if (!found) throw new Error(`no row ${JSON.stringify(key)} in ${table.report}`);
  return found;
}

describe('reports on a hand-made programme', () => {
  const events = programme().events;

  describe('engagements by phase', () => {
    it('counts engagements by current unit (after re-routing) and phase; the erased organisation is gone', async () => {
      const store = await project(events);
      const t = runReport(store, 'engagements-by-phase', { groupBy: ['unit'] });
      expect(t.rows.map((r) => r['unit'])).toEqual(['desk-a', 'desk-b', 'tru']);
      expect(row(t, { unit: 'desk-a' })).toMatchObject({
        implementation: v(5),
        total: v(5),
        agreement: v(0),
      });
      expect(row(t, { unit: 'desk-b' })).toMatchObject({ implementation: v(6), total: v(6) });
      expect(row(t, { unit: 'tru' })).toMatchObject({ implementation: v(1), total: v(1) });
    });

    it('gives the phase as of the end of `to` and keeps engagements created in the range', async () => {
      const store = await project(events);
      const t = runReport(store, 'engagements-by-phase', {
        groupBy: [],
        filters: { from: '2025-01-01', to: '2025-01-31' },
      });
      // Only the A engagements were created in January; on Jan 31 they were still in agreement.
      expect(t.rows).toEqual([expect.objectContaining({ agreement: v(6), total: v(6) })]);
    });

    it('suppresses small cells and, complementarily, the next smallest of each published total', async () => {
      const store = await project(events);
      const t = runReport(store, 'engagements-by-phase', { groupBy: ['unit'], minCellSize: 5 });
      // The TRU has one organisation: suppressed. The column total (published by the report
      // without groupBy) would give it away, so desk-a (5 < 6) is suppressed as well.
      expect(row(t, { unit: 'tru' })).toMatchObject({ implementation: S, total: S });
      expect(row(t, { unit: 'desk-a' })).toMatchObject({ implementation: S, total: S });
      expect(row(t, { unit: 'desk-b' })).toMatchObject({ implementation: v(6), total: v(6) });
    });

    it('filters by country and focus area (the organisation profile)', async () => {
      const store = await project(events);
      const t = runReport(store, 'engagements-by-phase', {
        groupBy: ['country'],
        filters: { country: 'CO', focusArea: 'lgbti' },
      });
      expect(t.rows).toEqual([expect.objectContaining({ country: 'CO', total: v(3) })]);
    });
  });

  describe('milestone attainment', () => {
    it('counts organisations reaching each milestone by cohort, with shares', async () => {
      const store = await project(events);
      const t = runReport(store, 'milestone-attainment', { groupBy: ['cohort'] });
      expect(row(t, { cohort: '2025-Q1', milestone: 'focal-point-designated' })).toMatchObject({
        organisations: v(6),
        reached: v(6),
        share: v(1),
      });
      expect(row(t, { cohort: '2025-Q1', milestone: 'autonomy' })).toMatchObject({
        reached: v(4),
        share: v(0.6667),
      });
      expect(row(t, { cohort: '2025-Q2', milestone: 'focal-point-designated' })).toMatchObject({
        organisations: v(6),
        reached: v(5),
        share: v(0.8333),
      });
      expect(row(t, { cohort: '2025-Q2', milestone: 'others-trained' })).toMatchObject({
        reached: v(0),
        share: v(0),
      });
    });

    it('withholds an attainment count when those who did not reach it are too few', async () => {
      const store = await project(events);
      const t = runReport(store, 'milestone-attainment', { groupBy: ['cohort'], minCellSize: 2 });
      // Q2: 5 of 6 reached the focal point: the one that did not is a cell of 1.
      expect(row(t, { cohort: '2025-Q2', milestone: 'focal-point-designated' })).toMatchObject({
        organisations: v(6),
        reached: S,
        share: S,
      });
      // Q1: 4 of 6 reached autonomy, 2 did not: both above the threshold of 2.
      expect(row(t, { cohort: '2025-Q1', milestone: 'autonomy' })).toMatchObject({ reached: v(4) });
    });

    it('groups by unit and country, and selects cohorts by the date range', async () => {
      const store = await project(events);
      const t = runReport(store, 'milestone-attainment', {
        groupBy: ['unit', 'country'],
        filters: { from: '2025-04-01', to: '2025-06-30' },
      });
      expect([
        ...new Set(t.rows.map((r) => `${r['unit'] as string}/${r['country'] as string}`)),
      ]).toEqual(['desk-b/PE', 'tru/BR']);
    });
  });

  describe('time to milestone', () => {
    it('gives median and quartiles of days from the agreement', async () => {
      const store = await project(events);
      const t = runReport(store, 'time-to-milestone', { groupBy: ['cohort'] });
      // 2025-02-01 → 2025-08-01 is 181 days; then 191, 201, 211.
      expect(row(t, { cohort: '2025-Q1', milestone: 'autonomy' })).toEqual({
        cohort: '2025-Q1',
        milestone: 'autonomy',
        reached: v(4),
        medianDays: v(196),
        q1Days: v(188.5),
        q3Days: v(203.5),
      });
      expect(row(t, { cohort: '2025-Q1', milestone: 'focal-point-designated' })).toMatchObject({
        reached: v(6),
        medianDays: v(89.4),
      });
    });

    it('suppresses the statistics of fewer organisations than the threshold', async () => {
      const store = await project(events);
      const t = runReport(store, 'time-to-milestone', { groupBy: ['cohort'], minCellSize: 5 });
      expect(row(t, { cohort: '2025-Q1', milestone: 'autonomy' })).toMatchObject({
        reached: S,
        medianDays: S,
        q1Days: S,
        q3Days: S,
      });
    });
  });

  describe('autonomy levels per quarter', () => {
    it('counts each organisation at the level of its latest review before the quarter end', async () => {
      const store = await project(events);
      const t = runReport(store, 'autonomy-levels', { filters: { from: '2025-04-01' } });
      expect(t.rows.map((r) => r['quarter'])).toEqual(['2025-Q2', '2025-Q3', '2025-Q4']);
      expect(row(t, { quarter: '2025-Q2' })).toMatchObject({
        organisations: v(7),
        assisted: v(7),
        assistedShare: v(1),
      });
      expect(row(t, { quarter: '2025-Q3' })).toMatchObject({
        organisations: v(12),
        dependent: v(0),
        assisted: v(3),
        practising: v(5),
        autonomous: v(4),
        multiplier: v(0),
        autonomousShare: v(0.3333),
      });
    });
  });

  describe('follow-up adherence', () => {
    it('counts follow-ups held on time, late and missed, and open escalations, per unit', async () => {
      const store = await project(events);
      const t = runReport(store, 'follow-up-adherence');
      expect(row(t, { unit: 'desk-a' })).toEqual({
        unit: 'desk-a',
        followUps: v(3),
        onTime: v(1),
        late: v(1),
        missed: v(1),
        onTimeShare: v(0.3333),
        lateShare: v(0.3333),
        missedShare: v(0.3333),
        openEscalations: v(1),
      });
      expect(row(t, { unit: 'desk-b' })).toMatchObject({
        followUps: v(2),
        onTime: v(2),
        late: v(0),
        missed: v(0),
      });
    });
  });

  describe('trainings and cascades', () => {
    it('counts sessions, participants reached and the weighted knowledge gain', async () => {
      const store = await project(events);
      const t = runReport(store, 'trainings');
      // (10 × 20 + 8 × 10) / 18 = 15.6; the erased organisation's 40 participants are not counted.
      expect(t.rows).toEqual([
        { sessions: v(3), participantsReached: v(23), knowledgeGain: v(15.6) },
      ]);
    });

    it('gives reach by generation and the cascade multiplier, suppressing complementarily', async () => {
      const store = await project(events);
      expect(runReport(store, 'cascade-reach').rows).toEqual([
        {
          trainedDirectly: v(23),
          reachGeneration2: v(40),
          reachGeneration3: v(12),
          reachGeneration4Plus: v(0),
          reachTotal: v(52),
          multiplier: v(2.26),
        },
      ]);
      // With a threshold of 2, generation 3 (one organisation) is suppressed, and so is
      // generation 4+: otherwise total − generation 2 − generation 4+ would give it.
      expect(runReport(store, 'cascade-reach', { minCellSize: 2 }).rows).toEqual([
        {
          trainedDirectly: v(23),
          reachGeneration2: v(40),
          reachGeneration3: S,
          reachGeneration4Plus: S,
          reachTotal: v(52),
          multiplier: v(2.26),
        },
      ]);
    });
  });

  describe('risk levels and incidents', () => {
    it('counts organisations at each overall risk level per quarter (levels only)', async () => {
      const store = await project(events);
      const t = runReport(store, 'risk-levels', {
        filters: { from: '2025-07-01', to: '2025-09-30' },
      });
      expect(t.rows).toEqual([
        expect.objectContaining({
          quarter: '2025-Q3',
          organisations: v(2),
          low: v(1),
          medium: v(1),
          high: v(0),
        }),
      ]);
    });

    it('counts incidents by type; the erased organisation’s incident is gone', async () => {
      const store = await project(events);
      const t = runReport(store, 'incidents-by-type');
      expect(row(t, { incidentType: 'surveillance' })).toEqual({
        incidentType: 'surveillance',
        incidents: v(2),
      });
      expect(row(t, { incidentType: 'harassment' })).toEqual({
        incidentType: 'harassment',
        incidents: v(1),
      });
      expect(row(t, { incidentType: 'killing' })).toEqual({
        incidentType: 'killing',
        incidents: v(0),
      });
      const k2 = runReport(store, 'incidents-by-type', { minCellSize: 2 });
      expect(row(k2, { incidentType: 'surveillance' })).toMatchObject({ incidents: v(2) });
      expect(row(k2, { incidentType: 'harassment' })).toMatchObject({ incidents: S });
      // The total of incidents is published elsewhere: a second cell is withheld with it.
      expect(k2.rows.filter((r) => (r['incidents'] as Figure).suppressed)).toHaveLength(2);
    });
  });

  describe('organisation trajectories', () => {
    it('shows organisations only under their pseudonyms, quarter by quarter since the start', async () => {
      const store = await project(events);
      const t = runReport(store, 'organisation-trajectories');
      const pseudonyms = new Pseudonymiser(TEST_KEY);
      const a1 = pseudonyms.organisation('org-a1');
      expect(new Set(t.rows.map((r) => r['organisation'])).size).toBe(12);
      expect(t.rows.filter((r) => r['organisation'] === a1).map((r) => r['quarter'])).toEqual([
        'Q+0',
        'Q+1',
        'Q+2',
        'Q+3',
      ]);
      expect(row(t, { organisation: a1, quarter: 'Q+2' })).toEqual({
        organisation: a1,
        quarter: 'Q+2',
        cohort: v('2025-Q1'),
        autonomyLevel: v(3),
        riskLevel: v('low'),
        milestonesReached: v(3),
      });
      expect(row(t, { organisation: a1, quarter: 'Q+0' })).toMatchObject({
        autonomyLevel: v(null),
        riskLevel: v('high'),
      });
      const text = JSON.stringify(t) + reportToCsv(t);
      expect(text).not.toMatch(/org-a|org-b|org-c|org-x|eng-/);
      expect(text).not.toContain(pseudonyms.organisation('org-x'));
    });

    it('hides a cohort smaller than the threshold and withholds the whole report below it', async () => {
      const store = await project(events);
      const t = runReport(store, 'organisation-trajectories', { minCellSize: 6 });
      expect(new Set(t.rows.map((r) => JSON.stringify(r['cohort'])))).toEqual(
        new Set([JSON.stringify(v('2025-Q1')), JSON.stringify(v('2025-Q2'))]),
      );
      const small = runReport(store, 'organisation-trajectories', { minCellSize: 13 });
      expect(small).toMatchObject({ rows: [], suppressed: true });
    });
  });

  describe('order and duplicates', () => {
    const all = (store: Awaited<ReturnType<typeof project>>) =>
      REPORT_NAMES.map((name) =>
        runReport(store, name, { groupBy: [...REPORTS[name].dimensions].slice(0, 2) }),
      );

    it('gives identical read models and reports for any arrival order and redeliveries', async () => {
      const expectedStore = await project(events);
      const expected = all(expectedStore);
      for (const seed of [1, 2, 3]) {
        const shuffledEvents = shuffled(events, seed);
        const withDuplicates: TrellisEvent[] = [
          ...shuffledEvents,
          ...shuffled(events, seed + 100).slice(0, 40),
        ];
        const store = await project(withDuplicates);
        expect(store.engagements()).toEqual(
          expectedStore.engagements().map((d): unknown => expect.objectContaining(d)),
        );
        expect(all(store)).toEqual(expected);
      }
      const reversed = await project([...events].reverse());
      expect(all(reversed)).toEqual(expected);
    });

    it('never lets an erased organisation back in, whenever its events arrive', async () => {
      const completed = createEvent(OrganisationErasureCompletedV1, {
        actor: { kind: 'service', id: 'gateway' },
        organisationId: 'org-x',
        payload: { erasureRequestId: 'erasure-1', organisationId: 'org-x' },
      });
      const erasedFirst = await project([
        completed,
        ...events.filter((e) => e.organisationId === 'org-x'),
      ]);
      expect(erasedFirst.engagements()).toEqual([]);
      expect(erasedFirst.organisations()).toEqual([]);
    });
  });

  it('runs every report on an empty read model', async () => {
    const store = await project([]);
    for (const name of REPORT_NAMES) {
      const t = runReport(store, name, { minCellSize: 5 });
      expect(t.report).toBe(name);
    }
    expect(runReport(store, 'incidents-by-type').rows).toHaveLength(16);
    expect(NOW).toBe('2025-12-31T00:00:00.000Z');
  });
});
