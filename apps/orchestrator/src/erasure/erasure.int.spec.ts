// Organisation erasure in the orchestrator, end to end on the real Kafka and Temporal dev
// server with the real workflows: the organisation's capacity-building workflows (found by
// the TrellisOrganisationId search attribute the bridge sets) and their deadline children are
// terminated, another organisation's keep running, and the report is published with a
// deterministic id and a count that a redelivery reproduces.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  AgreementActivatedV1,
  createEvent,
  EngagementCreatedV1,
  eventFixture,
  OrganisationPurgedV1,
  TOPICS,
  workflowIdForEngagement,
  type EngagementStatus,
  type TrellisEvent,
} from '@trellis/contracts';
import {
  erasureEvent,
  erasureEventId,
  PurgedReportsWatcher,
  sendEvents,
  waitUntilConsumed,
} from '@trellis/platform-erasure';
import {
  createTestTopics,
  resolveEndpoints,
  testKafka,
  testRunId,
  testTemporal,
  uniqueName,
} from '@trellis/testing';
import type { Kafka } from 'kafkajs';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOrchestratorApp } from '../app.module';
import { BRIDGED_TOPICS } from '../bridge/bridge.service';
import { erasureTerminationReason } from './workflows.purger';

const prefix = `t${testRunId}e.`;
const engagementTopic = `${prefix}${TOPICS.engagement}`;
const identityTopic = `${prefix}${TOPICS.identity}`;

function created(engagementId: string, organisationId: string): TrellisEvent {
  const payload = eventFixture(EngagementCreatedV1).payload;
  return createEvent(EngagementCreatedV1, {
    actor: { kind: 'service', id: 'engagement-service' },
    engagementId,
    organisationId,
    unitId: payload.unitId,
    payload: { ...payload, engagementId, organisationId },
  });
}

function activated(engagementId: string, organisationId: string): TrellisEvent {
  const fixture = eventFixture(AgreementActivatedV1);
  const text = JSON.stringify(fixture)
    .replaceAll(fixture.engagementId, engagementId)
    .replaceAll(fixture.organisationId, organisationId);
  return { ...(JSON.parse(text) as TrellisEvent), id: randomUUID() };
}

describe('organisation erasure in the orchestrator (real Kafka and Temporal)', () => {
  let kafka: Kafka;
  let topics: { deleteAll(): Promise<void> };
  let app: NestFastifyApplication;
  let temporal: Awaited<ReturnType<typeof testTemporal>>;
  let phases: Server;
  let reports: PurgedReportsWatcher;
  const bridgeGroup = uniqueName('erasure-bridge');

  beforeAll(async () => {
    kafka = testKafka();
    topics = await createTestTopics(kafka, [
      ...BRIDGED_TOPICS.map((t) => ({ topic: `${prefix}${t}`, numPartitions: 2 })),
      { topic: `${prefix}${TOPICS.reminders}`, numPartitions: 2 },
      { topic: identityTopic, numPartitions: 2 },
      { topic: `${prefix}${TOPICS.deadLetter}`, numPartitions: 1 },
    ]);
    temporal = await testTemporal();
    reports = await PurgedReportsWatcher.start(kafka, identityTopic);
    // Stands in for the engagement service's internal phase endpoint (an HTTP peer).
    phases = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    });
    await new Promise<void>((r) => phases.listen(0, '127.0.0.1', r));
    const endpoints = resolveEndpoints();
    ({ app } = await createOrchestratorApp({
      LOG_LEVEL: 'warn',
      KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
      TEMPORAL_ADDRESS: endpoints.temporalAddress,
      TEMPORAL_NAMESPACE: endpoints.temporalNamespace,
      TEMPORAL_TASK_QUEUE: uniqueName('erasure-queue'),
      BRIDGE_GROUP_ID: bridgeGroup,
      IDENTITY_EVENTS_GROUP_ID: uniqueName('erasure-identity'),
      TOPIC_PREFIX: prefix,
      ENGAGEMENT_SERVICE_URL: `http://127.0.0.1:${(phases.address() as AddressInfo).port}`,
      JWT_ISSUER: 'trellis-test',
      SERVICE_TOKEN_PRIVATE_JWK: JSON.stringify(
        generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }),
      ),
    }));
    await app.init();
  }, 90_000);

  afterAll(async () => {
    await app?.close();
    await reports?.stop();
    await temporal?.dispose();
    await new Promise<void>((r) => phases?.close(() => r()));
    await topics?.deleteAll();
  });

  const handle = (engagementId: string) =>
    temporal.client.workflow.getHandle(workflowIdForEngagement(engagementId));

  async function until<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        const value = await check();
        if (value !== undefined) return value;
      } catch {
        /* not there yet */
      }
      if (Date.now() > deadline) throw new Error(`${what}: not reached in time`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async function runningChildren(engagementId: string): Promise<string[]> {
    const ids: string[] = [];
    const query = `ParentWorkflowId = '${workflowIdForEngagement(engagementId)}' AND ExecutionStatus = 'Running'`;
    for await (const w of temporal.client.workflow.list({ query })) ids.push(w.workflowId);
    return ids;
  }

  const status = async (engagementId: string) =>
    (await handle(engagementId).describe()).status.name;

  it('terminates organisation A’s workflows and their children, reports them, and repeats the same report', async () => {
    const orgA = uniqueName('org-a');
    const orgB = uniqueName('org-b');
    const [a1, a2, b1] = [randomUUID(), randomUUID(), randomUUID()];
    await sendEvents(
      kafka,
      engagementTopic,
      created(a1, orgA),
      created(a2, orgA),
      created(b1, orgB),
    );
    await sendEvents(kafka, engagementTopic, activated(a1, orgA));
    await until(async () => {
      const s = await handle(a1).query<EngagementStatus>('status.v1');
      return s.phase === 'implementation' ? s : undefined;
    }, 'a1 in implementation');
    const children = await until(async () => {
      const ids = await runningChildren(a1);
      return ids.length > 0 ? ids : undefined;
    }, 'deadline children of a1');
    for (const id of [a2, b1]) {
      await until(
        async () => ((await status(id)) === 'RUNNING' ? true : undefined),
        `${id} running`,
      );
    }

    const request = erasureEvent(orgA);
    const { erasureRequestId } = request.payload;
    await sendEvents(kafka, identityTopic, request);
    const purged = await reports.waitFor(erasureRequestId, 30_000);

    expect(purged.id).toBe(
      erasureEventId(erasureRequestId, 'orchestrator', OrganisationPurgedV1.key),
    );
    expect(purged.organisationId).toBe(orgA);
    expect(purged.payload).toEqual({
      erasureRequestId,
      organisationId: orgA,
      service: 'orchestrator',
      keyErased: false,
      removed: [{ kind: 'workflows', count: 2 }],
    });
    expect(await status(a1)).toBe('TERMINATED');
    expect(await status(a2)).toBe('TERMINATED');
    expect(await status(b1)).toBe('RUNNING');
    // Deadline children: none left running (those of past-due obligations may have completed
    // on their own meanwhile; the others were terminated).
    const childStatuses = await Promise.all(
      children.map(async (child) => {
        const described = await temporal.client.workflow.getHandle(child).describe();
        return described.status.name;
      }),
    );
    expect(childStatuses).not.toContain('RUNNING');
    expect(childStatuses).toContain('TERMINATED');
    const history = await handle(a1).fetchHistory();
    const last = history.events?.at(-1);
    expect(last?.workflowExecutionTerminatedEventAttributes?.reason).toBe(
      erasureTerminationReason(erasureRequestId),
    );

    // A redelivered request: nothing left to terminate, the same report again (same id, same
    // count), which consumers drop as a duplicate.
    await sendEvents(kafka, identityTopic, request);
    const repeated = await until(() => {
      const found = reports.reports(erasureRequestId);
      return Promise.resolve(found.length >= 2 ? found : undefined);
    }, 'the repeated report');
    expect(repeated.map((r) => r.id)).toEqual([purged.id, purged.id]);
    expect(repeated[1]?.payload).toEqual(purged.payload);

    // A replayed created event starts nothing again (the workflow id is never reused).
    const replayed = await sendEvents(kafka, engagementTopic, created(a1, orgA));
    await waitUntilConsumed(kafka, bridgeGroup, engagementTopic, replayed);
    expect(await status(a1)).toBe('TERMINATED');

    // A new request for the same organisation finds nothing to terminate.
    const second = erasureEvent(orgA);
    await sendEvents(kafka, identityTopic, second);
    const secondReport = await reports.waitFor(second.payload.erasureRequestId, 30_000);
    expect(secondReport.payload.removed).toEqual([{ kind: 'workflows', count: 0 }]);
  });
});
