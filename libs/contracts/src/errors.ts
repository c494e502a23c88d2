import type { z } from 'zod';

/**
 * One reason a message broke its contract: the JSON path of the offending value
 * (`payload.terms.interventions.0.kind`, empty for the whole message), a message and the zod
 * issue code. Issues never contain the offending value, so they are safe to log.
 */
export interface ContractIssue {
  path: string;
  message: string;
  code: string;
}

/** Why a message was refused. */
export type ContractViolationReason =
  /** The bytes are not JSON. */
  | 'MALFORMED_JSON'
  /** The envelope (id, type, version, occurredAt, actor, ...) is invalid. */
  | 'INVALID_ENVELOPE'
  /** No event of this type is defined. */
  | 'UNKNOWN_EVENT_TYPE'
  /** The type is known, but not in this version. */
  | 'UNKNOWN_EVENT_VERSION'
  /** The envelope is valid, but the payload or the envelope's scope fields do not match the type@version. */
  | 'INVALID_EVENT'
  /** A workflow message (signal, query, update, start input) or an HTTP body does not match its schema. */
  | 'INVALID_MESSAGE';

/** What the violating message was, as far as it could be read (never its content). */
export interface ContractViolationContext {
  /** e.g. `engagement.agreement.signed@1` or the signal name `agreementActivated.v1`. */
  subject?: string;
  eventId?: string;
  eventType?: string;
  eventVersion?: number;
}

const MAX_ISSUES_IN_MESSAGE = 10;

/**
 * A message that crosses a process boundary (Kafka event, workflow message, HTTP DTO) does not
 * match its contract. `issues` lists every problem with its path; the message lists the first
 * few. Consumers send such messages to the dead-letter topic with `reason` and `issues`.
 */
export class ContractViolationError extends Error {
  override readonly name = 'ContractViolationError';

  constructor(
    readonly reason: ContractViolationReason,
    readonly issues: readonly ContractIssue[],
    readonly context: ContractViolationContext = {},
  ) {
    super(describeViolation(reason, issues, context));
  }
}

/**
 * True for a {@link ContractViolationError}, also one created by another copy of this module
 * (the Temporal workflow sandbox loads its own), where `instanceof` fails.
 */
export function isContractViolationError(error: unknown): error is ContractViolationError {
  return (
    error instanceof ContractViolationError ||
    (error instanceof Error &&
      error.name === 'ContractViolationError' &&
      Array.isArray((error as Partial<ContractViolationError>).issues))
  );
}

function describeViolation(
  reason: ContractViolationReason,
  issues: readonly ContractIssue[],
  context: ContractViolationContext,
): string {
  const subject = context.subject ?? 'Message';
  const listed = issues
    .slice(0, MAX_ISSUES_IN_MESSAGE)
    .map((i) => `${i.path || '(root)'}: ${i.message}`)
    .join('; ');
  const more =
    issues.length > MAX_ISSUES_IN_MESSAGE
      ? `; and ${issues.length - MAX_ISSUES_IN_MESSAGE} more`
      : '';
  return `${subject} violates its contract (${reason})${listed ? `: ${listed}${more}` : ''}`;
}

/** Formats a zod path as a dotted JSON path: `['payload', 'items', 0, 'dueAt']` → `payload.items.0.dueAt`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'symbol' ? (p.description ?? '') : String(p))).join('.');
}

/**
 * Turns a zod error into {@link ContractIssue}s, each unrecognised key becoming its own issue
 * at the key's path (`payload.narrative: is not allowed`). `prefix` is prepended to every path.
 */
export function issuesFromZodError(
  error: z.ZodError,
  prefix: readonly PropertyKey[] = [],
): ContractIssue[] {
  return error.issues.flatMap((issue): ContractIssue[] => {
    const base = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: formatIssuePath([...base, key]),
        message: 'is not allowed (unrecognised key)',
        code: issue.code,
      }));
    }
    return [{ path: formatIssuePath(base), message: issue.message, code: issue.code }];
  });
}

/**
 * Parses `value` with `schema` or throws a {@link ContractViolationError} (reason
 * `INVALID_MESSAGE`) naming `subject`; for workflow messages and HTTP DTOs.
 */
export function parseContract<S extends z.ZodType>(
  schema: S,
  value: unknown,
  subject: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ContractViolationError('INVALID_MESSAGE', issuesFromZodError(result.error), {
      subject,
    });
  }
  return result.data;
}

/** A string is not a valid ISO-8601 duration (or is out of the supported range). */
export class InvalidDurationError extends RangeError {
  override readonly name = 'InvalidDurationError';
  /** The HTTP error code services answer with (see `ERROR_CODES`). */
  readonly code = 'INVALID_DURATION';
}
