import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createEvent, EngagementCreatedV1, eventKey, TOPICS } from '@trellis/contracts';
import { bearer, TokenMinter } from '@trellis/platform-auth';
import { generateMasterKey } from '@trellis/platform-crypto';
import { mongoUrlForDatabase, resolveEndpoints, testKafka, uniqueName } from '@trellis/testing';
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import mongoose, { type Connection } from 'mongoose';
import { createRiskApp, type ConfigSource } from '../app.module';

/** A response of {@link RiskTestApp.call}. */
export interface CallResult {
  status: number;
  body: unknown;
  /** The body as an object (`{}` when it is not one), for reading fields in assertions. */
  json: Record<string, unknown>;
}

import { TopicWatcher, type ReceivedEvent } from '@trellis/testing';

export { TopicWatcher, type ReceivedEvent };

/** Where a test engagement belongs. */
export interface TestEngagement {
  engagementId: string;
  organisationId: string;
  unitId: string;
}

/** The risk service booted on the real servers, with its own databases. */
export interface RiskTestApp {
  app: NestFastifyApplication;
  minter: TokenMinter;
  kafka: Kafka;
  /** Watches `trellis.risk.v1` from the moment the app started. */
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
  /** Stops the app; drops its databases unless `keepData`. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

/** Boots the service against the real FerretDB/MongoDB and Kafka (see `resolveEndpoints`). */
export async function startRiskApp(overrides: ConfigSource = {}): Promise<RiskTestApp> {
  const endpoints = resolveEndpoints();
  const minter = await TokenMinter.create();
  const database = overrides['MONGO_DB'] ?? uniqueName('risk');
  const keysDatabase = overrides['KEYS_MONGO_DB'] ?? uniqueName('risk_keys');
  const env: ConfigSource = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '3103',
    MONGO_URL: endpoints.mongoUrl,
    MONGO_DB: database,
    KEYS_MONGO_DB: keysDatabase,
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    JWT_ISSUER: minter.issuer,
    JWT_AUDIENCE: minter.audience,
    JWT_JWKS: JSON.stringify(minter.jwks),
    MASTER_KEYS: `test-key:${generateMasterKey()}`,
    ENGAGEMENT_EVENTS_GROUP_ID: uniqueName('risk-engagements'),
    // Erasure requests are consumed only by the tests that ask for it (on a topic of their own).
    IDENTITY_EVENTS_GROUP_ID: uniqueName('risk-identity'),
    CONSUME_IDENTITY_EVENTS: 'false',
    OUTBOX_POLL_MS: '50',
    ...overrides,
  };
  const kafka = testKafka();
  const events = await TopicWatcher.start(kafka, TOPICS.risk);
  let app: NestFastifyApplication;
  let db: Connection;
  try {
    ({ app } = await createRiskApp(env));
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
      return { status: res.statusCode, body: parsed, json };
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

/** The error code of an error response. */
export function errorCode(result: CallResult): string | undefined {
  const error = result.json['error'] as { code?: string } | undefined;
  return error?.code;
}
