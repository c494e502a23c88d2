import type { EventEnvelopeLike } from './kafka.headers';
import { isEnvelopeLike } from './kafka.headers';

/** Default dead-letter topic (created by `infra/kafka/topics.json`). */
export const DEAD_LETTER_TOPIC = 'trellis.dead-letter.v1';

/** Default number of handler attempts before a message is dead-lettered. */
export const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * Why a message was dead-lettered:
 * - `MALFORMED_JSON`: the value is empty or not JSON;
 * - `SCHEMA_INVALID`: the value is JSON but the event parser rejected it;
 * - `HANDLER_FAILED`: the handler kept failing for `maxAttempts` deliveries.
 */
export type DeadLetterCode = 'MALFORMED_JSON' | 'SCHEMA_INVALID' | 'HANDLER_FAILED';

/** Headers added to a dead-lettered message (its original headers are kept alongside). */
export const DEAD_LETTER_HEADERS = {
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  errorCode: 'dlq-error-code',
  issues: 'dlq-issues',
  consumer: 'dlq-consumer',
  attempts: 'dlq-attempts',
  failedAt: 'dlq-failed-at',
} as const;

/** Where a dead-lettered message came from and why it failed. */
export interface DeadLetterInfo {
  originalTopic: string;
  originalPartition: number;
  originalOffset: string;
  errorCode: DeadLetterCode;
  /** Summary of what was wrong (paths and rule names, never payload values). */
  issues: string;
  consumer: string;
  attempts: number;
  failedAt: string;
}

const MAX_ISSUES = 10;
const MAX_SUMMARY_LENGTH = 1000;

/** The outcome of reading a message value as JSON. */
export type DecodedValue =
  { ok: true; value: unknown } | { ok: false; code: 'MALFORMED_JSON'; issues: string };

/**
 * Reads a message value as JSON. Accepts a Buffer or string (kafkajs, or Nest's parser with
 * `keepBinary`) and an already parsed object (Nest's default parser). The reason given for a
 * failure never quotes the value: `JSON.parse` messages include a snippet of the input.
 */
export function decodeMessageValue(value: unknown): DecodedValue {
  if (value === null || value === undefined) {
    return { ok: false, code: 'MALFORMED_JSON', issues: 'empty message value' };
  }
  if (!Buffer.isBuffer(value) && typeof value !== 'string') {
    return { ok: true, value };
  }
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : value;
  if (text.trim() === '') {
    return { ok: false, code: 'MALFORMED_JSON', issues: 'empty message value' };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return {
      ok: false,
      code: 'MALFORMED_JSON',
      issues: `value is not valid JSON (${Buffer.byteLength(text)} bytes)`,
    };
  }
}

/** The outcome of validating a decoded value with the event parser. */
export type ValidatedEvent<T> =
  { ok: true; event: T } | { ok: false; code: 'SCHEMA_INVALID'; issues: string };

/**
 * Runs the event parser (e.g. `parseEvent` of `@trellis/contracts`); anything it throws is a
 * validation failure. The result must still look like an envelope (`id`, `type`, `version`),
 * since idempotency and headers depend on them.
 */
export function validateEvent<T extends EventEnvelopeLike>(
  value: unknown,
  parse: (raw: unknown) => T,
): ValidatedEvent<T> {
  let event: T;
  try {
    event = parse(value);
  } catch (error) {
    return { ok: false, code: 'SCHEMA_INVALID', issues: summariseIssues(error) };
  }
  if (!isEnvelopeLike(event)) {
    return {
      ok: false,
      code: 'SCHEMA_INVALID',
      issues: 'parser returned no envelope with string id, string type and numeric version',
    };
  }
  return { ok: true, event };
}

interface IssueLike {
  /** zod gives the path as an array; libs/contracts' ContractViolationError as a string. */
  path?: readonly PropertyKey[] | string;
  message?: string;
  code?: string;
}

/**
 * A one-line summary of a validation error. A zod-style error (`issues[]` with `path`,
 * `code`, `message`) gives `path: message` per issue (zod's messages name the expected
 * type or rule, not the received value); anything else gives `Name: message`. At most 10
 * issues and 1000 characters.
 */
export function summariseIssues(error: unknown): string {
  const issues = (error as { issues?: unknown } | null)?.issues;
  if (Array.isArray(issues) && issues.length > 0) {
    const parts = (issues as IssueLike[]).slice(0, MAX_ISSUES).map((issue) => {
      const path =
        (typeof issue.path === 'string' ? issue.path : (issue.path ?? []).map(String).join('.')) ||
        '(root)';
      return `${path}: ${issue.message ?? issue.code ?? 'invalid'}`;
    });
    if (issues.length > MAX_ISSUES) parts.push(`(+${issues.length - MAX_ISSUES} more)`);
    return truncate(parts.join('; '));
  }
  if (error instanceof Error) return truncate(`${error.name}: ${error.message}`);
  return 'invalid event';
}

function truncate(text: string): string {
  const oneLine = text.replace(/[\r\n]+/g, ' ');
  return oneLine.length <= MAX_SUMMARY_LENGTH
    ? oneLine
    : `${oneLine.slice(0, MAX_SUMMARY_LENGTH - 1)}…`;
}

/** What to do after a handler failed for the `attempts`-th time on one message. */
export function decideAfterFailure(attempts: number, maxAttempts: number): 'retry' | 'dead-letter' {
  return attempts >= maxAttempts ? 'dead-letter' : 'retry';
}

/** The headers of a dead-letter message: the original ones plus {@link DEAD_LETTER_HEADERS}. */
export function deadLetterHeaders(
  original: Record<string, string>,
  info: Omit<DeadLetterInfo, 'failedAt'> & { failedAt?: string },
): Record<string, string> {
  return {
    ...original,
    [DEAD_LETTER_HEADERS.originalTopic]: info.originalTopic,
    [DEAD_LETTER_HEADERS.originalPartition]: String(info.originalPartition),
    [DEAD_LETTER_HEADERS.originalOffset]: info.originalOffset,
    [DEAD_LETTER_HEADERS.errorCode]: info.errorCode,
    [DEAD_LETTER_HEADERS.issues]: info.issues,
    [DEAD_LETTER_HEADERS.consumer]: info.consumer,
    [DEAD_LETTER_HEADERS.attempts]: String(info.attempts),
    [DEAD_LETTER_HEADERS.failedAt]: info.failedAt ?? new Date().toISOString(),
  };
}

/** Reads the dead-letter headers back (for replay tooling and tests); `undefined` if absent. */
export function readDeadLetterHeaders(headers: Record<string, string>): DeadLetterInfo | undefined {
  const topic = headers[DEAD_LETTER_HEADERS.originalTopic];
  const code = headers[DEAD_LETTER_HEADERS.errorCode];
  if (topic === undefined || !isDeadLetterCode(code)) return undefined;
  return {
    originalTopic: topic,
    originalPartition: Number(headers[DEAD_LETTER_HEADERS.originalPartition]),
    originalOffset: headers[DEAD_LETTER_HEADERS.originalOffset] ?? '',
    errorCode: code,
    issues: headers[DEAD_LETTER_HEADERS.issues] ?? '',
    consumer: headers[DEAD_LETTER_HEADERS.consumer] ?? '',
    attempts: Number(headers[DEAD_LETTER_HEADERS.attempts] ?? 0),
    failedAt: headers[DEAD_LETTER_HEADERS.failedAt] ?? '',
  };
}

function isDeadLetterCode(code: string | undefined): code is DeadLetterCode {
  return code === 'MALFORMED_JSON' || code === 'SCHEMA_INVALID' || code === 'HANDLER_FAILED';
}

/**
 * Counts failed deliveries per message (consumer, topic, partition, offset) in memory, so a
 * message whose handler keeps failing is dead-lettered after `maxAttempts` instead of
 * blocking its partition forever. The count is per process: after a rebalance or restart the
 * new owner starts again from zero (so a message may get up to `maxAttempts` more tries,
 * never fewer). Bounded: the oldest entries are forgotten beyond `capacity`.
 */
export class AttemptTracker {
  private readonly failures = new Map<string, number>();

  constructor(private readonly capacity = 10_000) {}

  /** Records one more failure and returns the number of failures so far. */
  fail(key: string): number {
    const count = (this.failures.get(key) ?? 0) + 1;
    this.failures.delete(key);
    this.failures.set(key, count);
    while (this.failures.size > this.capacity) {
      const oldest = this.failures.keys().next().value as string;
      this.failures.delete(oldest);
    }
    return count;
  }

  /** Failures recorded so far for `key`. */
  count(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Forgets `key` (after success or dead-lettering). */
  clear(key: string): void {
    this.failures.delete(key);
  }
}
