import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Worker } from '@temporalio/worker';
import {
  AgreementActivatedV1,
  EngagementCreatedV1,
  eventFixture,
  TOPICS,
  workflowIdForEngagement,
  type AnyEventDefinition,
} from '@trellis/contracts';
import {
  createTestTopics,
  resolveEndpoints,
  testKafka,
  testRunId,
  testTemporal,
  uniqueName,
} from '@trellis/testing';
import type { Kafka, Producer } from 'kafkajs';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createOrchestratorApp } from '../app.module';
import type { ProbeState } from '../testing/bridge-probe.workflows';
import { BRIDGED_TOPICS } from './bridge.service';

const prefix = `t${testRunId}b.`;

/** A contract fixture re-keyed to a fresh engagement and event id. */
function eventFor(definition: AnyEventDefinition, engagementId: string): Record<string, unknown> {
  const fixture = eventFixture(definition) as { engagementId: string };
  const text = JSON.stringify(fixture).replaceAll(fixture.engagementId, engagementId);
  return { ...(JSON.parse(text) as Record<string, unknown>), id: randomUUID() };
}

describe('Kafka → workflow bridge (real Kafka and Temporal dev server)', () => {
  let kafka: Kafka;
  let producer: Producer;
  let topics: { deleteAll(): Promise<void> };
  let app: NestFastifyApplication;
  let temporal: Awaited<ReturnType<typeof testTemporal>>;
  let worker: Worker;
  let workerRun: Promise<void>;
  const taskQueue = uniqueName('bridge-queue');

  beforeAll(async () => {
    kafka = testKafka();
    topics = await createTestTopics(kafka, [
      ...BRIDGED_TOPICS.map((t) => ({ topic: `${prefix}${t}`, numPartitions: 2 })),
      // Consumed by the orchestrator's part in organisation erasure.
      { topic: `${prefix}${TOPICS.identity}`, numPartitions: 1 },
      { topic: `${prefix}${TOPICS.deadLetter}`, numPartitions: 1 },
    ]);
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    temporal = await testTemporal();
    worker = await Worker.create({
      connection: temporal.nativeConnection,
      namespace: temporal.namespace,
      taskQueue,
      workflowsPath: require.resolve('../testing/bridge-probe.workflows'),
    });
    workerRun = worker.run();
    const endpoints = resolveEndpoints();
    ({ app } = await createOrchestratorApp({
      LOG_LEVEL: 'warn',
      KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
      TEMPORAL_ADDRESS: endpoints.temporalAddress,
      TEMPORAL_NAMESPACE: endpoints.temporalNamespace,
      TEMPORAL_TASK_QUEUE: taskQueue,
      BRIDGE_GROUP_ID: uniqueName('bridge-group'),
      IDENTITY_EVENTS_GROUP_ID: uniqueName('bridge-identity'),
      BRIDGE_MAX_ATTEMPTS: '2',
      TOPIC_PREFIX: prefix,
      WORKER_ENABLED: 'false', // the probe worker above stands in for the real workflows
      JWT_ISSUER: 'trellis-test',
      SERVICE_TOKEN_PRIVATE_JWK: JSON.stringify(
        generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }),
      ),
    }));
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    worker?.shutdown();
    await workerRun;
    await temporal?.dispose();
    await producer?.disconnect();
    await topics?.deleteAll();
  });

  const send = (topic: string, key: string, value: string) =>
    producer.send({ topic: `${prefix}${topic}`, messages: [{ key, value }] });

  async function probe(
    engagementId: string,
    until: (s: ProbeState) => boolean,
  ): Promise<ProbeState> {
    const handle = temporal.client.workflow.getHandle(workflowIdForEngagement(engagementId));
    for (let i = 0; i < 150; i++) {
      try {
        const state = await handle.query<ProbeState>('status.v1');
        if (until(state)) return state;
      } catch {
        /* not started yet */
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`workflow of ${engagementId} never reached the expected state`);
  }

  async function deadLetters(count: number): Promise<{ code: string; offset: string }[]> {
    const consumer = kafka.consumer({ groupId: uniqueName('dlq-reader') });
    await consumer.connect();
    await consumer.subscribe({ topic: `${prefix}${TOPICS.deadLetter}`, fromBeginning: true });
    const seen: { code: string; offset: string }[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: ({ message }) => {
          seen.push({
            code: message.headers?.['dlq-error-code']?.toString() ?? '',
            offset: message.headers?.['dlq-original-offset']?.toString() ?? '',
          });
          if (seen.length >= count) resolve();
          return Promise.resolve();
        },
      });
    });
    await consumer.disconnect();
    return seen;
  }

  it('starts the engagement’s workflow once, however often the created event arrives, and signals it', async () => {
    const engagementId = randomUUID();
    const created = eventFor(EngagementCreatedV1, engagementId);
    await send(TOPICS.engagement, engagementId, JSON.stringify(created));
    await send(TOPICS.engagement, engagementId, JSON.stringify(created)); // redelivered
    const started = await probe(engagementId, (s) => s.engagementId === engagementId);
    expect(started.signals).toEqual([]);

    const activated = eventFor(AgreementActivatedV1, engagementId);
    await send(TOPICS.engagement, engagementId, JSON.stringify(activated));
    const signalled = await probe(engagementId, (s) => s.signals.length > 0);
    expect(signalled.signals).toEqual([
      { name: 'agreementActivated.v1', eventId: activated['id'] },
    ]);

    const runs = temporal.client.workflow.list({
      query: `WorkflowId = '${workflowIdForEngagement(engagementId)}'`,
    });
    let count = 0;
    for await (const _ of runs) count += 1;
    expect(count).toBe(1);
  });

  it('dead-letters malformed and invalid events, and signals for a workflow that never starts', async () => {
    await send(TOPICS.training, 'x', '{"not json');
    await send(
      TOPICS.risk,
      'y',
      JSON.stringify({ id: randomUUID(), type: 'risk.incident.reported', version: 1 }),
    );
    const orphan = eventFor(AgreementActivatedV1, randomUUID());
    await send(TOPICS.engagement, 'z', JSON.stringify(orphan));
    const letters = await deadLetters(3);
    expect(letters.map((l) => l.code).sort()).toEqual([
      'HANDLER_FAILED',
      'MALFORMED_JSON',
      'SCHEMA_INVALID',
    ]);
  });
});
