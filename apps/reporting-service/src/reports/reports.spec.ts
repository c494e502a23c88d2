import { REPORTS } from '@trellis/reporting-domain';
import type { FactWrite } from '@trellis/reporting-domain';
import { purgeReportId, uuidV5 } from '../read-model/projection.service';
import type { FactsObserver, MongoReadModelStore } from '../read-model/read-model.store';
import { ReportSnapshots } from './report-snapshot';
import { reportQuerySchema } from './reports.schema';

const freshness = () => Promise.resolve({ asOf: null, lag: null, eventsApplied: 0 });

/** A store with the few methods the snapshots use, its documents in memory. */
class FakeStore {
  observer?: FactsObserver;
  tombstones = 0;
  loads = 0;
  engagements = [
    { _id: 'eng_1', organisation: 'org_00000001', createdAt: '2025-01-01T00:00:00.000Z' },
  ];
  release?: () => void;
  observe(observer: FactsObserver) {
    this.observer = observer;
  }
  tombstoneCount() {
    return Promise.resolve(this.tombstones);
  }
  async loadAll() {
    this.loads += 1;
    const engagements = structuredClone(this.engagements);
    if (this.release === undefined) await new Promise<void>((r) => (this.release = r));
    return { engagements, organisations: [] };
  }
}

const write = (id: string, organisation: string): FactWrite => ({
  collection: 'engagements',
  id,
  set: { organisation },
  min: { createdAt: '2025-02-01T00:00:00.000Z' },
});

describe('report snapshots', () => {
  it('loads once, applies changes made during and after the load, and drops purged organisations', async () => {
    const store = new FakeStore();
    const snapshots = new ReportSnapshots(
      store as unknown as MongoReadModelStore,
      freshness,
      60_000,
    );
    const first = snapshots.get();
    await new Promise((r) => setTimeout(r, 0));
    store.observer?.applied([write('eng_2', 'org_00000002')]); // during the load
    store.release?.();
    expect((await first).dataset.engagements.map((e) => e.engagement)).toEqual(['eng_1', 'eng_2']);
    store.observer?.applied([write('eng_3', 'org_00000003')]);
    store.observer?.purged('org_00000001');
    const second = await snapshots.get();
    expect(second.dataset.engagements.map((e) => e.engagement)).toEqual(['eng_2', 'eng_3']);
    expect(store.loads).toBe(1);
  });

  it('reloads before answering when another replica erased an organisation', async () => {
    const store = new FakeStore();
    store.release = () => undefined;
    const snapshots = new ReportSnapshots(
      store as unknown as MongoReadModelStore,
      freshness,
      60_000,
    );
    await snapshots.get();
    store.engagements = [];
    store.tombstones = 1;
    expect((await snapshots.get()).dataset.engagements).toEqual([]);
    expect(store.loads).toBe(2);
  });
});

describe('report queries', () => {
  const schema = reportQuerySchema(REPORTS['milestone-attainment']);

  it('parses filters and groupBy (default, list, none)', () => {
    expect(schema.parse({})).toEqual({ groupBy: ['cohort'] });
    expect(schema.parse({ groupBy: 'unit,country', country: 'CO', from: '2025-01-01' })).toEqual({
      groupBy: ['unit', 'country'],
      country: 'CO',
      from: '2025-01-01',
    });
    expect(schema.parse({ groupBy: 'none' }).groupBy).toEqual([]);
  });

  it('names the parameter at fault', () => {
    const paths = (query: Record<string, string>) =>
      schema.safeParse(query).error?.issues.map((i) => i.path.join('.'));
    expect(paths({ groupBy: 'cohort,cohort' })).toEqual(['groupBy']);
    expect(paths({ groupBy: 'phase' })).toEqual(['groupBy']);
    expect(paths({ from: '2025-02-01', to: '2025-01-01' })).toEqual(['to']);
    expect(paths({ limit: '3' })).toEqual(['limit']);
    expect(
      reportQuerySchema(REPORTS['organisation-trajectories']).safeParse({ unit: 'tru' }).success,
    ).toBe(false);
  });
});

describe('purge report ids', () => {
  it('are UUID v5, the same for a request every time', () => {
    // RFC 4122 / 9562 example: "www.example.com" in the DNS namespace.
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
    expect(purgeReportId('req-1')).toBe(purgeReportId('req-1'));
    expect(purgeReportId('req-1')).not.toBe(purgeReportId('req-2'));
  });
});
