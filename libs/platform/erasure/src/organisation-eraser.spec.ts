import { OrganisationErasedV1, OrganisationPurgedV1, parseEvent } from '@trellis/contracts';
import {
  FieldCipher,
  generateMasterKey,
  InMemoryKeyStore,
  OrganisationErasedError,
} from '@trellis/platform-crypto';
import { outboxEvent } from '@trellis/platform-outbox';
import { erasureEventId } from './erasure.ids';
import { ErasureRequestConflictError, InMemoryErasureLedger } from './erasure.ledger';
import { OrganisationEraser, type OrganisationEraserOptions } from './organisation-eraser';
import type { ErasureScope, RecordPurger } from './record.purgers';

interface Row {
  id: string;
  organisationId?: string;
  engagementId?: string;
}

/** A purger over an in-memory table, with hooks to simulate crashes and concurrent writes. */
class TablePurger implements RecordPurger {
  rows: Row[] = [];
  removeCalls = 0;
  failNextRemoveAfterDeleting = false;
  writeBeforeNextRemove?: Row;

  constructor(
    readonly kind: string,
    private readonly by: 'organisation' | 'engagement',
  ) {}

  private matches(row: Row, scope: ErasureScope): boolean {
    return this.by === 'organisation'
      ? row.organisationId === scope.organisationId
      : scope.engagementIds.includes(row.engagementId ?? '');
  }

  count(scope: ErasureScope): Promise<number> {
    return Promise.resolve(this.rows.filter((r) => this.matches(r, scope)).length);
  }

  remove(scope: ErasureScope): Promise<number> {
    this.removeCalls += 1;
    if (this.writeBeforeNextRemove) {
      this.rows.push(this.writeBeforeNextRemove);
      this.writeBeforeNextRemove = undefined;
    }
    const before = this.rows.length;
    this.rows = this.rows.filter((r) => !this.matches(r, scope));
    if (this.failNextRemoveAfterDeleting) {
      this.failNextRemoveAfterDeleting = false;
      return Promise.reject(new Error('crash after deleting'));
    }
    return Promise.resolve(before - this.rows.length);
  }
}

function setup(overrides: Partial<OrganisationEraserOptions> = {}) {
  let clock = Date.parse('2026-11-25T10:00:00.000Z');
  const now = () => new Date((clock += 1000));
  const store = new InMemoryKeyStore();
  const cipher = new FieldCipher(store, {
    masterKeys: { activeKeyId: 'k1', keys: { k1: generateMasterKey() } },
    now,
  });
  const ledger = new InMemoryErasureLedger();
  const threats = new TablePurger('threats', 'organisation');
  const notes = new TablePurger('notes', 'engagement');
  const projection: Row[] = [];
  const engagementIdsOf = jest.fn((organisationId: string) =>
    Promise.resolve(projection.filter((r) => r.organisationId === organisationId).map((r) => r.id)),
  );
  const eraser = new OrganisationEraser({
    service: 'risk-service',
    ledger,
    purgers: [threats, notes],
    keys: { cipher, store },
    engagementIdsOf,
    ...overrides,
  });
  return { eraser, ledger, cipher, store, threats, notes, projection, engagementIdsOf };
}

const A = { erasureRequestId: 'req-a', organisationId: 'org-a' };

describe('OrganisationEraser', () => {
  it('shreds the key, deletes the organisation’s records and reports them with a deterministic id', async () => {
    const t = setup();
    const secret = await t.cipher.encrypt('org-a', 'a threat narrative', 'threat.facts');
    await t.cipher.encrypt('org-b', 'another', 'threat.facts');
    t.projection.push(
      { id: 'eng-a1', organisationId: 'org-a' },
      { id: 'eng-b1', organisationId: 'org-b' },
    );
    t.threats.rows.push(
      { id: 't1', organisationId: 'org-a' },
      { id: 't2', organisationId: 'org-a' },
      { id: 't3', organisationId: 'org-b' },
    );
    t.notes.rows.push({ id: 'n1', engagementId: 'eng-a1' }, { id: 'n2', engagementId: 'eng-b1' });

    const outcome = await t.eraser.erase(A);

    expect(outcome.alreadyCompleted).toBe(false);
    expect(outcome.report).toEqual({
      erasureRequestId: 'req-a',
      organisationId: 'org-a',
      service: 'risk-service',
      keyErased: true,
      removed: [
        { kind: 'threats', count: 2 },
        { kind: 'notes', count: 1 },
      ],
    });
    expect(t.threats.rows.map((r) => r.id)).toEqual(['t3']);
    expect(t.notes.rows.map((r) => r.id)).toEqual(['n2']);
    await expect(t.cipher.decrypt('org-a', secret, 'threat.facts')).rejects.toBeInstanceOf(
      OrganisationErasedError,
    );
    await expect(t.cipher.encrypt('org-a', 'new', 'threat.facts')).rejects.toBeInstanceOf(
      OrganisationErasedError,
    );

    const expectedId = erasureEventId('req-a', 'risk-service', 'identity.organisation.purged@1');
    expect(outcome.reportEventId).toBe(expectedId);
    expect(t.ledger.events).toHaveLength(1);
    const [purged] = t.ledger.events;
    expect(purged?.topic).toBe(OrganisationPurgedV1.topic);
    expect(purged?.key).toBe('org-a');
    const event = parseEvent(purged?.envelope);
    expect(event).toMatchObject({
      id: expectedId,
      type: 'identity.organisation.purged',
      organisationId: 'org-a',
      actor: { kind: 'service', id: 'risk-service' },
      payload: outcome.report,
    });
  });

  it('does nothing again for a request already completed, and reports the same', async () => {
    const t = setup();
    t.threats.rows.push({ id: 't1', organisationId: 'org-a' });
    const first = await t.eraser.erase(A);
    t.threats.rows.push({ id: 't9', organisationId: 'org-a' }); // not touched by a redelivery
    const again = await t.eraser.erase(A);

    expect(again).toEqual({ ...first, alreadyCompleted: true });
    expect(t.threats.removeCalls).toBe(1);
    expect(t.threats.rows).toHaveLength(1);
    expect(t.ledger.events).toHaveLength(1);
    expect(t.engagementIdsOf).toHaveBeenCalledTimes(1);
  });

  it('reports zero counts on a second request for the same organisation, key still erased', async () => {
    const t = setup();
    await t.cipher.encrypt('org-a', 'x', 'threat.facts');
    t.threats.rows.push({ id: 't1', organisationId: 'org-a' });
    await t.eraser.erase(A);

    const second = await t.eraser.erase({ erasureRequestId: 'req-a2', organisationId: 'org-a' });

    expect(second.report).toEqual({
      erasureRequestId: 'req-a2',
      organisationId: 'org-a',
      service: 'risk-service',
      keyErased: true,
      removed: [
        { kind: 'threats', count: 0 },
        { kind: 'notes', count: 0 },
      ],
    });
    expect(second.reportEventId).not.toBe(t.eraser.reportEventId('req-a'));
  });

  it('reports keyErased false for an organisation it never held a key for, and still refuses one', async () => {
    const t = setup();
    const outcome = await t.eraser.erase(A);
    expect(outcome.report.keyErased).toBe(false);
    await expect(t.cipher.encrypt('org-a', 'x', 'threat.facts')).rejects.toBeInstanceOf(
      OrganisationErasedError,
    );
    const second = await t.eraser.erase({ erasureRequestId: 'req-a2', organisationId: 'org-a' });
    expect(second.report.keyErased).toBe(false);
  });

  it('resumes after a crash without losing or doubling counts', async () => {
    const t = setup();
    await t.cipher.encrypt('org-a', 'x', 'threat.facts');
    t.projection.push({ id: 'eng-a1', organisationId: 'org-a' });
    t.threats.rows.push(
      { id: 't1', organisationId: 'org-a' },
      { id: 't2', organisationId: 'org-a' },
    );
    t.notes.rows.push({ id: 'n1', engagementId: 'eng-a1' }, { id: 'n2', engagementId: 'eng-a1' });
    t.notes.failNextRemoveAfterDeleting = true;

    await expect(t.eraser.erase(A)).rejects.toThrow('crash after deleting');
    expect(t.ledger.events).toHaveLength(0); // nothing reported yet
    // The projection the resolver reads is gone by now: the ids resolved first are kept.
    t.projection.length = 0;

    const outcome = await t.eraser.erase(A);
    expect(outcome.report.keyErased).toBe(true);
    expect(outcome.report.removed).toEqual([
      { kind: 'threats', count: 2 },
      { kind: 'notes', count: 2 },
    ]);
    expect(t.engagementIdsOf).toHaveBeenCalledTimes(1);
    expect(t.ledger.events).toHaveLength(1);
  });

  it('counts records written while it deletes', async () => {
    const t = setup();
    t.threats.rows.push({ id: 't1', organisationId: 'org-a' });
    t.threats.writeBeforeNextRemove = { id: 't2', organisationId: 'org-a' };
    const outcome = await t.eraser.erase(A);
    expect(outcome.report.removed[0]).toEqual({ kind: 'threats', count: 2 });
    expect(t.threats.rows).toHaveLength(0);
  });

  it('writes the key events once, after shredding', async () => {
    const keyErasureEvents = jest.fn(
      (request: { organisationId: string; erasureRequestId: string }) => [
        outboxEvent(OrganisationErasedV1, {
          id: erasureEventId(
            request.erasureRequestId,
            'engagement-service',
            OrganisationErasedV1.key,
          ),
          actor: { kind: 'service', id: 'engagement-service' },
          organisationId: request.organisationId,
          payload: {
            organisationId: request.organisationId,
            erasureRequestId: request.erasureRequestId,
          },
        }),
      ],
    );
    const t = setup({ service: 'engagement-service', keyErasureEvents });
    await t.eraser.erase(A);
    await t.eraser.erase(A);
    expect(keyErasureEvents).toHaveBeenCalledTimes(1);
    expect(t.ledger.events.map((e) => e.envelope['type'])).toEqual([
      'engagement.organisation.erased',
      'identity.organisation.purged',
    ]);
  });

  it('works without keys (a process that encrypts nothing) and on another report topic', async () => {
    const t = setup({ keys: undefined, reportTopic: 'prefix.trellis.identity.v1' });
    const outcome = await t.eraser.erase(A);
    expect(outcome.report.keyErased).toBe(false);
    expect(t.ledger.events[0]?.topic).toBe('prefix.trellis.identity.v1');
  });

  it('tells erased organisations apart', async () => {
    const t = setup();
    await t.cipher.encrypt('org-b', 'x', 'threat.facts');
    expect(await t.eraser.isErased('org-a')).toBe(false);
    await t.eraser.erase(A);
    expect(await t.eraser.isErased('org-a')).toBe(true);
    expect(await t.eraser.isErased('org-b')).toBe(false);
    // Erased elsewhere first (e.g. on engagement.organisation.erased): the tombstone says so.
    await t.cipher.eraseOrganisationKey('org-c');
    expect(await t.eraser.isErased('org-c')).toBe(true);
    // Without keys (the orchestrator), the ledger tells.
    const keyless = setup({ keys: undefined });
    expect(await keyless.eraser.isErased('org-a')).toBe(false);
    await keyless.eraser.erase(A);
    expect(await keyless.eraser.isErased('org-a')).toBe(true);
  });

  it('rejects a request id reused for another organisation, and invalid ids', async () => {
    const t = setup();
    await t.eraser.erase(A);
    await expect(
      t.eraser.erase({ erasureRequestId: 'req-a', organisationId: 'org-z' }),
    ).rejects.toBeInstanceOf(ErasureRequestConflictError);
    await expect(
      t.eraser.erase({ erasureRequestId: 'req a', organisationId: 'org-a' }),
    ).rejects.toThrow();
  });

  it('refuses purgers with invalid or repeated kinds', () => {
    const ledger = new InMemoryErasureLedger();
    const purger = new TablePurger('threats', 'organisation');
    expect(
      () => new OrganisationEraser({ service: 'risk-service', ledger, purgers: [purger, purger] }),
    ).toThrow('listed twice');
    expect(
      () =>
        new OrganisationEraser({
          service: 'risk-service',
          ledger,
          purgers: [new TablePurger('Threats', 'organisation')],
        }),
    ).toThrow();
  });
});
