import { Schema } from 'mongoose';

/** Name of the embedded array of events waiting to be published. */
export const OUTBOX_FIELD = 'outbox';
/** Name of the field holding a relay's lease on the document's outbox. */
export const OUTBOX_LEASE_FIELD = 'outboxLease';
/** Kafka header carrying the correlation id (same name as in the logging library). */
export const CORRELATION_HEADER = 'x-correlation-id';

/**
 * A built event envelope (see `@trellis/contracts`), stored as an opaque JSON object. Only its
 * `id` is read here; `type` is read, if present, for logs and headers.
 */
export type EventEnvelope = { readonly id: string } & Record<string, unknown>;

/** An event waiting in a document's outbox, in the order it was enqueued. */
export interface PendingEvent {
  /** The envelope's id; consumers drop duplicates by it. */
  id: string;
  topic: string;
  /** Kafka message key (the aggregate id, so one aggregate's events stay in order). */
  key: string;
  envelope: EventEnvelope;
  /** Extra Kafka headers (string values). */
  headers?: Record<string, string>;
  /** Correlation id of the request that caused the event, sent as `x-correlation-id`. */
  correlationId?: string;
  enqueuedAt: Date;
}

/** A relay's claim on a document's outbox; free when `null`, missing, or `until` has passed. */
export interface OutboxLease {
  /** The relay instance holding the lease. */
  owner: string;
  /** Unique per claim, so a relay never mistakes an old claim of its own for the current one. */
  token: string;
  until: Date;
}

/** The outbox fields a document carries (add them with `outboxPlugin`). */
export interface WithOutbox {
  outbox?: PendingEvent[];
  outboxLease?: OutboxLease | null;
}

/** Mongoose sub-schema of one pending event (no `_id` of its own). */
export const pendingEventSchema = new Schema<PendingEvent>(
  {
    id: { type: String, required: true },
    topic: { type: String, required: true },
    key: { type: String, required: true },
    envelope: { type: Schema.Types.Mixed, required: true },
    headers: { type: Schema.Types.Mixed },
    correlationId: { type: String },
    enqueuedAt: { type: Date, required: true },
  },
  { _id: false, minimize: false },
);

/** Mongoose sub-schema of the lease. */
export const outboxLeaseSchema = new Schema<OutboxLease>(
  {
    owner: { type: String, required: true },
    token: { type: String, required: true },
    until: { type: Date, required: true },
  },
  { _id: false },
);

/**
 * Schema plugin adding `outbox: PendingEvent[]` (default `[]`) and `outboxLease` (default
 * `null`). It also turns `minimize` off for the schema, so that empty objects inside envelopes
 * (e.g. `payload: {}`) are stored as they are instead of being dropped by `save()`.
 */
export function outboxPlugin(schema: Schema): void {
  schema.add({
    [OUTBOX_FIELD]: { type: [pendingEventSchema], default: [] },
    [OUTBOX_LEASE_FIELD]: { type: outboxLeaseSchema, default: null },
  });
  schema.set('minimize', false);
}
