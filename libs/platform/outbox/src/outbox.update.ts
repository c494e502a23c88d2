import {
  OUTBOX_FIELD,
  OUTBOX_LEASE_FIELD,
  type EventEnvelope,
  type PendingEvent,
} from './outbox.schema';

/** An event to publish with a state change: where it goes and the built envelope. */
export interface OutboxEvent {
  topic: string;
  /** Kafka message key: the aggregate id. */
  key: string;
  envelope: EventEnvelope;
  headers?: Record<string, string>;
  correlationId?: string;
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/**
 * Turns events into outbox entries stamped with `now`, checking each: topic, key and envelope
 * id present, string headers, no id twice in one batch.
 */
export function pendingEvents(
  events: readonly OutboxEvent[],
  now: Date = new Date(),
): PendingEvent[] {
  const seen = new Set<string>();
  return events.map((e, i) => {
    const where = `outbox event #${i}`;
    if (!nonEmpty(e.topic)) throw new TypeError(`${where}: topic is required`);
    if (!nonEmpty(e.key)) throw new TypeError(`${where}: key is required`);
    if (typeof e.envelope !== 'object' || e.envelope === null || Array.isArray(e.envelope)) {
      throw new TypeError(`${where}: envelope must be an object`);
    }
    if (!nonEmpty(e.envelope.id)) throw new TypeError(`${where}: envelope.id is required`);
    if (seen.has(e.envelope.id)) throw new TypeError(`${where}: duplicate event id`);
    seen.add(e.envelope.id);
    if (e.headers && Object.values(e.headers).some((v) => typeof v !== 'string')) {
      throw new TypeError(`${where}: header values must be strings`);
    }
    const pending: PendingEvent = {
      id: e.envelope.id,
      topic: e.topic,
      key: e.key,
      envelope: e.envelope,
      enqueuedAt: now,
    };
    if (e.headers && Object.keys(e.headers).length > 0) pending.headers = { ...e.headers };
    if (nonEmpty(e.correlationId)) pending.correlationId = e.correlationId;
    return pending;
  });
}

type UpdateDocument = Record<string, unknown>;

function writesOutboxFields(operand: unknown): boolean {
  return (
    typeof operand === 'object' &&
    operand !== null &&
    Object.keys(operand).some(
      (k) =>
        k === OUTBOX_FIELD ||
        k === OUTBOX_LEASE_FIELD ||
        k.startsWith(`${OUTBOX_FIELD}.`) ||
        k.startsWith(`${OUTBOX_LEASE_FIELD}.`),
    )
  );
}

/**
 * Adds `events` to a state-changing update so both are written by the same single-document
 * update (atomic on FerretDB and MongoDB, no transaction needed):
 * `{ $set: {...} }` becomes `{ $set: {...}, $push: { outbox: { $each: [...] } } }`.
 *
 * The update must be an operator document (`$set`, `$inc`, `$push`, ...) that does not itself
 * write the outbox or its lease (only relays remove events).
 */
export function withOutbox<U extends UpdateDocument>(
  update: U,
  events: readonly OutboxEvent[],
  now: Date = new Date(),
): U & { $push?: UpdateDocument } {
  if (typeof update !== 'object' || update === null || Array.isArray(update)) {
    throw new TypeError('withOutbox needs an update document, not a pipeline');
  }
  const plain = Object.keys(update).filter((k) => !k.startsWith('$'));
  if (plain.length > 0) {
    throw new TypeError('withOutbox needs an operator update: put plain fields under $set');
  }
  if (Object.values(update).some(writesOutboxFields)) {
    throw new TypeError('the update must not write the outbox fields itself');
  }
  if (events.length === 0) return { ...update };
  const push = (update['$push'] as UpdateDocument | undefined) ?? {};
  return {
    ...update,
    $push: { ...push, [OUTBOX_FIELD]: { $each: pendingEvents(events, now) } },
  };
}

/**
 * A new document with `events` in its outbox, for inserts: the document and its first events
 * are written together.
 */
export function documentWithOutbox<D extends object>(
  doc: D,
  events: readonly OutboxEvent[],
  now: Date = new Date(),
): D & { outbox: PendingEvent[] } {
  if (OUTBOX_FIELD in doc || OUTBOX_LEASE_FIELD in doc) {
    throw new TypeError('the new document must not set the outbox fields itself');
  }
  return { ...doc, [OUTBOX_FIELD]: pendingEvents(events, now) };
}
