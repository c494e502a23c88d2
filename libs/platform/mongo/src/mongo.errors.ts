/**
 * Errors raised by the data-access layer. Each carries a stable `code` that the HTTP error
 * filter maps to a status (NOT_FOUND 404, VERSION_CONFLICT 409, DUPLICATE 409, FORBIDDEN 403).
 * Messages never contain field values: they may be sensitive (names, contacts).
 */
export abstract class DataAccessError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The document does not exist, or exists outside the caller's data scope. */
export class NotFoundError extends DataAccessError {
  readonly code = 'NOT_FOUND';
  constructor(readonly entity: string) {
    super(`${entity} not found`);
  }
}

/** A conditional update by expected version matched nothing: someone else changed it first. */
export class VersionConflictError extends DataAccessError {
  readonly code = 'VERSION_CONFLICT';
  constructor(
    readonly entity: string,
    readonly expectedVersion: number,
  ) {
    super(`${entity} was changed concurrently (expected version ${expectedVersion})`);
  }
}

/**
 * A unique index refused the write (MongoDB code 11000, FerretDB code 1 on updates). The
 * server's error is deliberately not kept as `cause`: MongoDB's message quotes the duplicated
 * values, which may be sensitive.
 */
export class DuplicateKeyError extends DataAccessError {
  readonly code = 'DUPLICATE';
  constructor(
    readonly entity: string,
    /** Name of the violated index when the server says it (never the duplicated values). */
    readonly index: string | undefined,
  ) {
    super(`${entity} already exists${index ? ` (unique index ${index})` : ''}`);
  }
}

/** A write would put a document outside the caller's data scope (wrong tenant or unit). */
export class ScopeViolationError extends DataAccessError {
  readonly code = 'FORBIDDEN';
  constructor(
    readonly entity: string,
    readonly field: string,
  ) {
    super(`${entity}: "${field}" does not match the data scope of this request`);
  }
}

/** A programming error: malformed scope, or a scope the repository cannot enforce. */
export class InvalidScopeError extends DataAccessError {
  readonly code = 'INVALID_SCOPE';
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)
    : undefined;
}

const UNIQUE_FAILED = /UNIQUE constraint failed/i;

/**
 * Whether `err` is a unique-index violation: MongoDB (and FerretDB on inserts) answer code
 * 11000 (11001 on old servers, also inside `writeErrors` of bulk writes); FerretDB 1.24
 * answers an update that violates a unique index with code 1 "UNIQUE constraint failed"
 * (docs/adr/0003).
 */
export function isDuplicateKeyError(err: unknown): boolean {
  const e = record(err);
  if (!e) return false;
  const code = e['code'];
  if (code === 11000 || code === 11001) return true;
  if (code === 1 && typeof e['message'] === 'string' && UNIQUE_FAILED.test(e['message'])) {
    return true;
  }
  const writeErrors = e['writeErrors'];
  if (Array.isArray(writeErrors) && writeErrors.some((w) => isDuplicateKeyError(w))) return true;
  const response = record(e['errorResponse']);
  if (response && response !== e && isDuplicateKeyError(response)) return true;
  const cause = e['cause'];
  return cause !== undefined && cause !== err && isDuplicateKeyError(cause);
}

/** The violated index's name as reported by the server (MongoDB or FerretDB), if any. */
export function duplicateKeyIndex(err: unknown): string | undefined {
  const e = record(err);
  const message =
    (typeof e?.['errmsg'] === 'string' ? e['errmsg'] : undefined) ??
    (typeof e?.['message'] === 'string' ? e['message'] : '');
  // MongoDB: "... index: email_1 dup key: { ... }"; FerretDB: "... failed: index 'x_1a2b_email_1'"
  const match = /index:\s*([\w.$-]+)\s+dup key/.exec(message) ?? /index '([^']+)'/.exec(message);
  return match?.[1];
}

/** Maps a duplicate-key error to `DuplicateKeyError`; anything else is returned unchanged. */
export function mapDuplicateKeyError(err: unknown, entity: string): unknown {
  return isDuplicateKeyError(err) ? new DuplicateKeyError(entity, duplicateKeyIndex(err)) : err;
}
