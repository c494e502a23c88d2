import type { Model, QueryFilter, Schema, UpdateQuery } from 'mongoose';
import { mapDuplicateKeyError, NotFoundError, VersionConflictError } from './mongo.errors';

/** The version field of every Trellis document (mongoose's default). */
export const VERSION_KEY = '__v';

/**
 * Schema options for aggregate documents: `save()` checks the version it loaded
 * (`optimisticConcurrency`), and `createdAt`/`updatedAt` are maintained.
 */
export const versionedSchemaOptions = {
  optimisticConcurrency: true,
  versionKey: VERSION_KEY,
  timestamps: true,
} as const;

/**
 * Schema plugin: turns on optimistic concurrency for `save()`. Refuses schemas built with
 * `versionKey: false`, which could not detect concurrent changes.
 */
export function optimisticConcurrency(schema: Schema): void {
  if (!schema.get('versionKey')) {
    throw new Error(
      'optimistic concurrency needs a version key (the schema has versionKey: false)',
    );
  }
  schema.set('optimisticConcurrency', true);
}

/** The version key of a model's schema; throws when the schema has none. */
export function versionKeyOf(model: { schema: Schema; modelName: string }): string {
  const key: unknown = model.schema.get('versionKey');
  if (typeof key !== 'string' || key.length === 0) {
    throw new Error(`model ${model.modelName} has no version key; versioned updates need one`);
  }
  return key;
}

type Doc = Record<string, unknown>;

/**
 * Adds "only if still at `expectedVersion`" to a filter and "bump the version" to an update.
 * The update must be an operator document (`$set`, `$push`, ...), not a pipeline, and must not
 * write the version itself.
 */
export function versionedUpdate(
  filter: Doc,
  update: Doc,
  expectedVersion: number,
  versionKey: string = VERSION_KEY,
): { filter: Doc; update: Doc } {
  if (!Number.isInteger(expectedVersion) || expectedVersion < 0) {
    throw new TypeError(`expected version must be a non-negative integer, got ${expectedVersion}`);
  }
  if (Array.isArray(update) || typeof update !== 'object' || update === null) {
    throw new TypeError('a versioned update must be an update document, not a pipeline');
  }
  const writesVersion = Object.entries(update).some(([k, v]) =>
    k.startsWith('$') ? typeof v === 'object' && v !== null && versionKey in v : k === versionKey,
  );
  if (writesVersion) {
    throw new TypeError(`a versioned update must not write "${versionKey}" itself`);
  }
  const inc = (update['$inc'] as Doc | undefined) ?? {};
  return {
    filter: { ...filter, [versionKey]: expectedVersion },
    update: { ...update, $inc: { ...inc, [versionKey]: 1 } },
  };
}

/**
 * Applies `update` to the one document matching `filter` only if its version is still
 * `expectedVersion`, bumps the version and returns the updated document. Throws
 * `VersionConflictError` when the document exists at another version, `NotFoundError` when it
 * does not exist (under `filter`), `DuplicateKeyError` when a unique index refuses the change.
 */
export async function updateByVersion<T>(
  model: Model<T>,
  filter: QueryFilter<T>,
  expectedVersion: number,
  update: UpdateQuery<T>,
  entity: string = model.modelName,
): Promise<T> {
  const v = versionedUpdate(filter, update, expectedVersion, versionKeyOf(model));
  let updated: T | null;
  try {
    updated = await model
      .findOneAndUpdate(v.filter as QueryFilter<T>, v.update, {
        returnDocument: 'after',
        runValidators: true,
      })
      .lean<T>()
      .exec();
  } catch (err) {
    throw mapDuplicateKeyError(err, entity);
  }
  if (updated) return updated;
  const exists = await model.exists(filter).exec();
  throw exists ? new VersionConflictError(entity, expectedVersion) : new NotFoundError(entity);
}
