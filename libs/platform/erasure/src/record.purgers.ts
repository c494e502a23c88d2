import { PurgedRecordKindSchema } from '@trellis/contracts';
import type { Collection, Document, Filter } from 'mongodb';
import type { Connection } from 'mongoose';
import type { ErasureRequest } from './erasure.ledger';

/** What a purger is told about the organisation being erased. */
export interface ErasureScope extends ErasureRequest {
  /** The organisation's engagements (from the service's resolver; empty without one). */
  engagementIds: readonly string[];
}

/**
 * Removes one kind of record of an organisation. Both methods must be safe to call again (a
 * retried request calls them again on what is left).
 */
export interface RecordPurger {
  /** The record kind reported in `identity.organisation.purged` (kebab-case, e.g. `threats`). */
  readonly kind: string;
  /**
   * How many records this request removes, counted before removing (recorded so that a crash
   * between deleting and reporting loses no count). A purger whose process keeps no ledger
   * must count reproducibly: the same answer before and after {@link remove}.
   */
  count(scope: ErasureScope): Promise<number>;
  /** Removes the records; resolves how many it removed now. */
  remove(scope: ErasureScope): Promise<number>;
}

/**
 * A MongoDB collection: a mongoose model (anything with `db` and `collection`) or a driver
 * collection. Purging goes through the driver: no middleware, no casting.
 */
export type CollectionSource =
  | {
      readonly modelName: string;
      readonly db: Connection;
      readonly collection: { readonly collectionName: string };
    }
  | Collection<Document>;

/**
 * Which documents of a collection belong to the organisation: those whose `organisationField`
 * is the organisation id, those whose `engagementField` is one of its engagements, or any
 * filter built from the scope (`undefined`: none).
 */
export type CollectionMatch =
  | { organisationField: string }
  | { engagementField: string }
  | ((scope: ErasureScope) => Record<string, unknown> | undefined);

/** What {@link collectionPurger} takes. */
export interface CollectionPurgerSpec {
  kind: string;
  model: CollectionSource;
  match: CollectionMatch;
}

function driverCollection(source: CollectionSource, kind: string): Collection<Document> {
  // A collection (driver or mongoose) has a `collectionName`; a model has not (its
  // `collection` has). Mongoose collections also carry a `modelName`, so that cannot tell.
  if ('collectionName' in source) return source;
  const db = source.db.db;
  if (!db) throw new Error(`erasure of ${kind}: the connection is not open`);
  return db.collection(source.collection.collectionName);
}

/** The filter of `match` for `scope`; `undefined` when nothing can match. */
export function matchFilter(
  match: CollectionMatch,
  scope: ErasureScope,
): Filter<Document> | undefined {
  if (typeof match === 'function') return match(scope);
  if ('organisationField' in match) return { [match.organisationField]: scope.organisationId };
  if (scope.engagementIds.length === 0) return undefined;
  return { [match.engagementField]: { $in: [...scope.engagementIds] } };
}

/**
 * A purger deleting the organisation's documents of one collection (`deleteMany`), counted
 * first with `countDocuments` on the same filter.
 */
export function collectionPurger(spec: CollectionPurgerSpec): RecordPurger {
  const kind = PurgedRecordKindSchema.parse(spec.kind);
  return {
    kind,
    async count(scope) {
      const filter = matchFilter(spec.match, scope);
      if (!filter) return 0;
      return driverCollection(spec.model, kind).countDocuments(filter);
    },
    async remove(scope) {
      const filter = matchFilter(spec.match, scope);
      if (!filter) return 0;
      const result = await driverCollection(spec.model, kind).deleteMany(filter);
      return result.deletedCount;
    },
  };
}
