import {
  createEvent,
  DeskCreatedV1,
  eventFixture,
  OrganisationErasedV1,
  SessionScheduledV1,
} from '@trellis/contracts';
import { StreamBuilder } from './events.fixture';
import { applyFactWrite, purgedRecords } from './facts';
import { MemoryReadModel } from './memory-read-model';
import { Pseudonymiser, tombstoneOf } from './privacy';
import { planProjection, Projection } from './projection';
import { TEST_KEY } from './scenario.fixture';

const pseudonyms = new Pseudonymiser(TEST_KEY);

describe('facts writes', () => {
  it('apply $set, $min and $max at dotted paths like MongoDB', () => {
    let doc = applyFactWrite(undefined, {
      collection: 'engagements',
      id: 'e1',
      set: { organisation: 'o', 'sessions.k.at': 'x' },
      min: { createdAt: '2025-02-01T00:00:00.000Z' },
      max: { 'units.u.at': '2025-02-01T00:00:00.000Z' },
    });
    doc = applyFactWrite(doc, {
      collection: 'engagements',
      id: 'e1',
      min: { createdAt: '2025-03-01T00:00:00.000Z' },
      max: { 'units.u.at': '2025-01-01T00:00:00.000Z' },
    });
    expect(doc).toEqual({
      _id: 'e1',
      organisation: 'o',
      sessions: { k: { at: 'x' } },
      createdAt: '2025-02-01T00:00:00.000Z',
      units: { u: { at: '2025-02-01T00:00:00.000Z' } },
    });
  });
});

describe('projection', () => {
  it('stores pseudonyms only, and skips events no report uses', () => {
    const s = new StreamBuilder();
    s.engagement('eng-1', 'org-1', 'desk-a', '2025-01-01T00:00:00.000Z');
    const step = planProjection(s.events[0], pseudonyms);
    expect(step).toMatchObject({ kind: 'write', organisationId: 'org-1' });
    expect(JSON.stringify(step.kind === 'write' ? step.writes : [])).not.toMatch(/org-1|eng-1/);
    expect(planProjection(eventFixture(SessionScheduledV1), pseudonyms)).toEqual({ kind: 'skip' });
    expect(planProjection(eventFixture(DeskCreatedV1), pseudonyms)).toEqual({ kind: 'skip' });
  });

  it('keeps the newest organisation profile whatever the arrival order', async () => {
    const s = new StreamBuilder();
    s.organisation('org-1', { country: 'CO' }, '2025-01-01T00:00:00.000Z');
    s.organisation('org-1', { country: 'PE', region: 'PE-LIM' }, '2025-03-01T00:00:00.000Z', true);
    s.organisation('org-1', { country: 'EC' }, '2025-02-01T00:00:00.000Z', true);
    for (const order of [s.events, [...s.events].reverse()]) {
      const store = new MemoryReadModel();
      const projection = new Projection(store, pseudonyms);
      for (const e of order) await projection.apply(e);
      const [doc] = store.organisations();
      const latest = Object.values(doc?.profiles ?? {}).sort((a, b) => (a.at < b.at ? 1 : -1))[0];
      expect(latest).toEqual({
        at: '2025-03-01T00:00:00.000Z',
        country: 'PE',
        region: 'PE-LIM',
        focusAreas: [],
      });
    }
  });

  it('purges an organisation on erasure, remembers it, and reports the first purge on a retry', async () => {
    const s = new StreamBuilder();
    s.organisation('org-1', { country: 'CO' }, '2025-01-01T00:00:00.000Z');
    s.engagement('eng-1', 'org-1', 'desk-a', '2025-01-02T00:00:00.000Z').review(
      '2025-02-01T00:00:00.000Z',
      1,
    );
    s.engagement('eng-2', 'org-1', 'desk-a', '2025-01-03T00:00:00.000Z');
    s.engagement('eng-3', 'org-2', 'desk-a', '2025-01-03T00:00:00.000Z');
    const erasure = s.erasure('org-1', 'req-1', '2025-03-01T00:00:00.000Z');
    const store = new MemoryReadModel();
    const projection = new Projection(store, pseudonyms);
    for (const e of s.events) await projection.apply(e);
    expect(store.engagements().map((e) => e.organisation)).toEqual([
      pseudonyms.organisation('org-2'),
    ]);
    expect(store.organisations()).toEqual([]);
    expect(await store.isErased(tombstoneOf('org-1'))).toBe(true);

    // The same request again (a redelivery or a retry after a failed publish).
    const again = await projection.apply(erasure);
    expect(again).toEqual({
      kind: 'erased',
      organisationId: 'org-1',
      erasureRequestId: 'req-1',
      report: true,
      removed: { engagementFacts: 2, organisationFacts: 1 },
    });
    expect(
      purgedRecords(
        again.kind === 'erased' ? again.removed : { engagementFacts: 0, organisationFacts: 0 },
      ),
    ).toEqual([
      { kind: 'engagement-facts', count: 2 },
      { kind: 'organisation-profiles', count: 1 },
    ]);

    // Later events for the organisation are ignored; a crypto-shredding report also erases.
    s.engagement('eng-4', 'org-1', 'desk-a', '2025-04-01T00:00:00.000Z');
    expect(await projection.apply(s.events[s.events.length - 1])).toEqual({
      kind: 'skipped',
      reason: 'organisation-erased',
    });
    const shredded = createEvent(OrganisationErasedV1, {
      actor: { kind: 'service', id: 'engagement-service' },
      organisationId: 'org-2',
      payload: { organisationId: 'org-2' },
    });
    expect(await projection.apply(shredded)).toMatchObject({
      kind: 'erased',
      report: false,
      removed: { engagementFacts: 1, organisationFacts: 0 },
    });
    expect(store.engagements()).toEqual([]);
    expect(store.erasedCount()).toBe(2);
  });
});
