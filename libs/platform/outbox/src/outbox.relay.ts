import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type {
  BeforeApplicationShutdown,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { CORRELATION_HEADER, type PendingEvent } from './outbox.schema';
import { MongoOutboxStore, type OutboxSource, type OutboxStore } from './outbox.store';

/** One Kafka message as the relay hands it to the publisher. */
export interface OutboxMessage {
  topic: string;
  key: string;
  /** The envelope as JSON. */
  value: string;
  headers: Record<string, string>;
}

/**
 * Sends messages to the broker. `publish` resolves only once every message is durably
 * accepted (Kafka: acks from all in-sync replicas); a rejection means "maybe not sent" and the
 * relay sends them all again.
 */
export interface EventPublisher {
  publish(messages: OutboxMessage[]): Promise<void>;
  /** Called when the NestJS application shuts down, after the relay has stopped. */
  disconnect?(): Promise<void>;
}

/** The subset of a pino logger the relay uses. It logs event ids and types, never payloads. */
export interface OutboxLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Retry policy of a failing publish: exponential backoff with jitter. */
export interface RetryPolicy {
  /** Attempts per claim before giving up on the document for `failureCooldownMs` (default 5). */
  attempts: number;
  /** Delay before the first retry (default 200 ms); doubles per attempt. */
  initialDelayMs: number;
  /** Upper bound of one delay (default 10 s). */
  maxDelayMs: number;
}

export interface OutboxRelayOptions {
  /** Collections (mongoose models or driver collections) whose documents carry outboxes. */
  sources: readonly (OutboxSource | OutboxStore)[];
  publisher: EventPublisher;
  logger?: OutboxLogger;
  /** Identifies this relay in leases and logs (default: host, pid and a random suffix). */
  relayId?: string;
  /** Pause between polls that found nothing to do (default 500 ms). */
  pollIntervalMs?: number;
  /** How long a claim on a document lasts without renewal (default 30 s). */
  leaseMs?: number;
  /** Documents taken from each collection per poll (default 50). */
  batchSize?: number;
  /** Events sent per publish call; a longer outbox is published and cleared in chunks. */
  maxEventsPerPublish?: number;
  retry?: Partial<RetryPolicy>;
  /** After giving up, the document is left alone this long (default 30 s). */
  failureCooldownMs?: number;
  /** Start polling when the NestJS application boots (default true). */
  autoStart?: boolean;
}

/** Counters since the relay was created. */
export interface OutboxRelayCounters {
  /** Events published and cleared. */
  published: number;
  /** Publish attempts that failed and were retried. */
  retried: number;
  /** Events whose publishing was given up after every attempt (they stay pending). */
  failed: number;
  /** Documents claimed. */
  claimed: number;
}

export interface OutboxRelayMetrics extends OutboxRelayCounters {
  relayId: string;
  running: boolean;
  /** Age of the oldest event still waiting in any watched collection; null when none waits. */
  oldestPendingAgeMs: number | null;
}

/** Thrown inside the relay after `abort()`: processing stops without another write. */
export class RelayAbortedError extends Error {
  constructor() {
    super('outbox relay aborted');
    this.name = 'RelayAbortedError';
  }
}

const silentLogger: OutboxLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Delay before retry number `attempt` (1-based): doubling from the initial delay, capped, jittered to 50–100 %. */
export function backoffDelay(
  attempt: number,
  policy: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.5 + random() / 2));
}

/** The Kafka message for a pending event: JSON envelope, event id/type and correlation headers. */
export function toOutboxMessage(event: PendingEvent): OutboxMessage {
  const headers: Record<string, string> = { ...(event.headers ?? {}), 'x-event-id': event.id };
  const type = event.envelope['type'];
  if (typeof type === 'string') headers['x-event-type'] = type;
  if (event.correlationId) headers[CORRELATION_HEADER] = event.correlationId;
  return { topic: event.topic, key: event.key, value: JSON.stringify(event.envelope), headers };
}

function describe(err: unknown): { name: string; message: string } {
  return err instanceof Error
    ? { name: err.name, message: err.message }
    : { name: 'Error', message: String(err) };
}

function shuffled<T>(items: T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

function isStore(s: OutboxSource | OutboxStore): s is OutboxStore {
  return typeof (s as Partial<OutboxStore>).candidates === 'function';
}

type PublishOutcome = 'published' | 'failed' | 'interrupted';

/**
 * Publishes the events waiting in documents' embedded outboxes, then removes them.
 *
 * Per poll and collection: find documents with pending events and a free (or expired) lease;
 * claim one with a conditional single-document update that returns its events; publish them in
 * order (retrying with exponential backoff, renewing the lease meanwhile); remove exactly the
 * published events, freeing the lease with the last removal. Several relays can run at once: a lease makes one the sole
 * publisher of a document until it expires.
 *
 * **Delivery is at least once.** If a relay dies after publishing and before clearing, the
 * events stay in the outbox; when its lease expires another relay publishes them again.
 * Consumers therefore drop events whose id they have already processed. Within one document
 * (one aggregate) events are published in the order they were enqueued; their first copies
 * keep that order even when duplicates occur. Leases compare the relays' clocks with each
 * other: keep them synchronised (NTP) well within the lease duration.
 *
 * Use it as a plain class (`start()` / `stop()` / `pollOnce()`) or through `OutboxModule`,
 * which starts it on application bootstrap and stops it on shutdown.
 */
export class OutboxRelay
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  readonly relayId: string;
  private readonly stores: OutboxStore[];
  private readonly logger: OutboxLogger;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private readonly chunkSize: number;
  private readonly retry: RetryPolicy;
  private readonly failureCooldownMs: number;
  private readonly counters: OutboxRelayCounters = {
    published: 0,
    retried: 0,
    failed: 0,
    claimed: 0,
  };
  private loopDone: Promise<void> | undefined;
  private stopping = false;
  private aborted = false;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly options: OutboxRelayOptions) {
    if (options.sources.length === 0) throw new Error('outbox relay needs at least one source');
    this.relayId = options.relayId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.stores = options.sources.map((s) => (isStore(s) ? s : new MongoOutboxStore(s)));
    this.logger = options.logger ?? silentLogger;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.batchSize = options.batchSize ?? 50;
    this.chunkSize = options.maxEventsPerPublish ?? 100;
    this.retry = {
      attempts: options.retry?.attempts ?? 5,
      initialDelayMs: options.retry?.initialDelayMs ?? 200,
      maxDelayMs: options.retry?.maxDelayMs ?? 10_000,
    };
    this.failureCooldownMs = options.failureCooldownMs ?? 30_000;
    if (this.leaseMs < 30 || this.batchSize < 1 || this.chunkSize < 1 || this.retry.attempts < 1) {
      throw new Error('outbox relay: leaseMs >= 30, batchSize, maxEventsPerPublish, attempts >= 1');
    }
  }

  /** Whether the polling loop is running. */
  get running(): boolean {
    return this.loopDone !== undefined;
  }

  /** Starts polling in the background (no-op when already running). */
  start(): void {
    if (this.loopDone || this.aborted) return;
    this.stopping = false;
    this.loopDone = this.loop().finally(() => {
      this.loopDone = undefined;
    });
  }

  /**
   * Stops polling after the current document: its publish (and clear) completes, a pending
   * retry is given up and its lease freed. Resolves when the loop has ended.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loopDone;
  }

  /**
   * Stops at once, as if the process had died: no further write — the current document keeps
   * its lease until it expires and its events, even ones just published. Final.
   */
  async abort(): Promise<void> {
    this.aborted = true;
    this.stopping = true;
    this.wake();
    await this.loopDone;
  }

  /**
   * One pass over every collection; returns how many documents had events published. Callable
   * without `start()` (e.g. from a scheduler or a test).
   */
  async pollOnce(): Promise<number> {
    let handled = 0;
    for (const store of this.stores) {
      if (this.stopping) break;
      const ids = shuffled(await store.candidates(new Date(), this.batchSize));
      for (const id of ids) {
        if (this.stopping) break;
        if (await this.relayDocument(store, id)) handled += 1;
      }
    }
    return handled;
  }

  /** Counters so far. */
  counts(): OutboxRelayCounters {
    return { ...this.counters };
  }

  /** Counters plus the age of the oldest pending event (one query per collection). */
  async metrics(): Promise<OutboxRelayMetrics> {
    const oldest = await Promise.all(this.stores.map((s) => s.oldestPending()));
    const times = oldest.filter((d): d is Date => d !== null).map((d) => d.getTime());
    return {
      ...this.counters,
      relayId: this.relayId,
      running: this.running,
      oldestPendingAgeMs: times.length ? Math.max(0, Date.now() - Math.min(...times)) : null,
    };
  }

  onApplicationBootstrap(): void {
    if (this.options.autoStart ?? true) this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.options.publisher.disconnect?.();
  }

  private async loop(): Promise<void> {
    this.logger.info({ relay: this.relayId }, 'outbox relay started');
    while (!this.stopping) {
      let handled = 0;
      try {
        handled = await this.pollOnce();
      } catch (err) {
        if (err instanceof RelayAbortedError) break;
        this.logger.error({ relay: this.relayId, err: describe(err) }, 'outbox poll failed');
      }
      if (handled === 0) await this.pause(this.pollIntervalMs);
    }
    this.logger.info({ relay: this.relayId, aborted: this.aborted }, 'outbox relay stopped');
  }

  /** Claims, publishes, clears and releases one document. True when events were published. */
  private async relayDocument(store: OutboxStore, id: unknown): Promise<boolean> {
    const token = randomUUID();
    const now = new Date();
    const until = new Date(now.getTime() + this.leaseMs);
    const events = await store.claim(id, { owner: this.relayId, token, until }, now);
    if (events === null) return false;
    this.counters.claimed += 1;
    const lease = { lost: false };
    const heartbeat = setInterval(
      () => {
        store
          .extend(id, token, new Date(Date.now() + this.leaseMs))
          .then((held) => {
            if (!held) lease.lost = true;
          })
          .catch((err: unknown) => {
            this.logger.warn(
              { relay: this.relayId, collection: store.name, err: describe(err) },
              'outbox lease renewal failed',
            );
          });
      },
      Math.max(10, Math.floor(this.leaseMs / 3)),
    );
    heartbeat.unref();
    let published = 0;
    try {
      let released = false;
      for (let i = 0; i < events.length; i += this.chunkSize) {
        const chunk = events.slice(i, i + this.chunkSize);
        this.checkAborted();
        if (lease.lost) {
          this.logger.warn(
            { relay: this.relayId, collection: store.name },
            'outbox lease lost; the remaining events are left to its new holder',
          );
          return published > 0;
        }
        const outcome = await this.publishWithRetry(store, chunk);
        if (outcome !== 'published') {
          clearInterval(heartbeat);
          if (outcome === 'failed') {
            this.counters.failed += chunk.length;
            // Keep the lease as a cool-down, so this document does not block the others.
            await store.extend(id, token, new Date(Date.now() + this.failureCooldownMs));
          } else {
            await store.release(id, token);
          }
          return published > 0;
        }
        // A crash here (after publish, before clear) republishes the chunk later: at least once.
        this.checkAborted();
        const ids = chunk.map((e) => e.id);
        // The last chunk's clear also frees the lease (one write for a one-event outbox).
        const last = i + this.chunkSize >= events.length;
        const removed = await store.clear(id, ids, last ? token : undefined);
        released = last && removed === ids.length;
        published += chunk.length;
        this.counters.published += chunk.length;
        this.logger.info(
          {
            relay: this.relayId,
            collection: store.name,
            eventIds: ids,
            types: chunk.map((e) => e.envelope['type']).filter((t) => typeof t === 'string'),
          },
          'outbox events published',
        );
        if (removed < ids.length) {
          this.logger.warn(
            { relay: this.relayId, collection: store.name, eventIds: ids.slice(removed) },
            'published outbox events were already cleared by another relay',
          );
        }
      }
      clearInterval(heartbeat);
      this.checkAborted();
      if (!released) await store.release(id, token);
      return published > 0;
    } catch (err) {
      if (err instanceof RelayAbortedError) throw err;
      // Leave the lease to expire; the document is picked up again then.
      this.logger.error(
        { relay: this.relayId, collection: store.name, err: describe(err) },
        'outbox relay failed on a document',
      );
      return published > 0;
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async publishWithRetry(
    store: OutboxStore,
    chunk: PendingEvent[],
  ): Promise<PublishOutcome> {
    const messages = chunk.map(toOutboxMessage);
    for (let attempt = 1; ; attempt++) {
      this.checkAborted();
      try {
        await this.options.publisher.publish(messages);
        return 'published';
      } catch (err) {
        this.checkAborted();
        const context = {
          relay: this.relayId,
          collection: store.name,
          eventIds: chunk.map((e) => e.id),
          attempt,
          err: describe(err),
        };
        if (attempt >= this.retry.attempts) {
          this.logger.error(
            { ...context, retryInMs: this.failureCooldownMs },
            'outbox publish failed; giving up for now',
          );
          return 'failed';
        }
        this.counters.retried += 1;
        const delayMs = backoffDelay(attempt, this.retry);
        this.logger.warn({ ...context, delayMs }, 'outbox publish failed; retrying');
        if (!(await this.pause(delayMs))) return 'interrupted';
      }
    }
  }

  private checkAborted(): void {
    if (this.aborted) throw new RelayAbortedError();
  }

  /** Waits `ms`; resolves false at once (or early) when the relay is stopping. */
  private pause(ms: number): Promise<boolean> {
    if (this.stopping) return Promise.resolve(false);
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        resolve(true);
      }, ms);
      this.waiters.add(wake);
    });
  }

  private wake(): void {
    for (const w of this.waiters) w();
    this.waiters.clear();
  }
}
