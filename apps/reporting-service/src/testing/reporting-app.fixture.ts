import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  decodeEvent,
  eventDefinition,
  eventKey,
  TOPICS,
  type TrellisEvent,
} from '@trellis/contracts';
import { bearer, TokenMinter } from '@trellis/platform-auth';
import {
  createTestTopics,
  mongoUrlForDatabase,
  resolveEndpoints,
  testKafka,
  uniqueName,
} from '@trellis/testing';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { MongoClient, type Db } from 'mongodb';
import { createReportingApp, type ConfigSource } from '../app.module';
import { consumedTopics } from '../read-model/events.consumer';

/** A response of {@link ReportingTestApp.call}. */
export interface CallResult {
  status: number;
  text: string;
  headers: Record<string, unknown>;
  /** The body as an object (`{}` when it is not JSON). */
  json: Record<string, unknown>;
}

/** The topics of one test run (isolated by a prefix). */
export interface TestTopics {
  prefix: string;
  kafka: Kafka;
  producer: Producer;
  /** Publishes events to their (prefixed) topics, keyed as their producers would. */
  publish(events: readonly TrellisEvent[]): Promise<void>;
  /** Publishes a raw value to a prefixed topic (e.g. something that is not an event). */
  publishRaw(topic: string, key: string, value: string): Promise<void>;
  close(): Promise<void>;
}

/** Creates the consumed topics (and the dead-letter topic) under a fresh prefix. */
export async function createTopics(): Promise<TestTopics> {
  const prefix = `${uniqueName('rep')}.`;
  const kafka = testKafka();
  const created = await createTestTopics(kafka, [
    ...consumedTopics(prefix).map((topic) => ({ topic, numPartitions: 3 })),
    { topic: `${prefix}${TOPICS.deadLetter}`, numPartitions: 1 },
  ]);
  const producer = kafka.producer();
  await producer.connect();
  return {
    prefix,
    kafka,
    producer,
    async publish(events) {
      const byTopic = new Map<string, { key: string; value: string }[]>();
      for (const event of events) {
        const topic = `${prefix}${eventDefinition(event.type, event.version)?.topic ?? ''}`;
        const list = byTopic.get(topic) ?? [];
        list.push({ key: eventKey(event), value: JSON.stringify(event) });
        byTopic.set(topic, list);
      }
      for (const [topic, messages] of byTopic) {
        for (let i = 0; i < messages.length; i += 500) {
          await producer.send({ topic, messages: messages.slice(i, i + 500) });
        }
      }
    },
    async publishRaw(topic, key, value) {
      await producer.send({ topic: `${prefix}${topic}`, messages: [{ key, value }] });
    },
    async close() {
      await producer.disconnect().catch(() => undefined);
      await created.deleteAll().catch(() => undefined);
    },
  };
}

/** The reporting service on the real servers with its own database and topics. */
export interface ReportingTestApp {
  app: NestFastifyApplication;
  minter: TokenMinter;
  env: ConfigSource;
  /** The service's database, through the raw driver. */
  db: Db;
  /** GET through Fastify's injector. */
  call(url: string, token?: string, headers?: Record<string, string>): Promise<CallResult>;
  /** Waits until the service's consumer group has committed the end of every topic. */
  waitUntilConsumed(timeoutMs?: number): Promise<void>;
  close(options?: { keepData?: boolean }): Promise<void>;
}

/** A base64 pseudonym key for tests. */
export const TEST_PSEUDONYM_KEY = Buffer.alloc(32, 5).toString('base64');

/** Boots the service against the real MongoDB/FerretDB and Kafka on `topics`. */
export async function startReportingApp(
  topics: TestTopics,
  overrides: ConfigSource = {},
): Promise<ReportingTestApp> {
  const endpoints = resolveEndpoints();
  const minter = await TokenMinter.create();
  const database = overrides['MONGO_DB'] ?? uniqueName('reporting');
  const env: ConfigSource = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '3105',
    MONGO_URL: endpoints.mongoUrl,
    MONGO_DB: database,
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    JWT_ISSUER: minter.issuer,
    JWT_AUDIENCE: minter.audience,
    JWT_JWKS: JSON.stringify(minter.jwks),
    PSEUDONYM_KEY: TEST_PSEUDONYM_KEY,
    MIN_CELL_SIZE: '1',
    KAFKA_GROUP_ID: uniqueName('reporting-group'),
    TOPIC_PREFIX: topics.prefix,
    FRESHNESS_FLUSH_MS: '50',
    TOMBSTONE_REFRESH_MS: '200',
    ...overrides,
  };
  const { app } = await createReportingApp(env);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const client = await MongoClient.connect(mongoUrlForDatabase(endpoints.mongoUrl, database));
  const db = client.db(database);

  return {
    app,
    minter,
    env,
    db,
    async call(url, token, headers = {}) {
      const res = await app.inject({
        method: 'GET',
        url,
        headers: { ...(token ? bearer(token) : {}), ...headers },
      });
      let json: Record<string, unknown> = {};
      try {
        const parsed: unknown = JSON.parse(res.body);
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
          json = parsed as Record<string, unknown>;
        }
      } catch {
        // not JSON (CSV)
      }
      return { status: res.statusCode, text: res.body, headers: res.headers, json };
    },
    async waitUntilConsumed(timeoutMs = 60_000) {
      const admin = topics.kafka.admin();
      await admin.connect();
      try {
        const names = consumedTopics(topics.prefix);
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const highs = new Map<string, string>();
          for (const topic of names) {
            for (const o of await admin.fetchTopicOffsets(topic))
              highs.set(`${topic}:${o.partition}`, o.high);
          }
          const committed = await admin.fetchOffsets({
            groupId: env['KAFKA_GROUP_ID'] ?? '',
            topics: names,
          });
          const behind = [...highs.entries()].filter(([key, high]) => {
            const [topic, partition] = [
              key.slice(0, key.lastIndexOf(':')),
              Number(key.slice(key.lastIndexOf(':') + 1)),
            ];
            const offset = committed
              .find((c) => c.topic === topic)
              ?.partitions.find((p) => p.partition === partition)?.offset;
            return high !== '0' && (offset === undefined || BigInt(offset) < BigInt(high));
          });
          if (behind.length === 0) break;
          if (Date.now() > deadline)
            throw new Error(`the projection did not catch up: ${behind.length} partitions behind`);
          await new Promise((r) => setTimeout(r, 200));
        }
      } finally {
        await admin.disconnect();
      }
      // The freshness state is saved every FRESHNESS_FLUSH_MS.
      await new Promise((r) => setTimeout(r, 150));
    },
    async close(options = {}) {
      await app.close();
      if (!options.keepData) await db.dropDatabase().catch(() => undefined);
      await client.close();
    },
  };
}

/** Watches a topic from its current end (fresh group); collects decoded events. */
export class TopicWatcher {
  readonly received: TrellisEvent[] = [];

  private constructor(private readonly consumer: Consumer) {}

  static async start(kafka: Kafka, topic: string): Promise<TopicWatcher> {
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
    const consumer = kafka.consumer({ groupId: uniqueName('rep-watch'), maxWaitTimeInMs: 100 });
    const watcher = new TopicWatcher(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: false });
    await consumer.run({
      eachMessage: ({ message }) => {
        watcher.received.push(decodeEvent(message.value?.toString('utf8') ?? ''));
        return Promise.resolve();
      },
    });
    for (const { partition, high } of offsets) consumer.seek({ topic, partition, offset: high });
    return watcher;
  }

  async waitFor(
    predicate: (e: TrellisEvent) => boolean,
    timeoutMs = 30_000,
  ): Promise<TrellisEvent[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.filter(predicate);
      if (found.length > 0) return found;
      if (Date.now() > deadline) throw new Error('the expected event did not arrive in time');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
