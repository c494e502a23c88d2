import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  AgreementActivatedV1,
  createEvent,
  EngagementCreatedV1,
  eventKey,
  NeedsAssessmentRecordedV1,
  SECURITY_WHEEL_SPOKES,
  TOPICS,
  type AgreementTerms,
  type SpokeId,
  type TrainingLevel,
  type TrainingPlanItem,
  type TrellisEvent,
} from '@trellis/contracts';
import { bearer, TokenMinter } from '@trellis/platform-auth';
import { generateMasterKey } from '@trellis/platform-crypto';
import { mongoUrlForDatabase, resolveEndpoints, testKafka, uniqueName } from '@trellis/testing';
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import mongoose, { type Connection } from 'mongoose';
import { createTrainingApp, type ConfigSource } from '../app.module';

/** A response of {@link TrainingTestApp.call}. */
export interface CallResult {
  status: number;
  body: unknown;
  /** The body as an object (`{}` when it is not one), for reading fields in assertions. */
  json: Record<string, unknown>;
  /** The raw body text (e.g. an iCalendar feed). */
  text: string;
  headers: Record<string, unknown>;
}

import { TopicWatcher, type ReceivedEvent } from '@trellis/testing';

export { TopicWatcher, type ReceivedEvent };

/** Where a test engagement belongs. */
export interface TestEngagement {
  engagementId: string;
  organisationId: string;
  unitId: string;
}

/** The training service booted on the real servers, with its own databases. */
export interface TrainingTestApp {
  app: NestFastifyApplication;
  minter: TokenMinter;
  kafka: Kafka;
  /** Watches `trellis.training.v1` from the moment the app started. */
  events: TopicWatcher;
  /** A direct connection to the service's database, to look at raw stored documents. */
  db: Connection;
  /** The configuration the app was started with (reuse `MONGO_DB` to restart on its data). */
  env: ConfigSource;
  /** An HTTP request through Fastify's injector, with a bearer token when given. */
  call(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    token?: string,
    body?: unknown,
  ): Promise<CallResult>;
  /**
   * Publishes `engagement.engagement.created` for a new engagement on the real
   * `trellis.engagement.v1` topic, as the engagement service would, and waits until the
   * service's projection knows it.
   */
  engagement(unitId: string, organisationId?: string): Promise<TestEngagement>;
  /** Publishes engagement-context events on `trellis.engagement.v1` (as the engagement service). */
  publish(...events: TrellisEvent[]): Promise<void>;
  /**
   * Publishes the baseline needs assessment (when `baseline` is given) and the activated
   * agreement with `items` as its training plan, and waits until the plan exists.
   */
  activate(
    engagement: TestEngagement,
    items: TrainingPlanItem[],
    baseline?: TrainingLevel,
  ): Promise<{ agreementId: string; planId: string }>;
  /** Stops the app; drops its databases unless `keepData`. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

/** Boots the service against the real FerretDB/MongoDB and Kafka (see `resolveEndpoints`). */
export async function startTrainingApp(overrides: ConfigSource = {}): Promise<TrainingTestApp> {
  const endpoints = resolveEndpoints();
  const minter = await TokenMinter.create();
  const database = overrides['MONGO_DB'] ?? uniqueName('training');
  const keysDatabase = overrides['KEYS_MONGO_DB'] ?? uniqueName('training_keys');
  const env: ConfigSource = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '3102',
    MONGO_URL: endpoints.mongoUrl,
    MONGO_DB: database,
    KEYS_MONGO_DB: keysDatabase,
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    JWT_ISSUER: minter.issuer,
    JWT_AUDIENCE: minter.audience,
    JWT_JWKS: JSON.stringify(minter.jwks),
    MASTER_KEYS: `test-key:${generateMasterKey()}`,
    ENGAGEMENT_EVENTS_GROUP_ID: uniqueName('training-engagements'),
    // Erasure requests are consumed only by the tests that ask for it (on a topic of their own).
    IDENTITY_EVENTS_GROUP_ID: uniqueName('training-identity'),
    CONSUME_IDENTITY_EVENTS: 'false',
    OUTBOX_POLL_MS: '50',
    ...overrides,
  };
  const kafka = testKafka();
  const events = await TopicWatcher.start(kafka, TOPICS.training);
  let app: NestFastifyApplication;
  let db: Connection;
  try {
    ({ app } = await createTrainingApp(env));
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    db = await mongoose
      .createConnection(mongoUrlForDatabase(endpoints.mongoUrl, database))
      .asPromise();
  } catch (err) {
    await events.stop().catch(() => undefined);
    throw err;
  }

  return {
    app,
    minter,
    kafka,
    events,
    db,
    env,
    async call(method, url, token, body) {
      const res = await app.inject({
        method,
        url,
        headers: {
          ...(token ? bearer(token) : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined
          ? {}
          : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
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
      return { status: res.statusCode, body: parsed, json, text: res.body, headers: res.headers };
    },
    async engagement(unitId, organisationId = uniqueName('org')) {
      const engagementId = randomUUID();
      const event = createEvent(EngagementCreatedV1, {
        actor: { kind: 'service', id: 'engagement-service' },
        engagementId,
        organisationId,
        unitId,
        payload: {
          engagementId,
          organisationId,
          unitId,
          routedTo: unitId === 'tru' ? { kind: 'tru' } : { kind: 'desk', deskId: unitId },
          country: 'CO',
          setting: 'rural',
          focusAreas: ['land-environment'],
          programManagerId: 'pm-1',
        },
      });
      const producer = kafka.producer();
      await producer.connect();
      try {
        await producer.send({
          topic: TOPICS.engagement,
          messages: [{ key: eventKey(event), value: JSON.stringify(event) }],
        });
      } finally {
        await producer.disconnect();
      }
      const deadline = Date.now() + 60_000;
      while (!(await db.collection('known_engagements').findOne({ _id: engagementId as never }))) {
        if (Date.now() > deadline) throw new Error('the engagement projection did not catch up');
        await new Promise((r) => setTimeout(r, 100));
      }
      return { engagementId, organisationId, unitId };
    },
    publish: (...events) => publishEngagementEvents(kafka, events),
    async activate(engagement, items, baseline) {
      const actor = { kind: 'service', id: 'engagement-service' } as const;
      const events: TrellisEvent[] = [];
      if (baseline) {
        events.push(
          createEvent(NeedsAssessmentRecordedV1, {
            actor,
            ...engagement,
            payload: {
              needsAssessmentId: randomUUID(),
              spokeScores: SPOKE_SCORES,
              suggestedLevel: baseline,
              suggestedCatalogueIds: [],
            },
          }),
        );
      }
      const agreementId = randomUUID();
      events.push(
        createEvent(AgreementActivatedV1, {
          actor,
          ...engagement,
          payload: { agreementId, agreementVersion: 1, terms: agreementTerms(items) },
        }),
      );
      await publishEngagementEvents(kafka, events);
      const deadline = Date.now() + 60_000;
      for (;;) {
        const plan = await db
          .collection('training_plans')
          .findOne({ engagementId: engagement.engagementId });
        if (plan) return { agreementId, planId: String(plan['_id']) };
        if (Date.now() > deadline) throw new Error('the training plan was not created in time');
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close(options = {}) {
      await events.stop().catch(() => undefined);
      await app.close();
      if (!options.keepData) {
        await db.dropDatabase().catch(() => undefined);
        await db
          .useDb(keysDatabase)
          .dropDatabase()
          .catch(() => undefined);
      }
      await db.close();
    },
  };
}

const SPOKE_SCORES = Object.fromEntries(
  SECURITY_WHEEL_SPOKES.map((spoke) => [spoke, 1.5]),
) as Record<SpokeId, number>;

async function publishEngagementEvents(kafka: Kafka, events: TrellisEvent[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({
      topic: TOPICS.engagement,
      messages: events.map((e) => ({ key: eventKey(e), value: JSON.stringify(e) })),
    });
  } finally {
    await producer.disconnect();
  }
}

/** Valid agreement terms with `items` as the training plan. */
export function agreementTerms(items: TrainingPlanItem[]): AgreementTerms {
  return {
    programManagerId: 'pm-1',
    leadOfficerId: 'officer-1',
    interventions: [
      {
        interventionId: 'int-1',
        kind: 'topic',
        catalogueRef: 'topic.office-security',
        priority: 'high',
        targetDate: '2027-06-30',
      },
    ],
    trainingPlan: { items },
    riskAssessmentDueAt: '2027-04-01T17:00:00.000Z',
    securityPlanDueAt: '2027-06-01T17:00:00.000Z',
    coachingCadence: 'P1M',
    coachingCadenceBounds: { shortest: 'P2W', longest: 'P3M' },
    autonomyReviewCadence: 'P3M',
    reminderLeadTime: 'P3D',
    escalationGracePeriod: 'P7D',
    reassessmentAfterSeriousIncident: 'P14D',
    plannedDuration: 'P18M',
    postClosureCheckInAfter: 'P6M',
    autonomyGoals: {
      targetLevel: 3,
      milestoneIds: ['focal-point-designated'],
      cascadeTarget: { verifiedCascades: 2, reach: 40 },
    },
  };
}

/** The error code of an error response. */
export function errorCode(result: CallResult): string | undefined {
  const error = result.json['error'] as { code?: string } | undefined;
  return error?.code;
}
