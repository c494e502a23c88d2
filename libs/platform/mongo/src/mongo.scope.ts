import { InvalidScopeError, ScopeViolationError } from './mongo.errors';

/**
 * Whose data a request may touch. Every repository call takes one:
 * - `organisation`: one defender organisation's data (defender users);
 * - `unit`: one Protection Desk's or the TRU's data (protection officers);
 * - `all`: everything (admins, system jobs). A `reason` is mandatory and is reported to the
 *   repository's audit hook.
 */
export type DataScope =
  | { readonly kind: 'organisation'; readonly organisationId: string }
  | { readonly kind: 'unit'; readonly unitId: string }
  | { readonly kind: 'all'; readonly reason: string };

/** Constructors for `DataScope` values. */
export const DataScope = {
  organisation: (organisationId: string): DataScope => ({ kind: 'organisation', organisationId }),
  unit: (unitId: string): DataScope => ({ kind: 'unit', unitId }),
  all: (reason: string): DataScope => ({ kind: 'all', reason }),
} as const;

/** The document fields that carry the scope; a repository may support one or both. */
export interface ScopeFields {
  /** Field holding the organisation id (may be `_id` for the organisations collection). */
  readonly organisation?: string;
  /** Field holding the unit (desk or TRU) id. */
  readonly unit?: string;
}

/** A MongoDB filter document, as plain data. */
export type Filter = Record<string, unknown>;

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

/** Checks a scope's shape at run time (scopes are built from tokens and request data). */
export function assertValidScope(scope: DataScope): void {
  const s = scope as {
    kind?: unknown;
    organisationId?: unknown;
    unitId?: unknown;
    reason?: unknown;
  };
  switch (s.kind) {
    case 'organisation':
      if (!nonEmpty(s.organisationId)) {
        throw new InvalidScopeError('organisation scope without an organisation id');
      }
      return;
    case 'unit':
      if (!nonEmpty(s.unitId)) throw new InvalidScopeError('unit scope without a unit id');
      return;
    case 'all':
      if (!nonEmpty(s.reason)) throw new InvalidScopeError('an "all" scope requires a reason');
      return;
    default:
      throw new InvalidScopeError('unknown data scope');
  }
}

/**
 * The filter that restricts a query to `scope`: `{ [field]: id }`, or `{}` for `all`.
 * Throws `InvalidScopeError` when the scope is malformed or the collection has no field for it.
 */
export function scopeFilter(scope: DataScope, fields: ScopeFields, entity: string): Filter {
  assertValidScope(scope);
  switch (scope.kind) {
    case 'organisation':
      if (!fields.organisation) {
        throw new InvalidScopeError(`${entity} cannot be scoped to an organisation`);
      }
      return { [fields.organisation]: scope.organisationId };
    case 'unit':
      if (!fields.unit) throw new InvalidScopeError(`${entity} cannot be scoped to a unit`);
      return { [fields.unit]: scope.unitId };
    case 'all':
      return {};
  }
}

/** Operators whose argument is not a plain field condition and could run arbitrary code. */
const FORBIDDEN_OPERATORS = ['$where', '$function', '$accumulator'];

function assertNoForbiddenOperators(value: unknown, depth = 0): void {
  if (depth > 32 || typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (const v of value) assertNoForbiddenOperators(v, depth + 1);
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    if (FORBIDDEN_OPERATORS.includes(key)) {
      throw new InvalidScopeError(`the ${key} operator is not allowed in repository filters`);
    }
    assertNoForbiddenOperators(v, depth + 1);
  }
}

/**
 * Merges the scope into a caller's filter so that the result can only match documents inside
 * the scope. Top-level conditions of a filter are ANDed, so the scope condition is simply added;
 * when the caller's filter already names a scope field (or uses `$and`), both are kept under
 * `$and` — a filter that contradicts the scope then matches nothing instead of being rewritten.
 */
export function applyScope(
  scope: DataScope,
  fields: ScopeFields,
  filter: Filter = {},
  entity = 'document',
): Filter {
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
    throw new InvalidScopeError('a repository filter must be a plain object');
  }
  assertNoForbiddenOperators(filter);
  const restriction = scopeFilter(scope, fields, entity);
  const restrictedKeys = Object.keys(restriction);
  if (restrictedKeys.length === 0) return { ...filter };
  const collides = restrictedKeys.some((k) => k in filter) || '$and' in filter;
  if (!collides) return { ...filter, ...restriction };
  if (Object.keys(filter).length === 0) return restriction;
  return { $and: [filter, restriction] };
}

/**
 * Checks that a new document carries the scope's id in its scope field (an organisation-scoped
 * caller may only create documents of that organisation, a unit-scoped one only of that unit).
 */
export function assertDocumentInScope(
  scope: DataScope,
  fields: ScopeFields,
  doc: Record<string, unknown>,
  entity = 'document',
): void {
  const restriction = scopeFilter(scope, fields, entity);
  for (const [field, expected] of Object.entries(restriction)) {
    if (doc[field] !== expected) throw new ScopeViolationError(entity, field);
  }
}

const FIELD_WRITING_OPERATORS = ['$set', '$setOnInsert', '$unset', '$rename', '$inc', '$mul'];

/**
 * Refuses an update that would move a document out of the caller's scope: the field that holds
 * the scope's own id may not be written (by `all` scopes it may, e.g. to re-route explicitly).
 */
export function assertUpdateKeepsScope(
  scope: DataScope,
  fields: ScopeFields,
  update: Record<string, unknown>,
  entity = 'document',
): void {
  const restriction = scopeFilter(scope, fields, entity);
  for (const [field, value] of Object.entries(restriction)) {
    const touched = (doc: unknown): string[] =>
      typeof doc === 'object' && doc !== null
        ? Object.keys(doc).filter((k) => k === field || k.startsWith(`${field}.`))
        : [];
    // Writing the same id again is harmless (e.g. a full `$set` of an edited document).
    const sameValue = (doc: unknown, key: string): boolean =>
      key === field && (doc as Record<string, unknown>)[key] === value;
    const direct = Object.keys(update).filter(
      (k) => !k.startsWith('$') && touched({ [k]: 1 }).length,
    );
    const bad =
      direct.some((k) => !sameValue(update, k)) ||
      FIELD_WRITING_OPERATORS.some((op) =>
        touched(update[op]).some(
          (k) => !((op === '$set' || op === '$setOnInsert') && sameValue(update[op], k)),
        ),
      ) ||
      Object.values((update['$rename'] as Record<string, unknown>) ?? {}).includes(field);
    if (bad) throw new ScopeViolationError(entity, field);
  }
}
