import type { Kafka } from 'kafkajs';
import { Schema, type Model } from 'mongoose';
import { createTestTopics, testKafka, testMongoose, uniqueName } from '@trellis/testing';
import { DataScope, ScopedRepository, versionedSchemaOptions } from '@trellis/platform-mongo';
import { KafkaEventPublisher } from './kafka.publisher';
import { OutboxRelay, type EventPublisher, type OutboxMessage } from './outbox.relay';
import { outboxPlugin, type WithOutbox } from './outbox.schema';
import { documentWithOutbox, withOutbox, type OutboxEvent } from './outbox.update';

interface Engagement extends WithOutbox {
  _id: string;
  organisationId: string;
  phase: string;
  __v?: number;
  updatedAt?: Date;
}

function engagementSchema(): Schema<Engagement> {
  const schema = new Schema<Engagement>(
    {
      _id: { type: String, required: true },
      organisationId: { type: String, required: true },
      phase: { type: String, required: true },
    },
    versionedSchemaOptions,
  );
  schema.plugin(outboxPlugin);
  return schema;
}

interface Received {
  id: string;
  key: string;
  partition: number;
  envelope: Record<string, unknown>;
  headers: Record<string, string>;
}

/** Number of messages in a topic, from the broker's offsets (independent of any consumer). */
async function messageCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Consumes a topic from the beginning with a fresh group until `count` messages arrived. */
async function consume(kafka: Kafka, topic: string, count: number): Promise<Received[]> {
  const consumer = kafka.consumer({
    groupId: uniqueName('outbox-test'),
    sessionTimeout: 10_000,
    heartbeatInterval: 500,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const received: Received[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: ({ message, partition }) => {
            const headers = Object.fromEntries(
              Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
            );
            const envelope = JSON.parse(message.value!.toString()) as Record<string, unknown>;
            received.push({
              id: envelope['id'] as string,
              key: message.key!.toString(),
              partition,
              envelope,
              headers,
            });
            if (received.length >= count) resolve();
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}

/** What an idempotent consumer does: handle each event id once, drop repeats. */
function dedupeById(messages: Received[]): Received[] {
  const seen = new Set<string>();
  return messages.filter((m) => (seen.has(m.id) ? false : (seen.add(m.id), true)));
}

function event(topic: string, key: string, id: string, type: string): OutboxEvent {
  return {
    topic,
    key,
    envelope: { id, type, version: 1, occurredAt: new Date().toISOString(), payload: { key } },
  };
}

async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('OutboxRelay on real FerretDB/MongoDB and Kafka', () => {
  let db: Awaited<ReturnType<typeof testMongoose>>;
  let kafka: Kafka;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    db = await testMongoose('outbox');
    kafka = testKafka();
  });

  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await db.dispose();
  });

  /** A fresh collection, topic and Kafka publisher for one test. */
  async function fixture(name: string): Promise<{
    Engagements: Model<Engagement>;
    topic: string;
    kafkaPublisher: KafkaEventPublisher;
    pending: () => Promise<number>;
  }> {
    const Engagements = db.connection.model<Engagement>(name, engagementSchema());
    await Engagements.init();
    const topic = uniqueName(`outbox-${name}`).replace(/_/g, '.');
    const topics = await createTestTopics(kafka, [{ topic, numPartitions: 3 }]);
    const kafkaPublisher = new KafkaEventPublisher(kafka);
    cleanups.push(
      () => topics.deleteAll(),
      () => kafkaPublisher.disconnect(),
    );
    const pending = (): Promise<number> =>
      Engagements.countDocuments({ 'outbox.0': { $exists: true } }).exec();
    return { Engagements, topic, kafkaPublisher, pending };
  }

  it('publishes the events of a state change once, in order, and clears the outbox', async () => {
    const { Engagements, topic, kafkaPublisher } = await fixture('StateChange');
    const repo = new ScopedRepository(Engagements, { organisation: 'organisationId' });
    const scope = DataScope.organisation('org-1');

    // Insert with its first event, then one update that changes state and adds two events.
    const created = documentWithOutbox({ _id: 'eng-1', organisationId: 'org-1', phase: 'new' }, [
      event(topic, 'eng-1', 'ev-created', 'engagement.created'),
    ]);
    created.outbox[0].envelope = { ...created.outbox[0].envelope, payload: { changes: {} } };
    created.outbox[0].correlationId = 'corr-42';
    const inserted = await repo.insert(scope, created);
    const updated = await repo.updateById(
      scope,
      'eng-1',
      inserted.__v!,
      withOutbox({ $set: { phase: 'agreement' } }, [
        event(topic, 'eng-1', 'ev-phase', 'engagement.phase-changed'),
        event(topic, 'eng-1', 'ev-officer', 'engagement.officer-assigned'),
      ]),
    );
    expect(updated.phase).toBe('agreement');
    expect(updated.outbox!.map((e) => e.id)).toEqual(['ev-created', 'ev-phase', 'ev-officer']);

    const relay = new OutboxRelay({ sources: [Engagements], publisher: kafkaPublisher });
    expect((await relay.metrics()).oldestPendingAgeMs).toBeGreaterThanOrEqual(0);
    expect(await relay.pollOnce()).toBe(1);

    const stored = await Engagements.findById('eng-1').lean().orFail();
    expect(stored.outbox).toEqual([]);
    expect(stored.outboxLease).toBeNull();
    // The relay's writes do not bump the version nor updatedAt: no false version conflicts.
    expect(stored.__v).toBe(updated.__v);
    expect(stored.updatedAt).toEqual(updated.updatedAt);
    expect(relay.counts()).toEqual({ published: 3, retried: 0, failed: 0, claimed: 1 });
    expect((await relay.metrics()).oldestPendingAgeMs).toBeNull();

    expect(await messageCount(kafka, topic)).toBe(3);
    const received = await consume(kafka, topic, 3);
    expect(received.map((r) => r.id)).toEqual(['ev-created', 'ev-phase', 'ev-officer']);
    expect(new Set(received.map((r) => r.partition)).size).toBe(1);
    expect(received[0].envelope['payload']).toEqual({ changes: {} });
    expect(received[0].headers).toMatchObject({
      'x-event-id': 'ev-created',
      'x-event-type': 'engagement.created',
      'x-correlation-id': 'corr-42',
    });
    expect(received[1].key).toBe('eng-1');
  });

  it('retries a publisher that fails twice, then publishes everything once', async () => {
    const { Engagements, topic, kafkaPublisher, pending } = await fixture('Retry');
    await Engagements.create(
      documentWithOutbox({ _id: 'eng-2', organisationId: 'org-1', phase: 'new' }, [
        event(topic, 'eng-2', 'ev-a', 'engagement.created'),
        event(topic, 'eng-2', 'ev-b', 'engagement.routed'),
      ]),
    );
    let failuresLeft = 2;
    const flaky: EventPublisher = {
      publish: async (messages) => {
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          throw new Error('broker not reachable');
        }
        await kafkaPublisher.publish(messages);
      },
    };
    const relay = new OutboxRelay({
      sources: [Engagements],
      publisher: flaky,
      retry: { initialDelayMs: 20, maxDelayMs: 100 },
    });
    await relay.pollOnce();
    expect(relay.counts()).toMatchObject({ published: 2, retried: 2, failed: 0 });
    expect(await pending()).toBe(0);
    expect(await messageCount(kafka, topic)).toBe(2);
    expect((await consume(kafka, topic, 2)).map((r) => r.id)).toEqual(['ev-a', 'ev-b']);
  });

  it('republishes after a crash between publish and clear (a duplicate, nothing lost), and a consumer deduplicating by id sees it once', async () => {
    const { Engagements, topic, kafkaPublisher, pending } = await fixture('Crash');
    await Engagements.create(
      documentWithOutbox({ _id: 'eng-3', organisationId: 'org-1', phase: 'new' }, [
        event(topic, 'eng-3', 'ev-crash', 'engagement.created'),
      ]),
    );
    const leaseMs = 1_500;
    const publishedAt: number[] = [];
    const first = new OutboxRelay({
      sources: [Engagements],
      relayId: 'relay-crashing',
      leaseMs,
      pollIntervalMs: 20,
      // Publishes for real, then the relay "dies" before it can clear the outbox.
      publisher: {
        publish: async (messages: OutboxMessage[]) => {
          await kafkaPublisher.publish(messages);
          publishedAt.push(Date.now());
          void first.abort();
        },
      },
    });
    first.start();
    await until(() => Promise.resolve(!first.running));

    const left = await Engagements.findById('eng-3').lean().orFail();
    expect(left.outbox!.map((e) => e.id)).toEqual(['ev-crash']);
    expect(left.outboxLease?.owner).toBe('relay-crashing');
    const leaseEnd = left.outboxLease!.until.getTime();

    const second = new OutboxRelay({
      sources: [Engagements],
      relayId: 'relay-survivor',
      leaseMs,
      pollIntervalMs: 20,
      publisher: {
        publish: async (messages: OutboxMessage[]) => {
          publishedAt.push(Date.now());
          await kafkaPublisher.publish(messages);
        },
      },
    });
    second.start();
    try {
      await until(async () => (await pending()) === 0);
    } finally {
      await second.stop();
    }
    expect(publishedAt).toHaveLength(2);
    // The survivor waited for the crashed relay's lease to expire.
    expect(publishedAt[1]).toBeGreaterThanOrEqual(leaseEnd);
    expect(second.counts()).toMatchObject({ published: 1, claimed: 1 });

    expect(await messageCount(kafka, topic)).toBe(2);
    const received = await consume(kafka, topic, 2);
    expect(received.map((r) => r.id)).toEqual(['ev-crash', 'ev-crash']);
    expect(dedupeById(received).map((r) => r.id)).toEqual(['ev-crash']);
  });

  it('two relays running concurrently over 50 documents publish every event once and clear every outbox', async () => {
    const { Engagements, topic, kafkaPublisher, pending } = await fixture('Concurrent');
    const docs = Array.from({ length: 50 }, (_, i) =>
      documentWithOutbox({ _id: `eng-${i}`, organisationId: `org-${i % 5}`, phase: 'new' }, [
        event(topic, `eng-${i}`, `ev-${i}-1`, 'engagement.created'),
        event(topic, `eng-${i}`, `ev-${i}-2`, 'engagement.routed'),
      ]),
    );
    await Engagements.insertMany(docs);

    const secondPublisher = new KafkaEventPublisher(kafka);
    cleanups.push(() => secondPublisher.disconnect());
    // A little latency per publish, so that the two relays really overlap.
    const slow = (inner: EventPublisher): EventPublisher => ({
      publish: async (messages) => {
        await new Promise((r) => setTimeout(r, 5));
        await inner.publish(messages);
      },
    });
    const relays = [
      new OutboxRelay({
        sources: [Engagements],
        publisher: slow(kafkaPublisher),
        relayId: 'relay-a',
        batchSize: 10,
        pollIntervalMs: 20,
      }),
      new OutboxRelay({
        sources: [Engagements],
        publisher: slow(secondPublisher),
        relayId: 'relay-b',
        batchSize: 10,
        pollIntervalMs: 20,
      }),
    ];
    for (const r of relays) r.start();
    try {
      await until(async () => (await pending()) === 0);
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
    }

    const [a, b] = relays.map((r) => r.counts());
    expect(a.published + b.published).toBe(100);
    expect(a.published).toBeGreaterThan(0);
    expect(b.published).toBeGreaterThan(0);
    expect(await Engagements.countDocuments({ outboxLease: { $ne: null } })).toBe(0);

    expect(await messageCount(kafka, topic)).toBe(100);
    const received = await consume(kafka, topic, 100);
    expect(new Set(received.map((r) => r.id)).size).toBe(100);
    for (let i = 0; i < 50; i++) {
      expect(received.filter((r) => r.key === `eng-${i}`).map((r) => r.id)).toEqual([
        `ev-${i}-1`,
        `ev-${i}-2`,
      ]);
    }
  });
});
