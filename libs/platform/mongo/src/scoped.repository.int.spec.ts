import { randomUUID } from 'node:crypto';
import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { testMongoose } from '@trellis/testing';
import { optimisticConcurrency, versionedSchemaOptions } from './mongo.concurrency';
import {
  DuplicateKeyError,
  NotFoundError,
  ScopeViolationError,
  VersionConflictError,
} from './mongo.errors';
import { DataScope } from './mongo.scope';
import { ScopedRepository, type UnscopedAccess } from './scoped.repository';

interface Engagement {
  _id: string;
  organisationId: string;
  unitId: string;
  reference: string;
  phase: string;
  notes?: string[];
  __v?: number;
}

function engagementSchema(): Schema<Engagement> {
  const schema = new Schema<Engagement>(
    {
      _id: { type: String, default: () => randomUUID() },
      organisationId: { type: String, required: true },
      unitId: { type: String, required: true },
      reference: { type: String, required: true },
      phase: { type: String, required: true },
      notes: { type: [String], default: [] },
    },
    versionedSchemaOptions,
  );
  schema.index({ reference: 1 }, { unique: true });
  schema.plugin(optimisticConcurrency);
  return schema;
}

const all = DataScope.all('integration test');

describe('ScopedRepository on the real server (FerretDB or MongoDB)', () => {
  let db: Awaited<ReturnType<typeof testMongoose>>;
  let Engagements: Model<Engagement>;
  let repo: ScopedRepository<Engagement>;
  const audited: UnscopedAccess[] = [];

  beforeAll(async () => {
    db = await testMongoose('scoped_repo');
    Engagements = db.connection.model<Engagement>('Engagement', engagementSchema());
    await Engagements.syncIndexes();
    repo = new ScopedRepository(
      Engagements,
      { organisation: 'organisationId', unit: 'unitId' },
      { onUnscopedAccess: (a) => audited.push(a) },
    );
    // Two organisations, each with engagements on two desks.
    for (const [organisationId, unitId, reference] of [
      ['org-1', 'desk-a', 'E-1'],
      ['org-1', 'desk-b', 'E-2'],
      ['org-2', 'desk-a', 'E-3'],
      ['org-2', 'desk-b', 'E-4'],
      ['org-2', 'desk-b', 'E-5'],
    ]) {
      await repo.insert(all, { organisationId, unitId, reference, phase: 'agreement' });
    }
  });

  afterAll(async () => {
    await db.dispose();
  });

  const refs = (docs: Engagement[]): string[] => docs.map((d) => d.reference).sort();

  it("a unit-scoped query never sees another unit's documents", async () => {
    const deskA = DataScope.unit('desk-a');
    expect(refs(await repo.find(deskA))).toEqual(['E-1', 'E-3']);
    expect(await repo.count(deskA)).toBe(2);
    expect(refs(await repo.find(deskA, { phase: 'agreement' }))).toEqual(['E-1', 'E-3']);

    const other = await repo.findOne(all, { reference: 'E-2' });
    expect(other?.unitId).toBe('desk-b');
    expect(await repo.findById(deskA, other!._id)).toBeNull();
    await expect(repo.getById(deskA, other!._id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await repo.findOne(deskA, { reference: 'E-2' })).toBeNull();

    // Filters that contradict or try to widen the scope return nothing outside it.
    expect(await repo.find(deskA, { unitId: 'desk-b' })).toEqual([]);
    expect(refs(await repo.find(deskA, { unitId: { $in: ['desk-a', 'desk-b'] } }))).toEqual([
      'E-1',
      'E-3',
    ]);
    expect(
      refs(await repo.find(deskA, { $or: [{ unitId: 'desk-b' }, { reference: 'E-4' }] })),
    ).toEqual([]);
    expect(await repo.find(deskA, { $and: [{ unitId: 'desk-b' }] })).toEqual([]);
    expect(await repo.count(deskA, { unitId: 'desk-b' })).toBe(0);
  });

  it("an organisation-scoped query never sees another organisation's documents", async () => {
    const org1 = DataScope.organisation('org-1');
    expect(refs(await repo.find(org1))).toEqual(['E-1', 'E-2']);
    expect(refs(await repo.find(org1, {}, { sort: { reference: -1 }, limit: 1 }))).toEqual(['E-2']);
    expect(await repo.find(org1, { organisationId: 'org-2' })).toEqual([]);
    expect(await repo.find(org1, { reference: { $in: ['E-3', 'E-4', 'E-5'] } })).toEqual([]);
    expect(await repo.count(DataScope.organisation('org-2'))).toBe(3);
    expect(await repo.findOne(org1, { $nor: [{ organisationId: 'org-1' }] })).toBeNull();
    // An operator object in place of an id (untrusted input) matches nothing.
    expect(await repo.findById(org1, { $gt: '' })).toBeNull();
    expect(await repo.findById(DataScope.organisation('org-2'), { $ne: null })).toBeNull();
    await expect(
      repo.updateById(org1, { $gt: '' }, 0, { $set: { phase: 'x' } }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it("refuses to insert a document outside the caller's scope, and stores nothing", async () => {
    await expect(
      repo.insert(DataScope.organisation('org-1'), {
        organisationId: 'org-2',
        unitId: 'desk-a',
        reference: 'E-X',
        phase: 'agreement',
      }),
    ).rejects.toBeInstanceOf(ScopeViolationError);
    await expect(
      repo.insert(DataScope.unit('desk-a'), {
        organisationId: 'org-1',
        unitId: 'desk-b',
        reference: 'E-Y',
        phase: 'agreement',
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN', field: 'unitId' });
    expect(await repo.count(all, { reference: { $in: ['E-X', 'E-Y'] } })).toBe(0);

    const created = await repo.insert(DataScope.unit('desk-a'), {
      organisationId: 'org-3',
      unitId: 'desk-a',
      reference: 'E-6',
      phase: 'agreement',
    });
    expect(created).toMatchObject({ reference: 'E-6', __v: 0 });
  });

  it('updates only in scope, by expected version, and never moves a document out of scope', async () => {
    const e1 = (await repo.findOne(all, { reference: 'E-1' }))!;
    const org1 = DataScope.organisation('org-1');
    const updated = await repo.updateById(org1, e1._id, e1.__v!, {
      $set: { phase: 'training' },
    });
    expect(updated).toMatchObject({ phase: 'training', __v: e1.__v! + 1 });

    await expect(
      repo.updateById(DataScope.organisation('org-2'), e1._id, updated.__v!, {
        $set: { phase: 'x' },
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      repo.updateById(org1, e1._id, updated.__v!, { $set: { organisationId: 'org-2' } }),
    ).rejects.toBeInstanceOf(ScopeViolationError);
    await expect(
      repo.updateById(org1, 'no-such-id', 0, { $set: { phase: 'x' } }),
    ).rejects.toBeInstanceOf(NotFoundError);
    // An explicit re-routing by an admin ("all") may change the unit.
    const rerouted = await repo.updateById(all, e1._id, updated.__v!, {
      $set: { unitId: 'desk-c' },
    });
    expect(rerouted.unitId).toBe('desk-c');
    expect((await repo.findById(org1, e1._id))?.phase).toBe('training');
  });

  it('detects a stale update: of two updates at the same version exactly one wins', async () => {
    const e2 = (await repo.findOne(all, { reference: 'E-2' }))!;
    const scope = DataScope.unit('desk-b');
    await repo.updateById(scope, e2._id, e2.__v!, { $push: { notes: 'first' } });
    await expect(
      repo.updateById(scope, e2._id, e2.__v!, { $push: { notes: 'second' } }),
    ).rejects.toBeInstanceOf(VersionConflictError);
    const now = await repo.getById(scope, e2._id);
    expect(now.notes).toEqual(['first']);
    expect(now.__v).toBe(e2.__v! + 1);
  });

  it('lets exactly one of many concurrent stale updates through, across two connections', async () => {
    const second: Connection = await mongoose
      .createConnection(db.url, { serverSelectionTimeoutMS: 10_000 })
      .asPromise();
    try {
      const repo2 = new ScopedRepository(
        second.model<Engagement>('Engagement', engagementSchema()),
        { organisation: 'organisationId', unit: 'unitId' },
      );
      const e4 = (await repo.findOne(all, { reference: 'E-4' }))!;
      const scope = DataScope.organisation('org-2');
      const attempts = Array.from({ length: 12 }, (_, i) =>
        (i % 2 === 0 ? repo : repo2).updateById(scope, e4._id, e4.__v!, {
          $push: { notes: `writer-${i}` },
        }),
      );
      const results = await Promise.allSettled(attempts);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(11);
      for (const r of lost) {
        expect(r.reason).toBeInstanceOf(VersionConflictError);
      }
      const now = await repo2.getById(scope, e4._id);
      expect(now.notes).toHaveLength(1);
      expect(now.__v).toBe(e4.__v! + 1);
    } finally {
      await second.close();
    }
  });

  it('maps unique-index violations to DuplicateKeyError on insert and on update', async () => {
    const scope = DataScope.organisation('org-2');
    await expect(
      repo.insert(scope, {
        organisationId: 'org-2',
        unitId: 'desk-a',
        reference: 'E-3',
        phase: 'agreement',
      }),
    ).rejects.toMatchObject({ code: 'DUPLICATE', entity: 'Engagement' });

    const e5 = (await repo.findOne(scope, { reference: 'E-5' }))!;
    const err: unknown = await repo
      .updateById(scope, e5._id, e5.__v!, { $set: { reference: 'E-3' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DuplicateKeyError);
    expect((await repo.getById(scope, e5._id)).reference).toBe('E-5');
  });

  it('deletes (erasure) only inside the scope', async () => {
    expect(await repo.deleteMany(DataScope.organisation('org-1'), { unitId: 'desk-a' })).toBe(0);
    expect(await repo.deleteMany(DataScope.organisation('org-2'), {})).toBe(3);
    expect(await repo.count(all, { organisationId: 'org-2' })).toBe(0);
    expect(await repo.count(all, { organisationId: 'org-1' })).toBe(2);
  });

  it('reports every "all"-scoped access with its reason to the audit hook', () => {
    expect(audited.length).toBeGreaterThan(0);
    expect(audited).toContainEqual({
      entity: 'Engagement',
      operation: 'insert',
      reason: 'integration test',
    });
    expect(new Set(audited.map((a) => a.reason))).toEqual(new Set(['integration test']));
  });

  it('refuses to be built on a scope field the schema does not know', () => {
    expect(() => new ScopedRepository(Engagements, { organisation: 'orgId' })).toThrow(
      /scope field "orgId" is not in the schema/,
    );
  });
});
