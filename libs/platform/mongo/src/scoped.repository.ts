import {
  Error as MongooseError,
  Types,
  type Model,
  type QueryFilter,
  type UpdateQuery,
} from 'mongoose';
import { updateByVersion, versionKeyOf } from './mongo.concurrency';
import { InvalidScopeError, mapDuplicateKeyError, NotFoundError } from './mongo.errors';
import {
  applyScope,
  assertDocumentInScope,
  assertUpdateKeepsScope,
  assertValidScope,
  type DataScope,
  type Filter,
  type ScopeFields,
} from './mongo.scope';

/** Whether `id` is a value an `_id` can be, rather than a query operator object. */
function isPlainId(id: unknown): boolean {
  return (
    (typeof id === 'string' && id.length > 0) ||
    (typeof id === 'number' && Number.isFinite(id)) ||
    id instanceof Types.ObjectId
  );
}

/** What the audit hook learns about an access with an `all` scope (never document data). */
export interface UnscopedAccess {
  entity: string;
  operation: 'find' | 'findOne' | 'count' | 'insert' | 'update' | 'deleteMany';
  reason: string;
}

export interface ScopedRepositoryOptions {
  /** Name used in errors (default: the model name). */
  entity?: string;
  /** Called for every access with an `all` scope, e.g. to write an audit record. */
  onUnscopedAccess?: (access: UnscopedAccess) => void;
}

/** Sorting, paging for `find`. */
export interface FindOptions {
  sort?: Record<string, 1 | -1>;
  skip?: number;
  limit?: number;
}

/**
 * Data access that cannot forget the tenant: every method takes a `DataScope` first and merges
 * it into the filter, so an organisation-scoped caller only ever reads and writes that
 * organisation's documents and a unit-scoped caller that unit's. The model is private: there is
 * no public way to query without a scope. Subclasses add domain-specific methods on top of
 * these (they too get no model).
 *
 * Results are plain objects (`lean`). Updates are conditional on the expected version.
 */
export class ScopedRepository<TDoc extends object> {
  readonly entity: string;
  private readonly versionKey: string;

  constructor(
    private readonly model: Model<TDoc>,
    private readonly fields: ScopeFields,
    private readonly options: ScopedRepositoryOptions = {},
  ) {
    this.entity = options.entity ?? model.modelName;
    this.versionKey = versionKeyOf(model);
    if (!fields.organisation && !fields.unit) {
      throw new InvalidScopeError(`${this.entity}: a scoped repository needs a scope field`);
    }
    for (const field of [fields.organisation, fields.unit]) {
      // A field unknown to the schema could be stripped from filters by strictQuery, which
      // would silently widen every query: refuse such a configuration up front.
      if (field && !model.schema.path(field)) {
        throw new InvalidScopeError(`${this.entity}: scope field "${field}" is not in the schema`);
      }
    }
  }

  /** Documents in scope matching `filter`. */
  async find(scope: DataScope, filter: Filter = {}, options: FindOptions = {}): Promise<TDoc[]> {
    const query = this.model.find(this.scoped(scope, filter, 'find'));
    if (options.sort) query.sort(options.sort);
    if (options.skip !== undefined) query.skip(options.skip);
    if (options.limit !== undefined) query.limit(options.limit);
    return this.castSafe(query.lean<TDoc[]>().exec(), []);
  }

  /** The first document in scope matching `filter`, or `null`. */
  async findOne(scope: DataScope, filter: Filter): Promise<TDoc | null> {
    const query = this.model.findOne(this.scoped(scope, filter, 'findOne'));
    return this.castSafe(query.lean<TDoc>().exec(), null);
  }

  /**
   * The document with this id if it is in scope, or `null`. Only a plain id (string, number,
   * ObjectId) is accepted: an object such as `{ $gt: '' }` from untrusted input matches nothing.
   */
  async findById(scope: DataScope, id: unknown): Promise<TDoc | null> {
    if (!isPlainId(id)) {
      this.check(scope, 'findOne');
      return null;
    }
    return this.findOne(scope, { _id: id });
  }

  /** The document with this id if it is in scope; `NotFoundError` otherwise. */
  async getById(scope: DataScope, id: unknown): Promise<TDoc> {
    const doc = await this.findById(scope, id);
    if (!doc) throw new NotFoundError(this.entity);
    return doc;
  }

  /** How many documents in scope match `filter`. */
  async count(scope: DataScope, filter: Filter = {}): Promise<number> {
    const query = this.model.countDocuments(this.scoped(scope, filter, 'count'));
    return this.castSafe(query.exec(), 0);
  }

  /**
   * Inserts a document whose scope fields match `scope` (`ScopeViolationError` otherwise);
   * unique-index violations become `DuplicateKeyError`. Returns the stored document.
   */
  async insert(scope: DataScope, doc: Partial<TDoc>): Promise<TDoc> {
    this.check(scope, 'insert');
    assertDocumentInScope(scope, this.fields, doc, this.entity);
    try {
      const created = await this.model.create(doc);
      return created.toObject();
    } catch (err) {
      throw mapDuplicateKeyError(err, this.entity);
    }
  }

  /**
   * Updates the one document in scope matching `filter` if it is still at `expectedVersion`,
   * bumping the version; returns the updated document. `VersionConflictError` when it changed
   * meanwhile, `NotFoundError` when it is not in scope, `DuplicateKeyError` on a unique index,
   * `ScopeViolationError` when the update would move it out of the scope.
   */
  async updateOne(
    scope: DataScope,
    filter: Filter,
    expectedVersion: number,
    update: UpdateQuery<TDoc>,
  ): Promise<TDoc> {
    assertUpdateKeepsScope(scope, this.fields, update, this.entity);
    const scoped = this.scoped(scope, filter, 'update');
    try {
      return await updateByVersion(this.model, scoped, expectedVersion, update, this.entity);
    } catch (err) {
      if (err instanceof MongooseError.CastError) throw new NotFoundError(this.entity);
      throw err;
    }
  }

  /** `updateOne` by id (a plain id only, as for `findById`). */
  async updateById(
    scope: DataScope,
    id: unknown,
    expectedVersion: number,
    update: UpdateQuery<TDoc>,
  ): Promise<TDoc> {
    if (!isPlainId(id)) {
      this.check(scope, 'update');
      throw new NotFoundError(this.entity);
    }
    return this.updateOne(scope, { _id: id }, expectedVersion, update);
  }

  /** Deletes every document in scope matching `filter` (erasure); returns how many. */
  async deleteMany(scope: DataScope, filter: Filter): Promise<number> {
    const res = await this.model.deleteMany(this.scoped(scope, filter, 'deleteMany')).exec();
    return res.deletedCount;
  }

  /** The version field of this repository's documents. */
  get versionField(): string {
    return this.versionKey;
  }

  private check(scope: DataScope, operation: UnscopedAccess['operation']): void {
    assertValidScope(scope);
    if (scope.kind === 'all') {
      this.options.onUnscopedAccess?.({ entity: this.entity, operation, reason: scope.reason });
    }
  }

  private scoped(
    scope: DataScope,
    filter: Filter,
    operation: UnscopedAccess['operation'],
  ): QueryFilter<TDoc> {
    this.check(scope, operation);
    return applyScope(scope, this.fields, filter, this.entity);
  }

  /** A filter value that cannot be cast (e.g. a malformed ObjectId) matches nothing. */
  private async castSafe<R>(result: Promise<R>, empty: R): Promise<R> {
    try {
      return await result;
    } catch (err) {
      if (err instanceof MongooseError.CastError) return empty;
      throw err;
    }
  }
}
