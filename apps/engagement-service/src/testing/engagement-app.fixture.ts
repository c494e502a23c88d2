import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { TOPICS } from '@trellis/contracts';
import { bearer, TokenMinter } from '@trellis/platform-auth';
import { generateMasterKey } from '@trellis/platform-crypto';
import { mongoUrlForDatabase, resolveEndpoints, testKafka, uniqueName } from '@trellis/testing';
import type { Kafka } from 'kafkajs';
import mongoose, { type Connection } from 'mongoose';
import { createEngagementApp, type ConfigSource } from '../app.module';

/** A response of {@link EngagementTestApp.call}. */
export interface CallResult {
  status: number;
  body: unknown;
  /** The body as an object (`{}` when it is not one), for reading fields in assertions. */
  json: Record<string, unknown>;
}

import { TopicWatcher, type ReceivedEvent } from '@trellis/testing';

export { TopicWatcher, type ReceivedEvent };

/** The engagement service booted on the real servers, with its own databases. */
export interface EngagementTestApp {
  app: NestFastifyApplication;
  minter: TokenMinter;
  kafka: Kafka;
  /** Watches `trellis.engagement.v1` from the moment the app started. */
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
  /** Stops the app; drops its databases unless `keepData`. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

/** Boots the service against the real FerretDB/MongoDB and Kafka (see `resolveEndpoints`). */
export async function startEngagementApp(overrides: ConfigSource = {}): Promise<EngagementTestApp> {
  const endpoints = resolveEndpoints();
  const minter = await TokenMinter.create();
  const database = overrides['MONGO_DB'] ?? uniqueName('engagement');
  const keysDatabase = overrides['KEYS_MONGO_DB'] ?? uniqueName('engagement_keys');
  const env: ConfigSource = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '3101',
    MONGO_URL: endpoints.mongoUrl,
    MONGO_DB: database,
    KEYS_MONGO_DB: keysDatabase,
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    JWT_ISSUER: minter.issuer,
    JWT_AUDIENCE: minter.audience,
    JWT_JWKS: JSON.stringify(minter.jwks),
    MASTER_KEYS: `test-key:${generateMasterKey()}`,
    MIN_CADENCE: 'PT1S',
    OUTBOX_POLL_MS: '50',
    // Erasure requests are consumed only by the tests that ask for it (on a topic of their own).
    IDENTITY_EVENTS_GROUP_ID: uniqueName('engagement-identity'),
    CONSUME_IDENTITY_EVENTS: 'false',
    ...overrides,
  };
  const kafka = testKafka();
  const events = await TopicWatcher.start(kafka, TOPICS.engagement);
  let app: NestFastifyApplication;
  let db: Connection;
  try {
    ({ app } = await createEngagementApp(env));
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
