import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  createEvent,
  EngagementCreatedV1,
  EscalationRaisedV1,
  ProgramManagerAssignedV1,
  ReminderDueV1,
  TOPICS,
  type EventEnvelope,
} from '@trellis/contracts';
import { bearer, TokenMinter } from '@trellis/platform-auth';
import { generateMasterKey } from '@trellis/platform-crypto';
import {
  createTestTopics,
  mongoUrlForDatabase,
  resolveEndpoints,
  testKafka,
  uniqueName,
} from '@trellis/testing';
import type { Kafka, Producer } from 'kafkajs';
import mongoose, { type Connection } from 'mongoose';
import { createCoachingApp, type ConfigSource } from '../app.module';

/** A response of {@link CoachingTestApp.call}. */
export interface CallResult {
  status: number;
  body: unknown;
  /** The body as an object (`{}` when it is not one), for reading fields in assertions. */
  json: Record<string, unknown>;
}

import { TopicWatcher, type ReceivedEvent } from '@trellis/testing';

export { TopicWatcher, type ReceivedEvent };

/** An engagement as the tests set it up through `engagement.engagement.created`. */
export interface TestEngagement {
  engagementId: string;
  organisationId: string;
  unitId: string;
  programManagerId: string;
  leadOfficerId: string;
}

/** The coaching service booted on the real servers, with its own database and topics. */
export interface CoachingTestApp {
  app: NestFastifyApplication;
  minter: TokenMinter;
  kafka: Kafka;
  /** Watches `trellis.coaching.v1` and `trellis.autonomy.v1` from the moment the app started. */
  events: TopicWatcher;
  /** A direct connection to the service's database. */
  db: Connection;
  env: ConfigSource;
  /** The consumed topics of this app (isolated by `TOPIC_PREFIX`). */
  topics: { engagement: string; reminders: string; identity: string };
  call(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    token?: string,
    body?: unknown,
  ): Promise<CallResult>;
  /** Publishes events to a consumed topic, as their producers would. */
  publish(topic: string, ...events: EventEnvelope[]): Promise<void>;
  /** Publishes `engagement.engagement.created` and waits until the projection has it. */
  createEngagement(unitId: string, overrides?: Partial<TestEngagement>): Promise<TestEngagement>;
  close(): Promise<void>;
}

/** Waits until `check` resolves truthy. */
export async function waitUntil<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what} not reached in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ORCHESTRATOR = { kind: 'service', id: 'orchestrator' } as const;

/** `reminders.reminder.due` for an assignee. */
export function reminderDue(
  e: TestEngagement,
  input: { reminderId: string; assigneeId?: string; obligationId?: string },
): EventEnvelope {
  return createEvent(ReminderDueV1, {
    actor: ORCHESTRATOR,
    engagementId: e.engagementId,
    organisationId: e.organisationId,
    unitId: e.unitId,
    payload: {
      reminderId: input.reminderId,
      obligationId: input.obligationId ?? `obl-${input.reminderId}`,
      obligationKind: 'follow-up',
      stage: 'due',
      assigneeId: input.assigneeId ?? e.leadOfficerId,
      dueAt: new Date(Date.now() + 86_400_000).toISOString(),
    },
  });
}

/** `reminders.escalation.raised` naming `programManagerId`. */
export function escalationRaised(
  e: TestEngagement,
  input: { escalationId: string; programManagerId: string; obligationKind?: 'follow-up' },
): EventEnvelope {
  const dueAt = new Date(Date.now() - 86_400_000).toISOString();
  return createEvent(EscalationRaisedV1, {
    actor: ORCHESTRATOR,
    engagementId: e.engagementId,
    organisationId: e.organisationId,
    unitId: e.unitId,
    payload: {
      escalationId: input.escalationId,
      obligationId: `obl-${input.escalationId}`,
      obligationKind: input.obligationKind ?? 'follow-up',
      programManagerId: input.programManagerId,
      assigneeId: e.leadOfficerId,
      dueAt,
      overdueSince: dueAt,
    },
  });
}

/** `engagement.engagement.program-manager-assigned`. */
export function programManagerAssigned(e: TestEngagement, programManagerId: string): EventEnvelope {
  return createEvent(ProgramManagerAssignedV1, {
    actor: { kind: 'user', id: 'admin-1', role: 'admin' },
    engagementId: e.engagementId,
    organisationId: e.organisationId,
    unitId: e.unitId,
    payload: { programManagerId, previousProgramManagerId: e.programManagerId },
  });
}

/** Boots the service against the real FerretDB/MongoDB and Kafka (see `resolveEndpoints`). */
export async function startCoachingApp(overrides: ConfigSource = {}): Promise<CoachingTestApp> {
  const endpoints = resolveEndpoints();
  const minter = await TokenMinter.create();
  const database = overrides['MONGO_DB'] ?? uniqueName('coaching');
  const keysDatabase = overrides['KEYS_MONGO_DB'] ?? uniqueName('coaching_keys');
  const prefix = `${uniqueName('coach')}.`;
  const topics = {
    engagement: `${prefix}${TOPICS.engagement}`,
    reminders: `${prefix}${TOPICS.reminders}`,
    identity: `${prefix}${TOPICS.identity}`,
  };
  const env: ConfigSource = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '3104',
    MONGO_URL: endpoints.mongoUrl,
    MONGO_DB: database,
    KEYS_MONGO_DB: keysDatabase,
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    JWT_ISSUER: minter.issuer,
    JWT_AUDIENCE: minter.audience,
    JWT_JWKS: JSON.stringify(minter.jwks),
    MASTER_KEYS: `test-key:${generateMasterKey()}`,
    OUTBOX_POLL_MS: '50',
    MAIL_POLL_MS: '100',
    CHECK_IN_POLL_MS: '200',
    KAFKA_GROUP_ID: uniqueName('coaching-group'),
    IDENTITY_EVENTS_GROUP_ID: uniqueName('coaching-identity'),
    TOPIC_PREFIX: prefix,
    APP_BASE_URL: 'https://trellis.test',
    ...overrides,
  };
  const kafka = testKafka();
  const created = await createTestTopics(kafka, [
    { topic: topics.engagement, numPartitions: 1 },
    { topic: topics.reminders, numPartitions: 1 },
    { topic: topics.identity, numPartitions: 1 },
    { topic: `${prefix}${TOPICS.deadLetter}`, numPartitions: 1 },
  ]);
  const events = await TopicWatcher.start(kafka, [TOPICS.coaching, TOPICS.autonomy]);
  const producer: Producer = kafka.producer();
  let app: NestFastifyApplication;
  let db: Connection;
  try {
    await producer.connect();
    ({ app } = await createCoachingApp(env));
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    db = await mongoose
      .createConnection(mongoUrlForDatabase(endpoints.mongoUrl, database))
      .asPromise();
  } catch (err) {
    await events.stop().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    throw err;
  }

  const call: CoachingTestApp['call'] = async (method, url, token, body) => {
    const res = await app.inject({
      method,
      url,
      headers: {
        ...(token ? bearer(token) : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    let parsed: unknown = undefined;
    try {
      parsed = res.body ? (JSON.parse(res.body) as unknown) : undefined;
    } catch {
      parsed = res.body;
    }
    const json =
      typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : {};
    return { status: res.statusCode, body: parsed, json };
  };

  const publish: CoachingTestApp['publish'] = async (topic, ...list) => {
    await producer.send({
      topic,
      messages: list.map((event) => ({
        key: String(event['engagementId'] ?? event.id),
        value: JSON.stringify(event),
      })),
    });
  };

  return {
    app,
    minter,
    kafka,
    events,
    db,
    env,
    topics,
    call,
    publish,
    async createEngagement(unitId, overrides2 = {}) {
      const engagement: TestEngagement = {
        engagementId: uniqueName('eng'),
        organisationId: uniqueName('org'),
        unitId,
        programManagerId: `pm-${unitId}`,
        leadOfficerId: `officer-${unitId}`,
        ...overrides2,
      };
      await publish(
        topics.engagement,
        createEvent(EngagementCreatedV1, {
          actor: { kind: 'user', id: engagement.programManagerId, role: 'program-manager' },
          engagementId: engagement.engagementId,
          organisationId: engagement.organisationId,
          unitId,
          payload: {
            engagementId: engagement.engagementId,
            organisationId: engagement.organisationId,
            unitId,
            routedTo: unitId === 'tru' ? { kind: 'tru' } : { kind: 'desk', deskId: unitId },
            country: 'CO',
            setting: 'rural',
            focusAreas: ['land-environment'],
            programManagerId: engagement.programManagerId,
            leadOfficerId: engagement.leadOfficerId,
          },
        }),
      );
      await waitUntil(
        () =>
          db
            .collection('engagement_projections')
            .findOne({ _id: engagement.engagementId as never }),
        30_000,
        'engagement projection',
      );
      return engagement;
    },
    async close() {
      await events.stop().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
      await app.close();
      await db.dropDatabase().catch(() => undefined);
      await db
        .useDb(keysDatabase)
        .dropDatabase()
        .catch(() => undefined);
      await db.close();
      await created.deleteAll().catch(() => undefined);
    },
  };
}

/** The error code of an error response. */
export function errorCode(result: CallResult): string | undefined {
  const error = result.json['error'] as { code?: string } | undefined;
  return error?.code;
}
