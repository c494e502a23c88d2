import { Test } from '@nestjs/testing';
import { OutboxModule } from './outbox.module';
import {
  backoffDelay,
  OutboxRelay,
  RelayAbortedError,
  toOutboxMessage,
  type EventPublisher,
  type OutboxLogger,
  type OutboxMessage,
  type OutboxRelayOptions,
} from './outbox.relay';
import type { OutboxLease, PendingEvent } from './outbox.schema';
import type { OutboxStore } from './outbox.store';
import { pendingEvents } from './outbox.update';

/** In-memory `OutboxStore` with the same conditional semantics as the MongoDB one. */
class FakeStore implements OutboxStore {
  readonly name = 'fake';
  readonly docs = new Map<string, { outbox: PendingEvent[]; lease: OutboxLease | null }>();
  extendCalls = 0;
  /** When set, lease renewals fail as if another relay had taken the lease. */
  leaseStolen = false;

  add(id: string, eventIds: string[], enqueuedAt = new Date()): void {
    const events = pendingEvents(
      eventIds.map((e) => ({
        topic: 'trellis.test.v1',
        key: id,
        envelope: { id: e, type: 'test.happened', payload: { secret: `narrative-of-${e}` } },
      })),
      enqueuedAt,
    );
    const doc = this.docs.get(id);
    if (doc) doc.outbox.push(...events);
    else this.docs.set(id, { outbox: events, lease: null });
  }

  private free(id: string, now: Date): boolean {
    const d = this.docs.get(id);
    return !!d && d.outbox.length > 0 && (!d.lease || d.lease.until <= now);
  }

  candidates(now: Date, limit: number): Promise<unknown[]> {
    return Promise.resolve(
      [...this.docs.keys()].filter((id) => this.free(id, now)).slice(0, limit),
    );
  }
  claim(id: unknown, lease: OutboxLease, now: Date): Promise<PendingEvent[] | null> {
    if (!this.free(id as string, now)) return Promise.resolve(null);
    const d = this.docs.get(id as string)!;
    d.lease = { ...lease };
    return Promise.resolve([...d.outbox]);
  }
  extend(id: unknown, token: string, until: Date): Promise<boolean> {
    this.extendCalls += 1;
    const d = this.docs.get(id as string);
    if (this.leaseStolen || d?.lease?.token !== token) return Promise.resolve(false);
    d.lease.until = until;
    return Promise.resolve(true);
  }
  clearCalls = 0;
  clear(id: unknown, eventIds: readonly string[], releaseToken?: string): Promise<number> {
    this.clearCalls += 1;
    const d = this.docs.get(id as string)!;
    let removed = 0;
    for (const e of eventIds) {
      if (d.outbox[0]?.id !== e) break;
      d.outbox.shift();
      removed += 1;
    }
    if (
      removed === eventIds.length &&
      releaseToken !== undefined &&
      d.lease?.token === releaseToken
    ) {
      d.lease = null;
    }
    return Promise.resolve(removed);
  }
  releaseCalls = 0;
  release(id: unknown, token: string): Promise<boolean> {
    this.releaseCalls += 1;
    const d = this.docs.get(id as string);
    if (d?.lease?.token !== token) return Promise.resolve(false);
    d.lease = null;
    return Promise.resolve(true);
  }
  oldestPending(): Promise<Date | null> {
    const all = [...this.docs.values()].flatMap((d) => d.outbox.map((e) => e.enqueuedAt));
    return Promise.resolve(all.length ? new Date(Math.min(...all.map((d) => d.getTime()))) : null);
  }
}

/** Records what was published; `fail(n)` makes the next n calls fail. */
class FakePublisher implements EventPublisher {
  readonly calls: OutboxMessage[][] = [];
  private failures = 0;
  delayMs = 0;
  afterPublish: (() => void) | undefined;
  disconnected = false;

  fail(times: number): void {
    this.failures = times;
  }
  get ids(): string[] {
    return this.calls.flat().map((m) => m.headers['x-event-id']);
  }
  async publish(messages: OutboxMessage[]): Promise<void> {
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('broker unavailable');
    }
    this.calls.push(messages);
    this.afterPublish?.();
  }
  disconnect(): Promise<void> {
    this.disconnected = true;
    return Promise.resolve();
  }
}

function recordingLogger(): OutboxLogger & {
  lines: { level: string; obj: object; msg: string }[];
} {
  const lines: { level: string; obj: object; msg: string }[] = [];
  const at =
    (level: string) =>
    (obj: object, msg: string): void => {
      lines.push({ level, obj, msg });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const fast = { initialDelayMs: 1, maxDelayMs: 4 };

function relayFor(
  store: FakeStore,
  publisher: FakePublisher,
  options: Partial<OutboxRelayOptions> = {},
): OutboxRelay {
  return new OutboxRelay({
    sources: [store],
    publisher,
    relayId: 'relay-test',
    pollIntervalMs: 5,
    leaseMs: 5_000,
    retry: fast,
    ...options,
  });
}

async function eventually(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('OutboxRelay loop', () => {
  it("publishes a document's events in order in one call, then clears them and frees the lease", async () => {
    const store = new FakeStore();
    store.add('doc-1', ['e1', 'e2']);
    const publisher = new FakePublisher();
    const logger = recordingLogger();
    const relay = relayFor(store, publisher, { logger });

    expect(await relay.pollOnce()).toBe(1);

    expect(publisher.calls).toHaveLength(1);
    expect(publisher.ids).toEqual(['e1', 'e2']);
    expect(publisher.calls[0][0]).toMatchObject({ topic: 'trellis.test.v1', key: 'doc-1' });
    expect(store.docs.get('doc-1')).toEqual({ outbox: [], lease: null });
    expect(relay.counts()).toEqual({ published: 2, retried: 0, failed: 0, claimed: 1 });
    // The lease was freed with the clear: one write, no separate release.
    expect(store.clearCalls).toBe(1);
    expect(store.releaseCalls).toBe(0);
    expect(await relay.pollOnce()).toBe(0);
    expect(publisher.calls).toHaveLength(1);

    // Logs name events by id and type, never their payloads.
    const logged = JSON.stringify(logger.lines);
    expect(logged).toContain('e1');
    expect(logged).toContain('test.happened');
    expect(logged).not.toContain('narrative-of');
  });

  it('publishes long outboxes in chunks, clearing each chunk before the next', async () => {
    const store = new FakeStore();
    store.add('doc-1', ['e1', 'e2', 'e3', 'e4', 'e5']);
    const publisher = new FakePublisher();
    const remainingAtPublish: number[] = [];
    publisher.afterPublish = () => remainingAtPublish.push(store.docs.get('doc-1')!.outbox.length);
    await relayFor(store, publisher, { maxEventsPerPublish: 2 }).pollOnce();
    expect(publisher.calls.map((c) => c.length)).toEqual([2, 2, 1]);
    expect(publisher.ids).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
    expect(remainingAtPublish).toEqual([5, 3, 1]);
    expect(store.docs.get('doc-1')!.outbox).toEqual([]);
  });

  it('retries a failing publish with backoff and loses nothing', async () => {
    const store = new FakeStore();
    store.add('doc-1', ['e1', 'e2']);
    const publisher = new FakePublisher();
    publisher.fail(2);
    const logger = recordingLogger();
    const relay = relayFor(store, publisher, { logger });
    await relay.pollOnce();
    expect(publisher.ids).toEqual(['e1', 'e2']);
    expect(relay.counts()).toMatchObject({ published: 2, retried: 2, failed: 0 });
    expect(store.docs.get('doc-1')!.outbox).toEqual([]);
    expect(logger.lines.filter((l) => l.msg === 'outbox publish failed; retrying')).toHaveLength(2);
  });

  it('gives up after the last attempt, keeps the events and cools the document down', async () => {
    const store = new FakeStore();
    store.add('doc-1', ['e1']);
    store.add('doc-2', ['e2']);
    const publisher = new FakePublisher();
    publisher.fail(3);
    const relay = relayFor(store, publisher, {
      retry: { ...fast, attempts: 3 },
      failureCooldownMs: 60_000,
      batchSize: 1,
    });
    const started = Date.now();
    await relay.pollOnce();
    expect(relay.counts()).toMatchObject({ published: 0, retried: 2, failed: 1 });
    const failed = [...store.docs.entries()].find(([, d]) => d.outbox.length === 1 && d.lease)!;
    expect(failed[1].lease!.until.getTime()).toBeGreaterThanOrEqual(started + 60_000);
    // The cooled-down document does not block the other one.
    await relay.pollOnce();
    expect(publisher.calls).toHaveLength(1);
    expect(relay.counts()).toMatchObject({ published: 1, failed: 1 });
    expect(await relay.pollOnce()).toBe(0);
  });

  it('leaves documents leased by another relay alone until the lease expires', async () => {
    const store = new FakeStore();
    store.add('doc-1', ['e1']);
    store.docs.get('doc-1')!.lease = {
      owner: 'other',
      token: 't',
      until: new Date(Date.now() + 60_000),
    };
    const publisher = new FakePublisher();
    const relay = relayFor(store, publisher);
    expect(await relay.pollOnce()).toBe(0);
    expect(publisher.calls).toHaveLength(0);

    store.docs.get('doc-1')!.lease!.until = new Date(Date.now() - 1);
    expect(await relay.pollOnce()).toBe(1);
    expect(publisher.ids).toEqual(['e1']);
  });

  it('renews the lease while a slow publish is in flight', async () => {
    const store = new FakeStore();
    store.add('doc-1', ['e1']);
    const publisher = new FakePublisher();
    publisher.delayMs = 200;
    const leaseUntilDuringPublish: number[] = [];
    publisher.afterPublish = () =>
      leaseUntilDuringPublish.push(store.docs.get('doc-1')!.lease!.until.getTime());
    const started = Date.now();
    await relayFor(store, publisher, { leaseMs: 60 }).pollOnce();
    expect(store.extendCalls).toBeGreaterThanOrEqual(2);
    // Without renewal the lease would have ended at started + 60 ms, before the publish did.
    expect(leaseUntilDuringPublish[0]).toBeGreaterThan(started + 150);
    expect(store.docs.get('doc-1')).toEqual({ outbox: [], lease: null });
  });

  it('stops after the current chunk when the lease was lost, leaving the rest to the new holder', async () => {
    const store = new FakeStore();
    store.add('doc-1', ['e1', 'e2', 'e3']);
    store.leaseStolen = true;
    const publisher = new FakePublisher();
    publisher.delayMs = 80;
    const logger = recordingLogger();
    await relayFor(store, publisher, { leaseMs: 60, maxEventsPerPublish: 1, logger }).pollOnce();
    expect(publisher.ids).toEqual(['e1']);
    expect(store.docs.get('doc-1')!.outbox.map((e) => e.id)).toEqual(['e2', 'e3']);
    expect(logger.lines.map((l) => l.msg)).toContain(
      'outbox lease lost; the remaining events are left to its new holder',
    );
  });

  it('on abort between publish and clear, writes nothing more: events and lease stay', async () => {
    const store = new FakeStore();
    store.add('doc-1', ['e1']);
    const publisher = new FakePublisher();
    const relay = relayFor(store, publisher);
    let aborting: Promise<void> | undefined;
    publisher.afterPublish = () => {
      aborting = relay.abort();
    };
    await expect(relay.pollOnce()).rejects.toBeInstanceOf(RelayAbortedError);
    await aborting;
    expect(publisher.ids).toEqual(['e1']);
    const doc = store.docs.get('doc-1')!;
    expect(doc.outbox.map((e) => e.id)).toEqual(['e1']);
    expect(doc.lease?.owner).toBe('relay-test');
    expect(relay.counts().published).toBe(0);
    // Final: the relay does not start again.
    relay.start();
    expect(relay.running).toBe(false);
  });

  it('ends its loop on abort too, and a second relay republishes after the lease expired', async () => {
    const store = new FakeStore();
    store.add('doc-1', ['e1']);
    const publisher = new FakePublisher();
    const first = relayFor(store, publisher, { leaseMs: 100 });
    let aborting: Promise<void> | undefined;
    publisher.afterPublish = () => {
      publisher.afterPublish = undefined;
      aborting = first.abort();
    };
    first.start();
    await eventually(() => aborting !== undefined);
    await aborting;
    expect(first.running).toBe(false);

    const second = relayFor(store, publisher, { relayId: 'relay-2', leaseMs: 100 });
    second.start();
    await eventually(() => store.docs.get('doc-1')!.outbox.length === 0);
    await second.stop();
    expect(publisher.ids).toEqual(['e1', 'e1']);
  });

  it('runs in the background until stopped, picking up new events', async () => {
    const store = new FakeStore();
    const publisher = new FakePublisher();
    const relay = relayFor(store, publisher);
    relay.start();
    relay.start();
    expect(relay.running).toBe(true);
    store.add('doc-1', ['e1']);
    await eventually(() => publisher.ids.length === 1);
    store.add('doc-2', ['e2', 'e3']);
    await eventually(() => publisher.ids.length === 3);
    await relay.stop();
    expect(relay.running).toBe(false);
    expect(publisher.ids).toEqual(['e1', 'e2', 'e3']);
  });

  it('gives up a retry wait when stopped, freeing the lease for another relay', async () => {
    const store = new FakeStore();
    store.add('doc-1', ['e1']);
    const publisher = new FakePublisher();
    publisher.fail(100);
    const relay = relayFor(store, publisher, {
      retry: { attempts: 10, initialDelayMs: 10_000, maxDelayMs: 10_000 },
    });
    relay.start();
    await eventually(() => relay.counts().retried === 1);
    const started = Date.now();
    await relay.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(store.docs.get('doc-1')).toMatchObject({ lease: null });
    expect(store.docs.get('doc-1')!.outbox).toHaveLength(1);
  });

  it('reports the age of the oldest pending event', async () => {
    const store = new FakeStore();
    const relay = relayFor(store, new FakePublisher());
    expect((await relay.metrics()).oldestPendingAgeMs).toBeNull();
    store.add('doc-1', ['e1'], new Date(Date.now() - 5_000));
    store.add('doc-2', ['e2'], new Date(Date.now() - 1_000));
    const m = await relay.metrics();
    expect(m.oldestPendingAgeMs).toBeGreaterThanOrEqual(5_000);
    expect(m.oldestPendingAgeMs).toBeLessThan(60_000);
    expect(m).toMatchObject({ relayId: 'relay-test', running: false, published: 0 });
  });
});

describe('backoffDelay', () => {
  it('doubles per attempt up to the cap, jittered between half and full', () => {
    const policy = { initialDelayMs: 100, maxDelayMs: 1_000 };
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, policy, () => 1))).toEqual([
      100, 200, 400, 800, 1_000,
    ]);
    expect(backoffDelay(3, policy, () => 0)).toBe(200);
  });
});

describe('toOutboxMessage', () => {
  it('sends the envelope as JSON with event id, type and correlation headers', () => {
    const [event] = pendingEvents([
      {
        topic: 't',
        key: 'k',
        envelope: { id: 'e1', type: 'x.happened', payload: {} },
        headers: { 'x-source': 'api' },
        correlationId: 'corr-1',
      },
    ]);
    expect(toOutboxMessage(event)).toEqual({
      topic: 't',
      key: 'k',
      value: '{"id":"e1","type":"x.happened","payload":{}}',
      headers: {
        'x-source': 'api',
        'x-event-id': 'e1',
        'x-event-type': 'x.happened',
        'x-correlation-id': 'corr-1',
      },
    });
  });
});

describe('OutboxModule', () => {
  it('starts the relay on bootstrap, stops it and disconnects the publisher on shutdown', async () => {
    const store = new FakeStore();
    store.add('doc-1', ['e1']);
    const publisher = new FakePublisher();
    const moduleRef = await Test.createTestingModule({
      imports: [
        OutboxModule.forRootAsync({
          useFactory: () => ({ sources: [store], publisher, pollIntervalMs: 5 }),
        }),
      ],
    }).compile();
    const app = await moduleRef.init();
    const relay = app.get(OutboxRelay);
    expect(relay.running).toBe(true);
    await eventually(() => publisher.ids.length === 1);
    await app.close();
    expect(relay.running).toBe(false);
    expect(publisher.disconnected).toBe(true);
  });

  it('does not start the relay with autoStart: false', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        OutboxModule.forRootAsync({
          useFactory: () => ({
            sources: [new FakeStore()],
            publisher: new FakePublisher(),
            autoStart: false,
          }),
        }),
      ],
    }).compile();
    const app = await moduleRef.init();
    expect(app.get(OutboxRelay).running).toBe(false);
    await app.close();
  });
});
