import { CORRELATION_HEADER, correlation } from '@trellis/platform-logging';
import type { IHeaders } from 'kafkajs';

/**
 * The least a Kafka event must be to travel through this library: the envelope of
 * `@trellis/contracts` (`{ id, type, version, occurredAt, ..., payload }`) satisfies it.
 */
export interface EventEnvelopeLike {
  id: string;
  type: string;
  version: number;
}

/** Whether a parsed value carries an envelope's `id`, `type` and `version`. */
export function isEnvelopeLike(value: unknown): value is EventEnvelopeLike {
  if (value === null || typeof value !== 'object') return false;
  const { id, type, version } = value as Record<string, unknown>;
  return (
    typeof id === 'string' && id !== '' && typeof type === 'string' && typeof version === 'number'
  );
}

/**
 * Headers written on every produced event. They let operators, dead-letter tooling and
 * consumers see what a message is without parsing (or logging) its payload.
 */
export const EVENT_HEADERS = {
  correlationId: CORRELATION_HEADER,
  eventId: 'event-id',
  eventType: 'event-type',
  eventVersion: 'event-version',
  contentType: 'content-type',
} as const;

/** Header values as kafkajs hands them over (Buffers), or as Nest's parser decoded them (strings). */
export type RawHeaders = IHeaders | Record<string, unknown> | undefined | null;

/**
 * Headers as strings. Buffers are read as UTF-8; a header repeated on one message (kafkajs
 * gives an array) yields its last value, like Java's `Headers.lastHeader`; empty entries are
 * dropped.
 */
export function decodeHeaders(headers: RawHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [name, raw] of Object.entries(headers)) {
    const value = Array.isArray(raw) ? (raw as unknown[])[raw.length - 1] : raw;
    if (Buffer.isBuffer(value)) out[name] = value.toString('utf8');
    else if (typeof value === 'string') out[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[name] = String(value);
  }
  return out;
}

/**
 * The headers of one outgoing event: id, type, version, content type and the correlation id
 * (`correlationId` if given and valid, else the current `correlation.id()`, else none; the
 * consumer then starts a new one). `extra` headers are added but cannot replace these.
 */
export function eventHeaders(
  event: EventEnvelopeLike,
  correlationId: string | undefined = correlation.id(),
  extra: Record<string, string> = {},
): Record<string, string> {
  const headers: Record<string, string> = {
    ...extra,
    [EVENT_HEADERS.eventId]: event.id,
    [EVENT_HEADERS.eventType]: event.type,
    [EVENT_HEADERS.eventVersion]: String(event.version),
    [EVENT_HEADERS.contentType]: 'application/json',
  };
  if (correlation.isValid(correlationId)) headers[EVENT_HEADERS.correlationId] = correlationId;
  return headers;
}
