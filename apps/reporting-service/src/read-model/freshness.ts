import { isDuplicateKeyError } from '@trellis/platform-kafka';
import type { Collection, Db } from 'mongodb';

/** Collection holding the projection's position (`_id: 'projection'`). */
export const PROJECTION_STATE_COLLECTION = 'projection_state';

/** The last event applied to the read models. */
export interface AsOf {
  eventId: string;
  eventType: string;
  /** When the event happened (its envelope `occurredAt`). */
  occurredAt: string;
  /** When the projection applied it. */
  processedAt: string;
}

/** Event-to-read-model lag over the most recent events (milliseconds). */
export interface LagStats {
  /** Lag of the `asOf` event. */
  lastEventMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** How many recent events the percentiles cover. */
  sampleSize: number;
}

/** How fresh the read models are. */
export interface Freshness {
  asOf: AsOf | null;
  lag: LagStats | null;
  /** Events applied by the process that saved this state since it started. */
  eventsApplied: number;
}

interface StateDocument extends Freshness {
  _id: string;
}

const WINDOW = 1_000;

/**
 * Tracks which event the read models are as of and the lag from each event's `occurredAt` to
 * the moment it was applied (kept for the last 1,000 events). Saved to `projection_state` at
 * most every `flushMs` (one write per interval, not per event) and read by the reports; the
 * newest state (by `processedAt`) wins when several replicas save.
 */
export class FreshnessTracker {
  private asOf: AsOf | null = null;
  private readonly lags: number[] = [];
  private eventsApplied = 0;
  private dirty = false;
  private timer?: NodeJS.Timeout;
  private readonly state: Collection<StateDocument>;

  constructor(
    db: Db,
    private readonly flushMs = 1_000,
  ) {
    this.state = db.collection<StateDocument>(PROJECTION_STATE_COLLECTION);
  }

  /** Notes that an event was applied now. */
  record(event: { id: string; type: string; occurredAt: string }, processedAt = new Date()): void {
    const lag = Math.max(0, processedAt.getTime() - Date.parse(event.occurredAt));
    this.asOf = {
      eventId: event.id,
      eventType: event.type,
      occurredAt: new Date(event.occurredAt).toISOString(),
      processedAt: processedAt.toISOString(),
    };
    this.lags.push(lag);
    if (this.lags.length > WINDOW) this.lags.shift();
    this.eventsApplied += 1;
    this.dirty = true;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush().catch(() => undefined);
    }, this.flushMs);
    this.timer.unref();
  }

  /** This process's view. */
  local(): Freshness {
    if (!this.asOf) return { asOf: null, lag: null, eventsApplied: this.eventsApplied };
    const sorted = [...this.lags].sort((a, b) => a - b);
    const at = (q: number) =>
      sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return {
      asOf: this.asOf,
      lag: {
        lastEventMs: this.lags[this.lags.length - 1] ?? 0,
        p50Ms: at(0.5),
        p95Ms: at(0.95),
        maxMs: sorted[sorted.length - 1] ?? 0,
        sampleSize: sorted.length,
      },
      eventsApplied: this.eventsApplied,
    };
  }

  /** Saves this process's view unless a newer one is stored. */
  async flush(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    const fresh = this.local();
    if (!fresh.asOf) return;
    try {
      await this.state.updateOne(
        {
          _id: 'projection',
          $or: [{ asOf: null }, { 'asOf.processedAt': { $lte: fresh.asOf.processedAt } }],
        },
        { $set: fresh },
        { upsert: true },
      );
    } catch (error) {
      // A newer state is stored (the upsert collided with the existing document): keep it.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /** The freshest of the stored state and this process's view. */
  async read(): Promise<Freshness> {
    const stored = await this.state.findOne({ _id: 'projection' });
    const local = this.local();
    if (!stored?.asOf) return local;
    if (local.asOf && local.asOf.processedAt > stored.asOf.processedAt) return local;
    return { asOf: stored.asOf, lag: stored.lag, eventsApplied: stored.eventsApplied };
  }

  /** Stops the timer and saves. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
