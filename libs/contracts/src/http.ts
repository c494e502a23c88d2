import { z } from 'zod';
import { CorrelationIdSchema } from './envelope';
import { PhaseChangeReasonSchema, PhaseSchema } from './domain-values';

/*
 * HTTP contracts shared by every service, the gateway and the web UI: the error body, the
 * stable error codes with their statuses, pagination, and the internal endpoints the
 * orchestrator calls.
 */

/** Header carrying the correlation id on HTTP requests and responses (and Kafka messages). */
export const CORRELATION_ID_HEADER = 'x-correlation-id';

/**
 * Stable error codes and the HTTP status each is answered with. Clients switch on `code`,
 * never on the message. Add codes; never change or reuse one.
 */
export const ERROR_CODES = {
  /** The body, query or path failed validation; `fields` lists each failing field. */
  VALIDATION_FAILED: 400,
  /** The body is not valid JSON. */
  MALFORMED_JSON: 400,
  /** An ISO-8601 duration could not be parsed. */
  INVALID_DURATION: 400,
  /** A duration is below the configured minimum (lowered for demos and tests). */
  DURATION_TOO_SHORT: 400,
  /** A country code is not an assigned ISO 3166-1 alpha-2 code. */
  UNKNOWN_COUNTRY: 400,
  /** A catalogue reference names no catalogue item (or one of the wrong kind). */
  UNKNOWN_CATALOGUE_ITEM: 400,
  /** A date or instant that must lie in the future does not (e.g. scheduling a session in the past). */
  DATE_IN_THE_PAST: 400,
  /** Attendance or scores for a participant the session does not have. */
  UNKNOWN_PARTICIPANT: 400,
  /** A cascade's generation does not follow from its trainers / parent cascade. */
  INVALID_CASCADE_GENERATION: 400,
  /** A reference points at a record of another organisation (e.g. a plan measure at another organisation's threat). */
  CROSS_ORGANISATION_REFERENCE: 400,
  /** No or an invalid / expired token. */
  UNAUTHENTICATED: 401,
  /** Authenticated, but not allowed (role, unit or organisation scope). */
  FORBIDDEN: 403,
  /** The person who claimed a milestone tried to verify it. */
  SELF_VERIFICATION: 403,
  /** The resource does not exist or is outside the caller's scope. */
  NOT_FOUND: 404,
  /** No such route. */
  ROUTE_NOT_FOUND: 404,
  /** The route exists, not with this method. */
  METHOD_NOT_ALLOWED: 405,
  /** The request conflicts with the current state. */
  CONFLICT: 409,
  /** A unique value is already taken. */
  DUPLICATE: 409,
  /** Optimistic concurrency: the record changed since it was read (send the current version). */
  VERSION_CONFLICT: 409,
  /** The country already belongs to another desk. */
  COUNTRY_ALREADY_COVERED: 409,
  /** The state machine does not allow this step now (e.g. amending a draft, resuming an active engagement). */
  INVALID_STATE_TRANSITION: 409,
  /** A step of an ordered procedure came too early (e.g. the threat's author before its facts). */
  STEP_OUT_OF_ORDER: 409,
  /** A training module is scheduled before its prerequisites (a program manager may override with a reason). */
  PREREQUISITE_NOT_MET: 409,
  /** Overlaps another booking (e.g. the same facilitator in two sessions at once). */
  SCHEDULE_CONFLICT: 409,
  /** The organisation was erased (crypto-shredded); its data is gone. */
  ORGANISATION_ERASED: 410,
  /** Too many failed logins: the account is locked for a while (`Retry-After`). */
  ACCOUNT_LOCKED: 423,
  /** The body is larger than the configured limit. */
  PAYLOAD_TOO_LARGE: 413,
  /** The body is not JSON (Content-Type). */
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** Too many requests; retry after the `Retry-After` header. */
  RATE_LIMITED: 429,
  /** An unexpected error; details are in the server log under the correlation id. */
  INTERNAL: 500,
  /** A dependency (MongoDB, Kafka, Temporal, another service) is unavailable; retry later. */
  SERVICE_UNAVAILABLE: 503,
  /** The token keys (JWKS) could not be fetched: retry; the caller's session is not at fault. */
  AUTH_UNAVAILABLE: 503,
} as const;

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Every error code, in declaration order. */
export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as ErrorCode[];

export const ErrorCodeSchema = z.enum(ERROR_CODE_LIST as [ErrorCode, ...ErrorCode[]]);

/** The HTTP status of an error code. */
export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CODES[code];
}

/** True for a known error code. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}

/** One failing field: a dotted JSON path (`interventions.0.targetDate`) and why. */
export const FieldErrorSchema = z.strictObject({
  path: z.string().max(512),
  message: z.string().max(1000),
});
export type FieldError = z.infer<typeof FieldErrorSchema>;

/**
 * The body of every error response:
 * `{ error: { code, message, fields? }, correlationId }`. Messages never contain sensitive data
 * (no names, narratives, contacts or submitted values).
 */
export const ErrorResponseSchema = z.strictObject({
  error: z.strictObject({
    code: ErrorCodeSchema,
    message: z.string().max(1000),
    fields: z.array(FieldErrorSchema).optional(),
  }),
  correlationId: CorrelationIdSchema,
});
export type ErrorResponse = z.infer<typeof ErrorResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Pagination

/** Default and maximum page sizes. */
export const PAGE_LIMIT_DEFAULT = 20;
export const PAGE_LIMIT_MAX = 100;

/**
 * Query parameters of a paged list: `limit` (1–100, default 20; coerced from the query string)
 * and an opaque `cursor` from the previous page's `nextCursor`.
 */
export const PageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).default(PAGE_LIMIT_DEFAULT),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,512}$/, 'must be a cursor returned by the previous page')
    .optional(),
});
export type PageQuery = z.infer<typeof PageQuerySchema>;

/** A page of items: `nextCursor` is null on the last page. */
export function pageSchema<S extends z.ZodType>(item: S) {
  return z.strictObject({
    items: z.array(item),
    nextCursor: z.string().nullable(),
  });
}

/** A page of `T`. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Encodes a cursor position (e.g. the last `_id` and sort key) as an opaque URL-safe string
 * (base64url of JSON). Not a secret: it must not contain anything the caller may not see.
 */
export function encodeCursor(position: Record<string, string | number>): string {
  const json = JSON.stringify(position);
  const bytes = new TextEncoder().encode(json);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes {@link encodeCursor}; undefined when the cursor is malformed. */
export function decodeCursor(cursor: string): Record<string, string | number> | undefined {
  try {
    const base64 = cursor.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const entries = Object.entries(value as Record<string, unknown>);
    if (!entries.every(([, v]) => typeof v === 'string' || typeof v === 'number')) return undefined;
    return Object.fromEntries(entries) as Record<string, string | number>;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Internal endpoints (service-to-service; service tokens only)

/**
 * Internal endpoint of the engagement service the orchestrator calls to set an engagement's
 * phase (the only way a phase changes; the service publishes `engagement.engagement.phase-changed`).
 * `PUT` with {@link SetEngagementPhaseRequestSchema}; idempotent by `requestId`.
 */
export const INTERNAL_ENGAGEMENT_PHASE_PATH = '/internal/engagements/:engagementId/phase';

export const SetEngagementPhaseRequestSchema = z.strictObject({
  /** Unique per change (deterministic in the workflow), so a retried activity is applied once. */
  requestId: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/),
  phase: PhaseSchema,
  /** The phase the orchestrator believes the engagement is in (checked: 409 when it differs). */
  expectedPhase: PhaseSchema,
  reason: PhaseChangeReasonSchema,
});
export type SetEngagementPhaseRequest = z.infer<typeof SetEngagementPhaseRequestSchema>;
