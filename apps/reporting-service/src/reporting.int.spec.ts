import {
  createEvent,
  OrganisationErasureRequestedV1,
  AutonomyReviewRecordedV1,
  SECURITY_WHEEL_SPOKES,
  AUTONOMY_MILESTONES,
  TOPICS,
  type TrellisEvent,
} from '@trellis/contracts';
import {
  buildDataset,
  MemoryReadModel,
  Projection,
  Pseudonymiser,
  REPORT_NAMES,
  REPORTS,
  type Figure,
  type ReportName,
} from '@trellis/reporting-domain';
import { uniqueName } from '@trellis/testing';
import type { Db } from 'mongodb';
import { rebuildReadModels } from './read-model/rebuild';
import { MongoReadModelStore } from './read-model/read-model.store';
import { purgeReportId } from './read-model/projection.service';
import { consumedTopics } from './read-model/events.consumer';
import { simulateProgramme } from './simulation/programme.simulator';
import {
  createTopics,
  startReportingApp,
  TEST_PSEUDONYM_KEY,
  TopicWatcher,
  type ReportingTestApp,
  type TestTopics,
} from './testing/reporting-app.fixture';

const KEY = Buffer.from(TEST_PSEUDONYM_KEY, 'base64');
const pseudonyms = new Pseudonymiser(KEY);

/** JSON with object keys sorted, so documents compare regardless of field order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : v,
  );
}

const BUCKETS = 4;

/** Every facts document of every bucket, canonical. */
async function factsOf(db: Db): Promise<string> {
  const { engagements, organisations } = await new MongoReadModelStore(db, BUCKETS).loadAll();
  const byId = (a: { _id: string }, b: { _id: string }) => (a._id < b._id ? -1 : 1);
  return canonical({
    engagements: engagements.sort(byId),
    organisations: organisations.sort(byId),
  });
}

/** The reports as the domain computes them from the same events in memory (the reference). */
async function expectedReport(
  events: readonly TrellisEvent[],
  name: ReportName,
  now: string,
  minCellSize: number,
  groupBy?: string[],
) {
  const store = new MemoryReadModel();
  const projection = new Projection(store, pseudonyms);
  for (const event of events) await projection.apply(event);
  const definition = REPORTS[name];
  return definition.build(buildDataset(store.engagements(), store.organisations()), {
    filters: {},
    groupBy: groupBy ?? [...definition.defaultGroupBy],
    minCellSize,
    now,
  });
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('reporting service on real Kafka and MongoDB', () => {
  let topics: TestTopics;
  let t: ReportingTestApp;
  let analyst: string;
  const events = simulateProgramme({
    engagements: 16,
    start: '2024-01-01T00:00:00.000Z',
    months: 18,
    seed: 3,
    idPrefix: 'it',
  });
  const published: TrellisEvent[] = [...events];

  beforeAll(async () => {
    topics = await createTopics();
    t = await startReportingApp(topics, { READ_MODEL_BUCKETS: String(BUCKETS) });
    analyst = await t.minter.analyst();
    // Arrival order differs from occurrence order; some events are delivered twice; one
    // message is not an event at all.
    await topics.publish(shuffled(events, 11));
    await topics.publish(shuffled(events, 12).slice(0, 60));
    await topics.publishRaw(TOPICS.training, 'x', '{"not":"an event"');
    await t.waitUntilConsumed();
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await topics?.close();
  });

  it('serves health and OpenAPI without a token; reports only to analysts and admins', async () => {
    expect((await t.call('/health/live')).status).toBe(200);
    expect((await t.call('/health/ready')).json).toEqual({
      status: 'ok',
      checks: { mongodb: { status: 'up' }, kafka: { status: 'up' } },
    });
    const paths = (await t.call('/openapi.json')).json['paths'] as Record<
      string,
      Record<string, unknown>
    >;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining(REPORT_NAMES.map((n) => `/reports/${n}`)),
    );
    expect(paths['/reports/milestone-attainment']?.['get']).toMatchObject({
      'x-roles': ['analyst', 'admin'],
    });
    expect((await t.call('/reports/trainings')).status).toBe(401);
    for (const token of [
      await t.minter.programManager('desk-andes'),
      await t.minter.protectionOfficer('desk-andes'),
      await t.minter.defender('it-org-1'),
    ]) {
      expect((await t.call('/reports/trainings', token)).json).toMatchObject({
        error: { code: 'FORBIDDEN' },
      });
    }
    expect((await t.call('/reports/trainings', await t.minter.admin())).status).toBe(200);
    expect((await t.call('/reports', analyst)).json['reports']).toHaveLength(REPORT_NAMES.length);
  });

  it('refuses a bad filter with 400, the code and the field', async () => {
    const cases: [string, string][] = [
      ['/reports/engagements-by-phase?country=XX', 'query.country'],
      ['/reports/engagements-by-phase?groupBy=unit,phase', 'query.groupBy'],
      ['/reports/milestone-attainment?from=2025-03-01&to=2025-01-01', 'query.to'],
      ['/reports/trainings?from=yesterday', 'query.from'],
      ['/reports/follow-up-adherence?focusArea=cooking', 'query.focusArea'],
      ['/reports/organisation-trajectories?country=CO', 'query.country'],
      ['/reports/incidents-by-type?sort=asc', 'query.sort'],
      ['/reports/trainings?format=xml', 'query.format'],
    ];
    for (const [url, path] of cases) {
      const res = await t.call(url, analyst);
      expect({ url, status: res.status, error: res.json['error'] }).toMatchObject({
        url,
        status: 400,
        error: { code: 'VALIDATION_FAILED', fields: [expect.objectContaining({ path })] },
      });
    }
  });

  it('produces the expected reports from the services’ events, with freshness', async () => {
    const sessions = events.filter((e) => e.type === 'training.session.held').length;
    const trainings = await t.call('/reports/trainings?groupBy=none', analyst);
    expect(trainings.status).toBe(200);
    expect(trainings.json['rows']).toEqual([
      expect.objectContaining({ sessions: { value: sessions } }),
    ]);
    const byPhase = await t.call('/reports/engagements-by-phase?groupBy=none', analyst);
    expect(byPhase.json['rows']).toEqual([expect.objectContaining({ total: { value: 16 } })]);

    for (const name of REPORT_NAMES) {
      const res = await t.call(`/reports/${name}`, analyst);
      expect(res.status).toBe(200);
      const expected = await expectedReport(events, name, res.json['generatedAt'] as string, 1);
      expect({ name, rows: res.json['rows'] }).toEqual({ name, rows: expected.rows });
      expect(res.json['asOf']).toEqual({
        eventId: expect.any(String),
        eventType: expect.any(String),
        occurredAt: expect.any(String),
        processedAt: expect.any(String),
      });
      expect(res.json['lag']).toMatchObject({
        lastEventMs: expect.any(Number),
        sampleSize: expect.any(Number),
      });
      expect(res.headers['x-report-as-of-event']).toBe(
        (res.json['asOf'] as { eventId: string }).eventId,
      );
    }
    const freshness = await t.call('/reports/freshness', analyst);
    expect(freshness.json).toMatchObject({ asOf: expect.any(Object), lag: expect.any(Object) });

    // The message that is not an event was dead-lettered, not applied.
    const admin = topics.kafka.admin();
    await admin.connect();
    const [dead] = await admin.fetchTopicOffsets(`${topics.prefix}${TOPICS.deadLetter}`);
    await admin.disconnect();
    expect(dead?.high).toBe('1');
  });

  it('purges an erased organisation, reports it once per request, and ignores its later events', async () => {
    const watcher = await TopicWatcher.start(topics.kafka, `${topics.prefix}${TOPICS.identity}`);
    try {
      const erasure = createEvent(OrganisationErasureRequestedV1, {
        actor: { kind: 'service', id: 'gateway' },
        organisationId: 'it-org-0',
        payload: { erasureRequestId: 'erasure-it-1', organisationId: 'it-org-0' },
      });
      await topics.publish([erasure]);
      const [purged] = await watcher.waitFor((e) => e.type === 'identity.organisation.purged');
      expect(purged).toMatchObject({
        id: purgeReportId('erasure-it-1'),
        organisationId: 'it-org-0',
        actor: { kind: 'service', id: 'reporting-service' },
        payload: {
          erasureRequestId: 'erasure-it-1',
          service: 'reporting-service',
          keyErased: false,
          removed: [
            { kind: 'engagement-facts', count: 1 },
            { kind: 'organisation-profiles', count: 1 },
          ],
        },
      });
      // The gateway retries the request: the same report (same id and content) again.
      const retry = { ...erasure, id: uniqueUuid() };
      const late = createEvent(AutonomyReviewRecordedV1, {
        actor: { kind: 'user', id: 'officer-1', role: 'protection-officer' },
        engagementId: 'it-eng-0',
        organisationId: 'it-org-0',
        unitId: 'tru',
        payload: {
          reviewId: 'late-review',
          reviewedAt: '2025-05-01T00:00:00.000Z',
          level: 4,
          previousLevel: null,
          baselineLevel: null,
          spokeMaturity: Object.fromEntries(SECURITY_WHEEL_SPOKES.map((s) => [s, 4])) as never,
          milestones: Object.fromEntries(AUTONOMY_MILESTONES.map((m) => [m, 'verified'])) as never,
        },
      });
      await topics.publish([retry, late]);
      await t.waitUntilConsumed();
      const reports = await watcher.waitFor(
        (e) => e.type === 'identity.organisation.purged' && e !== purged,
      );
      expect(reports).toEqual([purged]);
      published.push(erasure, retry, late);
      const organisation = pseudonyms.organisation('it-org-0');
      const facts = await factsOf(t.db);
      expect(facts).toContain('"organisation":"org_');
      expect(facts).not.toContain(organisation);
      const trajectories = await t.call('/reports/organisation-trajectories', analyst);
      expect(trajectories.text).not.toContain(organisation);
      const expected = await expectedReport(
        published,
        'milestone-attainment',
        trajectories.json['generatedAt'] as string,
        1,
      );
      expect((await t.call('/reports/milestone-attainment', analyst)).json['rows']).toEqual(
        expected.rows,
      );
    } finally {
      await watcher.stop();
    }
  });

  it('gives an identical result after a replay from scratch (in place and into a new database)', async () => {
    const query = (name: ReportName) => `/reports/${name}?to=2025-06-30`;
    const before = await factsOf(t.db);
    const reportsBefore = await Promise.all(
      REPORT_NAMES.map(async (n) => (await t.call(query(n), analyst)).json['rows']),
    );

    const result = await rebuildReadModels({
      db: t.db,
      kafka: topics.kafka,
      topics: consumedTopics(topics.prefix),
      pseudonyms,
      buckets: BUCKETS,
      groupId: uniqueName('rebuild'),
    });
    expect(result).toMatchObject({ invalid: 1, read: published.length + 60 + 1 + 2 });
    expect(await factsOf(t.db)).toBe(before);
    // A second instance reads the rebuilt read models (the first holds them in memory).
    const reader = await startReportingApp(topics, {
      MONGO_DB: t.env['MONGO_DB'],
      READ_MODEL_BUCKETS: String(BUCKETS),
      CONSUMER_AUTOSTART: 'false',
    });
    try {
      const token = await reader.minter.analyst();
      const reportsAfter = await Promise.all(
        REPORT_NAMES.map(async (n) => (await reader.call(query(n), token)).json['rows']),
      );
      expect(reportsAfter).toEqual(reportsBefore);
    } finally {
      await reader.close({ keepData: true });
    }

    const fresh = t.db.client.db(uniqueName('reporting_replay'));
    try {
      await rebuildReadModels({
        db: fresh,
        kafka: topics.kafka,
        topics: consumedTopics(topics.prefix),
        pseudonyms,
        buckets: BUCKETS,
        groupId: uniqueName('rebuild'),
      });
      expect(await factsOf(fresh)).toBe(before);
    } finally {
      await fresh.dropDatabase();
    }
  });

  describe('with the default threshold of 5 organisations', () => {
    let strict: ReportingTestApp;

    beforeAll(async () => {
      strict = await startReportingApp(topics, {
        MONGO_DB: t.env['MONGO_DB'],
        READ_MODEL_BUCKETS: String(BUCKETS),
        MIN_CELL_SIZE: undefined,
        CONSUMER_AUTOSTART: 'false',
      });
    });

    afterAll(async () => {
      await strict?.close({ keepData: true });
    });

    it('suppresses small cells identically in JSON and CSV and shows organisations only as pseudonyms', async () => {
      const token = await strict.minter.analyst();
      let suppressedCells = 0;
      for (const name of REPORT_NAMES) {
        const groupBy = [...REPORTS[name].dimensions].slice(0, 1).join(',') || undefined;
        const url = `/reports/${name}${groupBy ? `?groupBy=${groupBy}` : ''}`;
        const json = await strict.call(url, token);
        const csv = await strict.call(url, token, { accept: 'text/csv' });
        expect(json.json['minCellSize']).toBe(5);
        expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
        expect((await strict.call(`${url}${groupBy ? '&' : '?'}format=csv`, token)).text).toBe(
          csv.text,
        );
        const expected = await expectedReport(
          published,
          name,
          json.json['generatedAt'] as string,
          5,
          groupBy?.split(','),
        );
        expect(json.json['rows']).toEqual(expected.rows);

        const lines = csv.text.trimEnd().split('\r\n');
        const dims = json.json['dimensions'] as string[];
        const figures = json.json['figures'] as string[];
        expect(lines[0]).toBe([...dims, ...figures, 'suppressed'].join(','));
        const rows = json.json['rows'] as Record<string, Figure | string | null>[];
        expect(lines).toHaveLength(rows.length + 1);
        rows.forEach((row, i) => {
          const cells = (lines[i + 1] ?? '').split(',');
          const suppressed: string[] = [];
          figures.forEach((f, j) => {
            const figure = row[f] as Figure;
            const cell = cells[dims.length + j];
            if (figure.suppressed) {
              expect(figure.value).toBeNull();
              expect(cell).toBe('');
              suppressed.push(f);
              suppressedCells += 1;
            } else {
              expect(cell).toBe(figure.value === null ? '' : String(figure.value));
            }
          });
          expect(cells[cells.length - 1]).toBe(suppressed.join(';'));
        });
        for (const text of [json.text, csv.text]) {
          expect(text).not.toMatch(/it-(org|eng)-/);
        }
      }
      expect(suppressedCells).toBeGreaterThan(0);

      // A unit with fewer than 5 organisations never shows a count.
      const byUnit = await strict.call('/reports/engagements-by-phase?groupBy=unit', token);
      const organisationsPerUnit = new Map<string, Set<string>>();
      for (const e of events) {
        if (e.type !== 'engagement.engagement.created' || e.organisationId === 'it-org-0') continue;
        const set = organisationsPerUnit.get(e.payload.unitId) ?? new Set();
        set.add(e.payload.organisationId);
        organisationsPerUnit.set(e.payload.unitId, set);
      }
      for (const row of byUnit.json['rows'] as Record<string, Figure | string>[]) {
        const count = organisationsPerUnit.get(row['unit'] as string)?.size ?? 0;
        if (count < 5) expect(row['total']).toEqual({ value: null, suppressed: true });
      }

      // Trajectories carry the keyed pseudonyms of the organisations, nothing else of them.
      const trajectories = await strict.call('/reports/organisation-trajectories', token);
      const shown = new Set(
        (trajectories.json['rows'] as { organisation: string }[]).map((r) => r.organisation),
      );
      const started = new Set(
        events
          .filter(
            (e) => e.type === 'engagement.agreement.activated' && e.organisationId !== 'it-org-0',
          )
          .map((e) => pseudonyms.organisation(e.organisationId ?? '')),
      );
      expect(shown).toEqual(started);
      const csv = await strict.call('/reports/organisation-trajectories?format=csv', token);
      for (const pseudonym of shown) expect(csv.text).toContain(`${pseudonym},Q+0,`);
    });
  });
});

let counter = 0;
function uniqueUuid(): string {
  counter += 1;
  return `00000000-0000-4000-9000-${counter.toString(16).padStart(12, '0')}`;
}
