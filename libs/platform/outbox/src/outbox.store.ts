import type { Collection, Document, Filter } from 'mongodb';
import type { Connection } from 'mongoose';
import {
  OUTBOX_FIELD,
  OUTBOX_LEASE_FIELD,
  type OutboxLease,
  type PendingEvent,
} from './outbox.schema';

/**
 * Where a relay finds outboxes: a mongoose model (anything with `db` and `collection`) or a
 * driver collection. The relay uses the driver collection directly, so its writes neither
 * bump the document's version nor touch `updatedAt`.
 */
export type OutboxSource =
  | {
      readonly modelName: string;
      readonly db: Connection;
      readonly collection: { readonly collectionName: string };
    }
  | Collection<Document>;

/**
 * The persistence steps of the relay loop, one collection each. Every write is a
 * single-document update; none needs a transaction.
 */
export interface OutboxStore {
  /** Collection name, for logs. */
  readonly name: string;
  /** Ids of documents with pending events whose lease is free or expired at `now`. */
  candidates(now: Date, limit: number): Promise<unknown[]>;
  /**
   * Atomically takes the lease if the outbox is not empty and the lease is free at `now`, and
   * returns the document's pending events, oldest first (one write); null when not taken.
   */
  claim(id: unknown, lease: OutboxLease, now: Date): Promise<PendingEvent[] | null>;
  /** Moves the lease's expiry if the claim `token` still holds it; false when it was lost. */
  extend(id: unknown, token: string, until: Date): Promise<boolean>;
  /**
   * Removes the published events, which are the head of the outbox (events are only ever
   * appended), in order; stops at the first one no longer at the head. Returns how many. With
   * `releaseToken`, the step removing the last of them also frees the lease if that claim still
   * holds it (one write instead of two for the usual one-event outbox).
   */
  clear(id: unknown, eventIds: readonly string[], releaseToken?: string): Promise<number>;
  /** Frees the lease if the claim `token` still holds it. */
  release(id: unknown, token: string): Promise<boolean>;
  /** When the oldest event still waiting in this collection was enqueued, if any. */
  oldestPending(): Promise<Date | null>;
}

/** A filter on the document id (ids are whatever the collection uses: ObjectId, string, ...). */
function byId(id: unknown, more: Document = {}): Filter<Document> {
  return { _id: id, ...more } as Filter<Document>;
}

const HAS_PENDING = { [`${OUTBOX_FIELD}.0`]: { $exists: true } };

function leaseFree(now: Date): Document {
  return {
    $or: [{ [OUTBOX_LEASE_FIELD]: null }, { [`${OUTBOX_LEASE_FIELD}.until`]: { $lte: now } }],
  };
}

/**
 * `OutboxStore` on FerretDB 1.24 / MongoDB.
 *
 * Clearing uses one conditional `$pop` per event — `updateOne({_id, 'outbox.0.id': id},
 * {$pop: {outbox: -1}})` — rather than `$pull: {outbox: {id: {$in: ids}}}`: FerretDB 1.24
 * accepts that `$pull` but silently removes nothing (it only pulls exact element matches).
 * The condition on the head's id makes each step safe to repeat and safe against a concurrent
 * relay that cleared the same events first.
 */
export class MongoOutboxStore implements OutboxStore {
  constructor(private readonly source: OutboxSource) {}

  get name(): string {
    return 'modelName' in this.source
      ? this.source.collection.collectionName
      : this.source.collectionName;
  }

  private get collection(): Collection<Document> {
    if ('modelName' in this.source) {
      const db = this.source.db.db;
      if (!db) throw new Error(`outbox source ${this.name}: the connection is not open`);
      return db.collection(this.source.collection.collectionName);
    }
    return this.source;
  }

  async candidates(now: Date, limit: number): Promise<unknown[]> {
    const docs = await this.collection
      .find({ ...HAS_PENDING, ...leaseFree(now) }, { projection: { _id: 1 }, limit })
      .toArray();
    return docs.map((d) => d._id as unknown);
  }

  async claim(id: unknown, lease: OutboxLease, now: Date): Promise<PendingEvent[] | null> {
    const doc = await this.collection.findOneAndUpdate(
      byId(id, { ...HAS_PENDING, ...leaseFree(now) }),
      { $set: { [OUTBOX_LEASE_FIELD]: lease } },
      // The whole document: FerretDB 1.24's findAndModify does not implement `fields`.
      { returnDocument: 'after' },
    );
    if (!doc) return null;
    const outbox: unknown = doc[OUTBOX_FIELD];
    return Array.isArray(outbox) ? (outbox as PendingEvent[]) : [];
  }

  async extend(id: unknown, token: string, until: Date): Promise<boolean> {
    const res = await this.collection.updateOne(
      byId(id, { [`${OUTBOX_LEASE_FIELD}.token`]: token }),
      { $set: { [`${OUTBOX_LEASE_FIELD}.until`]: until } },
    );
    return res.matchedCount === 1;
  }

  async clear(id: unknown, eventIds: readonly string[], releaseToken?: string): Promise<number> {
    let removed = 0;
    for (const [i, eventId] of eventIds.entries()) {
      const head = byId(id, { [`${OUTBOX_FIELD}.0.id`]: eventId });
      const pop = { $pop: { [OUTBOX_FIELD]: -1 } } as const;
      let matched = 0;
      if (releaseToken !== undefined && i === eventIds.length - 1) {
        // The last one: pop and free the lease together while the claim still holds it.
        const res = await this.collection.updateOne(
          { ...head, [`${OUTBOX_LEASE_FIELD}.token`]: releaseToken },
          { ...pop, $set: { [OUTBOX_LEASE_FIELD]: null } },
        );
        matched = res.matchedCount;
      }
      if (matched !== 1) matched = (await this.collection.updateOne(head, pop)).matchedCount;
      if (matched !== 1) break;
      removed += 1;
    }
    return removed;
  }

  async release(id: unknown, token: string): Promise<boolean> {
    const res = await this.collection.updateOne(
      byId(id, { [`${OUTBOX_LEASE_FIELD}.token`]: token }),
      { $set: { [OUTBOX_LEASE_FIELD]: null } },
    );
    return res.matchedCount === 1;
  }

  async oldestPending(): Promise<Date | null> {
    const docs = await this.collection
      .find(HAS_PENDING, { projection: { [`${OUTBOX_FIELD}.enqueuedAt`]: 1 } })
      .toArray();
    let oldest: number | null = null;
    for (const doc of docs) {
      for (const e of (doc[OUTBOX_FIELD] as { enqueuedAt?: unknown }[] | undefined) ?? []) {
        const t = e.enqueuedAt instanceof Date ? e.enqueuedAt.getTime() : Number.NaN;
        if (!Number.isNaN(t) && (oldest === null || t < oldest)) oldest = t;
      }
    }
    return oldest === null ? null : new Date(oldest);
  }
}
