// The orchestrator end to end on the real Kafka and Temporal dev server with the real
// workflows: an engagement-created event starts the engagement's workflow, the activated
// agreement moves it to implementation (visible in its status query, and sent to the
// engagement service's internal phase endpoint), and the same event twice changes nothing.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  AgreementActivatedV1,
  EngagementCreatedV1,
  eventFixture,
  parseEvent,
  TOPICS,
  workflowIdForEngagement,
  type AnyEventDefinition,
  type EngagementStatus,
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
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOrchestratorApp } from './app.module';
import { BRIDGED_TOPICS } from './bridge/bridge.service';

const prefix = `t${testRunId}o.`;

function eventFor(definition: AnyEventDefinition, engagementId: string): Record<string, unknown> {
  const fixture = eventFixture(definition) as { engagementId: string };
  const text = JSON.stringify(fixture).replaceAll(fixture.engagementId, engagementId);
  return { ...(JSON.parse(text) as Record<string, unknown>), id: randomUUID() };
}

describe('orchestrator with the real workflows', () => {
  let kafka: Kafka;
  let producer: Producer;
  let topics: { deleteAll(): Promise<void> };
  let app: NestFastifyApplication;
  let temporal: Awaited<ReturnType<typeof testTemporal>>;
  let phases: Server;
  const phaseRequests: {
    url: string;
    auth: string;
    body: { phase: string; expectedPhase: string };
  }[] = [];

  beforeAll(async () => {
    kafka = testKafka();
    topics = await createTestTopics(kafka, [
      ...BRIDGED_TOPICS.map((t) => ({ topic: `${prefix}${t}`, numPartitions: 2 })),
      { topic: `${prefix}${TOPICS.reminders}`, numPartitions: 2 },
      // Consumed by the orchestrator's part in organisation erasure.
      { topic: `${prefix}${TOPICS.identity}`, numPartitions: 1 },
      { topic: `${prefix}${TOPICS.deadLetter}`, numPartitions: 1 },
    ]);
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    temporal = await testTemporal();
    // Stands in for the engagement service's internal endpoint (an HTTP peer, not Kafka,
    // MongoDB or Temporal): records what the workflow's phase activity sends.
    phases = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        phaseRequests.push({
          url: req.url ?? '',
          auth: req.headers.authorization ?? '',
          body: JSON.parse(body) as never,
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => phases.listen(0, '127.0.0.1', r));
    const endpoints = resolveEndpoints();
    ({ app } = await createOrchestratorApp({
      LOG_LEVEL: 'warn',
      KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
      TEMPORAL_ADDRESS: endpoints.temporalAddress,
      TEMPORAL_NAMESPACE: endpoints.temporalNamespace,
      TEMPORAL_TASK_QUEUE: uniqueName('orchestrator-queue'),
      BRIDGE_GROUP_ID: uniqueName('orchestrator-group'),
      IDENTITY_EVENTS_GROUP_ID: uniqueName('orchestrator-identity'),
      TOPIC_PREFIX: prefix,
      ENGAGEMENT_SERVICE_URL: `http://127.0.0.1:${(phases.address() as AddressInfo).port}`,
      JWT_ISSUER: 'trellis-test',
      SERVICE_TOKEN_PRIVATE_JWK: JSON.stringify(
        generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }),
      ),
    }));
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await temporal?.dispose();
    await producer?.disconnect();
    await new Promise<void>((r) => phases?.close(() => r()));
    await topics?.deleteAll();
  });

  const send = (topic: string, key: string, value: unknown) =>
    producer.send({
      topic: `${prefix}${topic}`,
      messages: [{ key, value: JSON.stringify(value) }],
    });

  async function statusUntil(
    engagementId: string,
    ok: (s: EngagementStatus) => boolean,
  ): Promise<EngagementStatus> {
    const handle = temporal.client.workflow.getHandle(workflowIdForEngagement(engagementId));
    let last: EngagementStatus | undefined;
    for (let i = 0; i < 200; i++) {
      try {
        last = await handle.query<EngagementStatus>('status.v1');
        if (ok(last)) return last;
      } catch {
        /* not started yet */
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`status never matched; last: ${JSON.stringify(last)}`);
  }

  it('moves the engagement to implementation on the activated agreement, once', async () => {
    const engagementId = randomUUID();
    await send(TOPICS.engagement, engagementId, eventFor(EngagementCreatedV1, engagementId));
    const before = await statusUntil(engagementId, (s) => s.phase === 'agreement');
    expect(before.agreement).toBeNull();

    const activated = eventFor(AgreementActivatedV1, engagementId);
    await send(TOPICS.engagement, engagementId, activated);
    const after = await statusUntil(engagementId, (s) => s.phase === 'implementation');
    expect(after.agreement).not.toBeNull();
    const applied = after.history.appliedMessageCount;

    await send(TOPICS.engagement, engagementId, activated); // delivered again
    await new Promise((r) => setTimeout(r, 1500));
    const again = await statusUntil(engagementId, () => true);
    expect(again.history.appliedMessageCount).toBe(applied);
    expect(again.phase).toBe('implementation');

    const toImplementation = phaseRequests.filter(
      (r) =>
        r.url === `/internal/engagements/${engagementId}/phase` &&
        r.body.phase === 'implementation',
    );
    expect(toImplementation).toHaveLength(1);
    expect(toImplementation[0].auth).toMatch(/^Bearer ey/);
    expect(toImplementation[0].body.expectedPhase).toBe('agreement');
  });

  it('publishes obligation events on the reminders topic, valid by contract', async () => {
    const consumer = kafka.consumer({ groupId: uniqueName('reminders-reader') });
    await consumer.connect();
    await consumer.subscribe({ topic: `${prefix}${TOPICS.reminders}`, fromBeginning: true });
    const types = new Set<string>();
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: ({ message }) => {
          types.add(parseEvent(JSON.parse(message.value!.toString())).type);
          if (types.has('reminders.obligation.opened')) resolve();
          return Promise.resolve();
        },
      });
    });
    await consumer.disconnect();
    expect(types.has('reminders.obligation.opened')).toBe(true);
  });
});
