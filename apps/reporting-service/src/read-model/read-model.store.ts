import {
  FACT_COLLECTIONS,
  type EngagementFacts,
  type FactWrite,
  type OrganisationFacts,
  type PurgeCounts,
  type ReadModelStore,
  recordKey,
} from '@trellis/reporting-domain';
import type { Collection, Db, Document } from 'mongodb';

/** Collection of the tombstones of erased organisations (kept by a rebuild). */
export const TOMBSTONES_COLLECTION = 'erased_organisations';

/** A tombstone: `_id` = `tombstoneOf(organisationId)`; the purges made per erasure request. */
export interface TombstoneDocument {
  _id: string;
  erasedAt: string;
  purges?: Record<string, PurgeCounts & { purgedAt: string }>;
}

/** Told about every change the store makes (the in-process report snapshot follows them). */
export interface FactsObserver {
  applied(writes: readonly FactWrite[]): void;
  purged(organisation: string): void;
}

/**
 * The bucket of an organisation pseudonym (`org_` + hex): its facts, and those of its
 * engagements, live in the collections of that bucket.
 */
export function bucketOf(organisation: string, buckets: number): number {
  if (buckets <= 1) return 0;
  const hex = /^org_([0-9a-f]{8})/.exec(organisation)?.[1];
  if (!hex) throw new Error('facts must be keyed by an organisation pseudonym');
  return Number.parseInt(hex, 16) % buckets;
}

/** The collection of a facts kind in a bucket (`engagement_facts_007`; no suffix with one bucket). */
export function factCollectionName(
  kind: keyof typeof FACT_COLLECTIONS,
  bucket: number,
  buckets: number,
): string {
  const base = FACT_COLLECTIONS[kind];
  return buckets <= 1 ? base : `${base}_${String(bucket).padStart(3, '0')}`;
}

/** The collection a write goes to (engagement facts are bucketed by their organisation). */
export function collectionOfWrite(write: FactWrite, buckets: number): string {
  const organisation =
    write.collection === 'engagements' ? String(write.set?.['organisation']) : write.id;
  return factCollectionName(write.collection, bucketOf(organisation, buckets), buckets);
}

/**
 * The read models in MongoDB (FerretDB locally): engagement and organisation facts updated by
 * upserts with `$set` / `$min` / `$max` only (order-independent, idempotent), and the
 * tombstones of erased organisations.
 *
 * **Buckets.** FerretDB 1.24 (SQLite) takes time proportional to the size of the collection
 * for every update or delete, even by `_id` (measured: ~500 updates/s on 300 documents,
 * ~40/s on 5,000), while inserts and reads by `_id` stay fast. The facts are therefore spread
 * over `buckets` collections per kind by organisation pseudonym (64 by default), which keeps
 * each collection small; an organisation's facts are all in one bucket, so an erasure touches
 * one collection. On MongoDB set one bucket (`READ_MODEL_BUCKETS=1`).
 *
 * Tombstones are cached: this process sees its own erasures at once, those of other replicas
 * within `tombstoneRefreshMs` (and `erasure-completed` purges again as a catch-up).
 */
export class MongoReadModelStore implements ReadModelStore {
  private readonly tombstones: Collection<TombstoneDocument>;
  private erased = new Set<string>();
  private erasedLoadedAt = Number.NEGATIVE_INFINITY;
  private readonly observers: FactsObserver[] = [];

  constructor(
    readonly db: Db,
    readonly buckets = 64,
    private readonly tombstoneRefreshMs = 5_000,
  ) {
    if (!Number.isInteger(buckets) || buckets < 1 || buckets > 1000) {
      throw new RangeError('buckets must be a whole number from 1 to 1000');
    }
    this.tombstones = db.collection<TombstoneDocument>(TOMBSTONES_COLLECTION);
  }

  /** Calls `observer` after every stored change. */
  observe(observer: FactsObserver): void {
    this.observers.push(observer);
  }

  /** How many organisations were erased (a cheap check for new erasures). */
  tombstoneCount(): Promise<number> {
    return this.tombstones.countDocuments({});
  }

  /** With one bucket (MongoDB), indexes the field the erasure purges by. */
  async ensureIndexes(): Promise<void> {
    if (this.buckets === 1) {
      await this.db.collection(FACT_COLLECTIONS.engagements).createIndex({ organisation: 1 });
    }
  }

  async isErased(tombstone: string): Promise<boolean> {
    if (this.erased.has(tombstone)) return true;
    if (Date.now() - this.erasedLoadedAt >= this.tombstoneRefreshMs) {
      const ids = await this.tombstones.find({}, { projection: { _id: 1 } }).toArray();
      this.erased = new Set(ids.map((t) => t._id));
      this.erasedLoadedAt = Date.now();
    }
    return this.erased.has(tombstone);
  }

  async markErased(tombstone: string, at: string): Promise<void> {
    await this.tombstones.updateOne(
      { _id: tombstone },
      { $min: { erasedAt: at } },
      { upsert: true },
    );
    this.erased.add(tombstone);
  }

  async apply(writes: readonly FactWrite[]): Promise<void> {
    for (const write of writes) {
      const update: Record<string, Record<string, unknown>> = {};
      if (write.set && Object.keys(write.set).length > 0) update['$set'] = write.set;
      if (write.min && Object.keys(write.min).length > 0) update['$min'] = write.min;
      if (write.max && Object.keys(write.max).length > 0) update['$max'] = write.max;
      await this.db
        .collection<Document & { _id: string }>(collectionOfWrite(write, this.buckets))
        .updateOne({ _id: write.id }, update, { upsert: true });
    }
    for (const observer of this.observers) observer.applied(writes);
  }

  async purge(organisation: string): Promise<PurgeCounts> {
    const bucket = bucketOf(organisation, this.buckets);
    const engagements = await this.db
      .collection(factCollectionName('engagements', bucket, this.buckets))
      .deleteMany({ organisation });
    const organisations = await this.db
      .collection<{ _id: string }>(factCollectionName('organisations', bucket, this.buckets))
      .deleteOne({ _id: organisation });
    for (const observer of this.observers) observer.purged(organisation);
    return {
      engagementFacts: engagements.deletedCount,
      organisationFacts: organisations.deletedCount,
    };
  }

  async recordPurge(
    tombstone: string,
    erasureRequestId: string,
    counts: PurgeCounts,
  ): Promise<PurgeCounts> {
    const record = await this.purgeRecord(tombstone, erasureRequestId, counts);
    return { engagementFacts: record.engagementFacts, organisationFacts: record.organisationFacts };
  }

  /**
   * Records a purge of an erasure request and returns the first one recorded (a retried
   * request purges nothing more; the counts only grow with `$max`, the time only shrinks with
   * `$min`), so the purged report is the same event every time.
   */
  async purgeRecord(
    tombstone: string,
    erasureRequestId: string,
    counts: PurgeCounts,
    now = new Date().toISOString(),
  ): Promise<PurgeCounts & { purgedAt: string }> {
    const path = `purges.${recordKey(erasureRequestId)}`;
    await this.tombstones.updateOne(
      { _id: tombstone },
      {
        $max: {
          [`${path}.engagementFacts`]: counts.engagementFacts,
          [`${path}.organisationFacts`]: counts.organisationFacts,
        },
        $min: { [`${path}.purgedAt`]: now },
      },
      { upsert: true },
    );
    const doc = await this.tombstones.findOne({ _id: tombstone });
    const record = doc?.purges?.[recordKey(erasureRequestId)];
    if (!record) throw new Error('the purge record was not stored');
    return record;
  }

  /** Every facts document, for the reports (full reads of every bucket, a few at a time). */
  async loadAll(): Promise<{ engagements: EngagementFacts[]; organisations: OrganisationFacts[] }> {
    const engagements: EngagementFacts[] = [];
    const organisations: OrganisationFacts[] = [];
    const buckets = Array.from({ length: this.buckets }, (_, i) => i);
    for (let i = 0; i < buckets.length; i += 8) {
      await Promise.all(
        buckets.slice(i, i + 8).map(async (bucket) => {
          const [e, o] = await Promise.all([
            this.db
              .collection<EngagementFacts>(factCollectionName('engagements', bucket, this.buckets))
              .find({})
              .toArray(),
            this.db
              .collection<OrganisationFacts>(
                factCollectionName('organisations', bucket, this.buckets),
              )
              .find({})
              .toArray(),
          ]);
          engagements.push(...e);
          organisations.push(...o);
        }),
      );
    }
    return { engagements, organisations };
  }

  /** Drops every facts collection, whatever the bucket count was (not the tombstones). */
  async dropFacts(): Promise<void> {
    const bases = Object.values(FACT_COLLECTIONS);
    const names = (await this.db.listCollections({}, { nameOnly: true }).toArray()).map(
      (c) => c.name,
    );
    for (const name of names) {
      if (bases.some((base) => name === base || new RegExp(`^${base}_\\d{3}$`).test(name))) {
        await this.db.dropCollection(name);
      }
    }
    await this.ensureIndexes();
  }
}
