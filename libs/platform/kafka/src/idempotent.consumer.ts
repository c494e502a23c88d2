import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';

/** Collection holding one marker per (consumer, event id). */
export const PROCESSED_EVENTS_COLLECTION = 'processed_events';

/** A marker in `processed_events`; `_id` is `${consumer}:${eventId}`. */
export interface ProcessedEventMarker {
  _id: string;
  consumer: string;
  eventId: string;
  /** `processing` while a handler runs (until `leaseUntil`), `done` once it succeeded. */
  state: 'processing' | 'done';
  /** Identifies the claim, so only its owner completes or releases it. */
  claim: string;
  startedAt: Date;
  leaseUntil: Date;
  processedAt?: Date;
}

/** What {@link IdempotentConsumer.handleOnce} did. */
export type HandleOnceResult<T> = { status: 'processed'; value: T } | { status: 'duplicate' };

/**
 * Another delivery of the same event is being handled right now (its lease has not run
 * out). Nothing was done; deliver again later.
 */
export class EventInProgressError extends Error {
  constructor(readonly markerId: string) {
    super(`event ${markerId} is being handled by another delivery; retry later`);
    this.name = 'EventInProgressError';
  }
}

/**
 * Handles each event at most once per consumer, on top of Kafka's at-least-once delivery.
 *
 * **Contract.** Kafka delivers a message at least once: after a crash, a rebalance or an
 * outbox relay that published but died before clearing, the same event arrives again.
 * `handleOnce(eventId, consumer, fn)` first claims `${consumer}:${eventId}` by *inserting*
 * a marker into `processed_events` (the unique `_id` makes the insert the arbiter, which works
 * the same on FerretDB and MongoDB); only the delivery whose insert succeeds runs `fn`, and
 * marks the event `done` afterwards. A later delivery finds `done` and is skipped. If `fn`
 * throws, the marker is removed so that the retry runs `fn` again.
 *
 * **Crash safety.** The claim carries a lease (`leaseMs`, 60 s by default). If the process
 * dies while `fn` runs, the marker stays `processing`; a redelivery before the lease ends
 * gets {@link EventInProgressError} (retry later), one after it takes the claim over and runs
 * `fn`. So an event is never lost, but `fn` can run twice for one event when a process died
 * mid-way (or ran longer than the lease).
 *
 * **Not atomic with `fn`.** FerretDB has no multi-document transactions (ADR 0003), so the
 * marker and the handler's own writes cannot commit together. Handlers must therefore have
 * effects that are themselves idempotent or keyed by event id: upserts keyed by the event
 * or aggregate id, `$set` of absolute values rather than `$inc`, inserts with the event id as
 * `_id` (a duplicate-key error then means "already done"), a version check against the
 * event's sequence, or Temporal signals/workflow ids derived from the event id.
 *
 * Markers are kept (no TTL index on FerretDB); {@link prune} removes old `done` markers,
 * which is safe once they are older than any redelivery can be (e.g. the topic retention or
 * the outbox relay's longest retry).
 */
export class IdempotentConsumer {
  private readonly leaseMs: number;

  constructor(
    private readonly connection: Connection,
    options: { leaseMs?: number } = {},
  ) {
    this.leaseMs = options.leaseMs ?? 60_000;
  }

  private get markers() {
    return this.connection.collection<ProcessedEventMarker>(PROCESSED_EVENTS_COLLECTION);
  }

  /**
   * Runs `fn` unless `consumer` already handled `eventId`. Resolves `processed` with `fn`'s
   * value, or `duplicate` when it was handled before; rejects with `fn`'s error (after
   * releasing the claim) or with {@link EventInProgressError}.
   */
  async handleOnce<T>(
    eventId: string,
    consumer: string,
    fn: () => Promise<T> | T,
  ): Promise<HandleOnceResult<T>> {
    if (!eventId || !consumer) {
      throw new Error('handleOnce needs an event id and a consumer name');
    }
    const id = markerId(consumer, eventId);
    const claim = await this.claim(id, consumer, eventId);
    if (claim === undefined) return { status: 'duplicate' };

    let value: T;
    try {
      value = await fn();
    } catch (error) {
      await this.markers.deleteOne({ _id: id, claim, state: 'processing' }).catch(() => undefined);
      throw error;
    }
    await this.markers.updateOne(
      { _id: id, claim },
      { $set: { state: 'done', processedAt: new Date() } },
    );
    return { status: 'processed', value };
  }

  /** Whether `consumer` has completed `eventId`. */
  async isProcessed(eventId: string, consumer: string): Promise<boolean> {
    const marker = await this.markers.findOne({ _id: markerId(consumer, eventId) });
    return marker?.state === 'done';
  }

  /** Removes `done` markers processed before `olderThan`; returns how many. */
  async prune(olderThan: Date): Promise<number> {
    const result = await this.markers.deleteMany({
      state: 'done',
      processedAt: { $lt: olderThan },
    });
    return result.deletedCount;
  }

  /** Claims the marker; `undefined` when the event is already done. */
  private async claim(id: string, consumer: string, eventId: string): Promise<string | undefined> {
    const claim = randomUUID();
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = new Date();
      const leaseUntil = new Date(now.getTime() + this.leaseMs);
      try {
        await this.markers.insertOne({
          _id: id,
          consumer,
          eventId,
          state: 'processing',
          claim,
          startedAt: now,
          leaseUntil,
        });
        return claim;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      const existing = await this.markers.findOne({ _id: id });
      if (!existing) continue; // released between our insert and read: try again
      if (existing.state === 'done') return undefined;
      if (existing.leaseUntil.getTime() > now.getTime()) throw new EventInProgressError(id);
      // The previous claimant's lease ran out (it crashed or hung): take the claim over,
      // conditional on nobody else having done so first.
      const takeover = await this.markers.updateOne(
        { _id: id, state: 'processing', claim: existing.claim },
        { $set: { claim, startedAt: now, leaseUntil } },
      );
      if (takeover.modifiedCount === 1) return claim;
    }
    throw new EventInProgressError(id);
  }
}

function markerId(consumer: string, eventId: string): string {
  return `${consumer}:${eventId}`;
}

/**
 * A unique-index violation: 11000 from MongoDB and from FerretDB inserts; FerretDB 1.24
 * reports violations caused by updates as code 1 "UNIQUE constraint failed" (ADR 0003).
 */
export function isDuplicateKeyError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (
    code === 11000 ||
    code === 11001 ||
    (code === 1 && typeof message === 'string' && message.includes('UNIQUE constraint failed'))
  );
}
