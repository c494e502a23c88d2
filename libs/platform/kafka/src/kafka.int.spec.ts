import { Controller, Global, Module, type INestMicroservice } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, type MicroserviceOptions } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { LoggingModule, NestPinoLogger, correlation } from '@trellis/platform-logging';
import {
  createTestTopics,
  resolveEndpoints,
  testKafka,
  testMongoose,
  uniqueName,
} from '@trellis/testing';
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { z } from 'zod';
import { readDeadLetterHeaders, type DeadLetterInfo } from './dead-letter';
import { KafkaEventConsumer, type ConsumedEventMeta } from './event.consumer';
import { EventProducer } from './event.producer';
import { PROCESSED_EVENTS_COLLECTION } from './idempotent.consumer';
import { checkKafka, ensureTopics } from './kafka.client';
import { decodeHeaders } from './kafka.headers';
import { KafkaModule, kafkaMicroserviceOptions } from './kafka.module';

/** Stand-in for `parseEvent` of `@trellis/contracts`: a versioned envelope schema. */
const TestEvent = z.object({
  id: z.uuid(),
  type: z.literal('test.incident-recorded'),
  version: z.literal(1),
  occurredAt: z.iso.datetime(),
  payload: z.object({ severity: z.number().int().min(1).max(5), narrative: z.string() }),
});
type TestEvent = z.infer<typeof TestEvent>;
const parseEvent = (raw: unknown): TestEvent => TestEvent.parse(raw);

/** A value that must never reach a log line. */
const NARRATIVE = `armed men asked for the coordinator ${randomUUID()}`;

const testEvent = (severity = 3): TestEvent => ({
  id: randomUUID(),
  type: 'test.incident-recorded',
  version: 1,
  occurredAt: new Date().toISOString(),
  payload: { severity, narrative: NARRATIVE },
});

interface Handled {
  event: TestEvent;
  meta: ConsumedEventMeta;
  correlationId: string | undefined;
}

async function eventually<T>(
  check: () => T | undefined,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Kafka on the Nest microservice transport, against the real broker and FerretDB', () => {
  const topics = {
    delivered: uniqueName('delivered'),
    duplicate: uniqueName('duplicate'),
    invalid: uniqueName('invalid'),
    flaky: uniqueName('flaky'),
    broken: uniqueName('broken'),
    deadLetter: uniqueName('dead-letter'),
  };
  const groupId = uniqueName('group');
  const MONGO = Symbol('MONGO');

  const handled: Record<keyof typeof topics, Handled[]> = {
    delivered: [],
    duplicate: [],
    invalid: [],
    flaky: [],
    broken: [],
    deadLetter: [],
  };
  const deadLetters: {
    key: string | null;
    value: string | null;
    headers: Record<string, string>;
    info: DeadLetterInfo;
  }[] = [];
  const logLines: string[] = [];
  let flakyFailures = 1;

  let kafka: Kafka;
  let mongo: Awaited<ReturnType<typeof testMongoose>>;
  let testTopics: { deleteAll(): Promise<void> };
  let app: INestMicroservice;
  let rawProducer: Producer;
  let deadLetterReader: Consumer;

  @Controller()
  class TestEventsController {
    constructor(private readonly events: KafkaEventConsumer) {}

    private record(name: keyof typeof topics) {
      return (event: TestEvent, meta: ConsumedEventMeta) => {
        handled[name].push({ event, meta, correlationId: correlation.id() });
      };
    }

    @EventPattern(topics.delivered)
    delivered(@Ctx() context: KafkaContext): Promise<void> {
      return this.events.consume(
        context,
        { consumer: 'test.delivered', parse: parseEvent },
        async (event, meta) => {
          await new Promise((r) => setTimeout(r, 10)); // the correlation id survives awaits and timers
          this.record('delivered')(event, meta);
        },
      );
    }

    @EventPattern(topics.duplicate)
    duplicate(@Ctx() context: KafkaContext): Promise<void> {
      return this.events.consume(
        context,
        { consumer: 'test.duplicate', parse: parseEvent },
        this.record('duplicate'),
      );
    }

    @EventPattern(topics.invalid)
    invalid(@Ctx() context: KafkaContext): Promise<void> {
      return this.events.consume(
        context,
        { consumer: 'test.invalid', parse: parseEvent },
        this.record('invalid'),
      );
    }

    @EventPattern(topics.flaky)
    flaky(@Ctx() context: KafkaContext): Promise<void> {
      return this.events.consume(
        context,
        { consumer: 'test.flaky', parse: parseEvent },
        (event, meta) => {
          if (flakyFailures > 0) {
            flakyFailures -= 1;
            throw new Error('database briefly unavailable');
          }
          this.record('flaky')(event, meta);
        },
      );
    }

    @EventPattern(topics.broken)
    broken(@Ctx() context: KafkaContext): Promise<void> {
      return this.events.consume(
        context,
        { consumer: 'test.broken', parse: parseEvent, maxAttempts: 2 },
        (event, meta) => {
          if (event.payload.severity === 5) throw new Error('cannot handle severity 5');
          this.record('broken')(event, meta);
        },
      );
    }
  }

  beforeAll(async () => {
    kafka = testKafka();
    mongo = await testMongoose('kafka_consumer');
    testTopics = await createTestTopics(
      kafka,
      Object.values(topics).map((topic) => ({
        topic,
        numPartitions: topic === topics.deadLetter ? 1 : 2,
      })),
    );

    @Global()
    @Module({ providers: [{ provide: MONGO, useValue: mongo.connection }], exports: [MONGO] })
    class TestMongoModule {}

    const { kafkaBrokers } = resolveEndpoints();
    const clientId = uniqueName('kafka-int');
    const moduleRef = await Test.createTestingModule({
      imports: [
        LoggingModule.forRoot({
          service: 'kafka-int',
          level: 'debug',
          destination: { write: (line: string) => void logLines.push(line) },
        }),
        TestMongoModule,
        KafkaModule.forRoot({
          clientId,
          brokers: kafkaBrokers,
          groupId,
          deadLetterTopic: topics.deadLetter,
          maxAttempts: 3,
          mongoConnection: MONGO,
        }),
      ],
      controllers: [TestEventsController],
    }).compile();
    app = moduleRef.createNestMicroservice<MicroserviceOptions>(
      kafkaMicroserviceOptions({
        clientId,
        brokers: kafkaBrokers,
        groupId,
        maxAttempts: 3,
        consumer: {
          maxWaitTimeInMs: 200,
          retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: 20 },
        },
      }),
    );
    app.useLogger(app.get(NestPinoLogger));
    await app.listen();

    rawProducer = kafka.producer();
    await rawProducer.connect();
    deadLetterReader = kafka.consumer({ groupId: uniqueName('dlq-reader'), maxWaitTimeInMs: 200 });
    await deadLetterReader.connect();
    await deadLetterReader.subscribe({ topic: topics.deadLetter, fromBeginning: true });
    await deadLetterReader.run({
      eachMessage: async ({ message }) => {
        const headers = decodeHeaders(message.headers);
        deadLetters.push({
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          headers,
          info: readDeadLetterHeaders(headers)!,
        });
        return Promise.resolve();
      },
    });
  });

  afterAll(async () => {
    await app?.close();
    await deadLetterReader?.disconnect();
    await rawProducer?.disconnect();
    await testTopics?.deleteAll();
    await mongo?.dispose();
  });

  afterEach(() => {
    // Nothing sensitive reached a log line (the payloads carry NARRATIVE).
    expect(logLines.join('')).not.toContain(NARRATIVE);
  });

  const publish = (topic: string, event: TestEvent, correlationId?: string) =>
    app.get(EventProducer).publish(topic, { key: event.id, event, correlationId });

  it('delivers a produced event to its @EventPattern handler with the correlation id restored', async () => {
    const event = testEvent();
    await correlation.run('corr-delivered-1', () =>
      app.get(EventProducer).publish(topics.delivered, { key: 'org-1', event }),
    );
    const [received] = await eventually(
      () => (handled.delivered.length > 0 ? handled.delivered : undefined),
      'the delivered event',
    );
    expect(received.event).toEqual(event);
    expect(received.correlationId).toBe('corr-delivered-1');
    expect(received.meta).toMatchObject({
      topic: topics.delivered,
      key: 'org-1',
      correlationId: 'corr-delivered-1',
      attempt: 1,
    });
    expect(received.meta.headers).toMatchObject({
      'event-id': event.id,
      'event-type': 'test.incident-recorded',
      'event-version': '1',
    });
  });

  it('handles an event delivered twice only once, with the marker in processed_events', async () => {
    const event = testEvent();
    const after = testEvent();
    // One key, one partition: `after` is handled only once both copies have been consumed.
    const producer = app.get(EventProducer);
    await producer.publish(topics.duplicate, { key: 'org-dup', event });
    await producer.publish(topics.duplicate, { key: 'org-dup', event }); // e.g. a relay that died before clearing
    await producer.publish(topics.duplicate, { key: 'org-dup', event: after });
    await eventually(
      () => (handled.duplicate.some((h) => h.event.id === after.id) ? true : undefined),
      'the event after the duplicate',
    );
    expect(handled.duplicate.map((h) => h.event.id)).toEqual([event.id, after.id]);
    const markers = await mongo.connection
      .collection(PROCESSED_EVENTS_COLLECTION)
      .find({ consumer: 'test.duplicate' })
      .toArray();
    expect(markers.map((m) => String(m._id)).sort()).toEqual(
      [`test.duplicate:${event.id}`, `test.duplicate:${after.id}`].sort(),
    );
    expect(markers.every((m) => m['state'] === 'done')).toBe(true);
  });

  it('dead-letters a malformed and a schema-invalid message with their origin and reason, then goes on', async () => {
    const invalid = { ...testEvent(), payload: { severity: 'high', narrative: NARRATIVE } };
    const valid = testEvent();
    const sent = await rawProducer.send({
      topic: topics.invalid,
      messages: [
        {
          key: 'org-inv',
          value: `{"payload": {"narrative": "${NARRATIVE}"`,
          headers: { 'x-correlation-id': 'corr-bad-json' },
        },
        {
          key: 'org-inv',
          value: JSON.stringify(invalid),
          headers: { 'x-correlation-id': 'corr-bad-schema' },
        },
        { key: 'org-inv', value: JSON.stringify(valid) },
      ],
    });
    const { partition, baseOffset } = sent[0];
    const first = BigInt(baseOffset!);

    const [received] = await eventually(
      () => (handled.invalid.length > 0 ? handled.invalid : undefined),
      'the valid message after the invalid ones',
    );
    expect(received.event.id).toBe(valid.id);
    expect(handled.invalid).toHaveLength(1);

    const mine = await eventually(() => {
      const found = deadLetters.filter((d) => d.info.originalTopic === topics.invalid);
      return found.length === 2 ? found : undefined;
    }, 'two dead letters');
    const byCode = Object.fromEntries(mine.map((d) => [d.info.errorCode, d]));
    expect(byCode['MALFORMED_JSON'].info).toMatchObject({
      originalPartition: partition,
      originalOffset: String(first),
      consumer: 'test.invalid',
      attempts: 0,
    });
    expect(byCode['MALFORMED_JSON'].info.issues).toMatch(/^value is not valid JSON \(\d+ bytes\)$/);
    expect(byCode['MALFORMED_JSON'].headers['x-correlation-id']).toBe('corr-bad-json');
    expect(byCode['MALFORMED_JSON'].key).toBe('org-inv');
    expect(byCode['MALFORMED_JSON'].value).toContain('"narrative"'); // the original bytes, for replay
    expect(byCode['SCHEMA_INVALID'].info).toMatchObject({
      originalPartition: partition,
      originalOffset: String(first + 1n),
      consumer: 'test.invalid',
    });
    expect(byCode['SCHEMA_INVALID'].info.issues).toMatch(/^payload\.severity: /);
    expect(byCode['SCHEMA_INVALID'].info.issues).not.toContain(NARRATIVE);
    expect(byCode['SCHEMA_INVALID'].headers['x-correlation-id']).toBe('corr-bad-schema');
    expect(JSON.parse(byCode['SCHEMA_INVALID'].value!)).toEqual(invalid);
  });

  it('retries a handler that fails once, then handles the event once', async () => {
    const event = testEvent();
    await publish(topics.flaky, event, 'corr-flaky');
    const [received] = await eventually(
      () => (handled.flaky.length > 0 ? handled.flaky : undefined),
      'the retried event',
    );
    expect(flakyFailures).toBe(0);
    expect(received.event.id).toBe(event.id);
    expect(received.meta.attempt).toBe(2);
    expect(received.correlationId).toBe('corr-flaky');
    expect(handled.flaky).toHaveLength(1);
    expect(deadLetters.filter((d) => d.info.originalTopic === topics.flaky)).toEqual([]);
  });

  it('dead-letters a message whose handler keeps failing after maxAttempts, then goes on', async () => {
    const poison = testEvent(5);
    const next = testEvent(2);
    const producer = app.get(EventProducer);
    await producer.publish(topics.broken, {
      key: 'org-broken',
      event: poison,
      correlationId: 'corr-poison',
    });
    await producer.publish(topics.broken, { key: 'org-broken', event: next });
    const [received] = await eventually(
      () => (handled.broken.length > 0 ? handled.broken : undefined),
      'the event after the poison message',
    );
    expect(received.event.id).toBe(next.id);
    const [dead] = deadLetters.filter((d) => d.info.originalTopic === topics.broken);
    expect(dead.info).toMatchObject({
      errorCode: 'HANDLER_FAILED',
      attempts: 2,
      consumer: 'test.broken',
      issues: 'Error: cannot handle severity 5',
    });
    expect(dead.headers).toMatchObject({
      'x-correlation-id': 'corr-poison',
      'event-id': poison.id,
    });
    await expect(
      mongo.connection
        .collection(PROCESSED_EVENTS_COLLECTION)
        .countDocuments({ _id: `test.broken:${poison.id}` as never }),
    ).resolves.toBe(0);
  });

  it('consumes under the configured group id exactly (no "-server" suffix)', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([groupId, `${groupId}-server`]);
      const byId = Object.fromEntries(groups.map((g) => [g.groupId, g.state]));
      expect(byId[groupId]).toBe('Stable');
      expect(byId[`${groupId}-server`]).toBe('Dead');
    } finally {
      await admin.disconnect();
    }
  });
});

describe('ensureTopics and checkKafka against the real broker', () => {
  it('creates missing topics, waits for their leaders, and leaves existing ones alone', async () => {
    const kafka = testKafka();
    const admin = kafka.admin();
    await admin.connect();
    const specs = [
      { topic: uniqueName('ensure-a'), numPartitions: 3 },
      { topic: uniqueName('ensure-b'), numPartitions: 1 },
    ];
    try {
      await expect(ensureTopics(admin, specs)).resolves.toEqual({
        created: specs.map((s) => s.topic),
      });
      await expect(ensureTopics(admin, specs)).resolves.toEqual({ created: [] });
      const metadata = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.topic) });
      expect(metadata.topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual(
        specs.map((s) => [s.topic, s.numPartitions]).sort(),
      );
      expect(metadata.topics.every((t) => t.partitions.every((p) => p.leader >= 0))).toBe(true);

      // producing right after creation works (KRaft retries ride out any leader election)
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: specs[0].topic, messages: [{ value: 'x' }] });
      await producer.disconnect();
      await expect(checkKafka(resolveEndpoints().kafkaBrokers)).resolves.toBeUndefined();
    } finally {
      await admin.deleteTopics({ topics: specs.map((s) => s.topic) }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  it('reports an unreachable broker instead of retrying', async () => {
    await expect(checkKafka(['127.0.0.1:1'], { timeoutMs: 1_000 })).rejects.toThrow(
      /ECONNREFUSED|Connection/,
    );
  });
});
