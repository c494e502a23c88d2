import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mongoUrlForDatabase, resolveEndpoints, uniqueName } from '@trellis/testing';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import mongoose, { type Connection } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { createGatewayApp, type ConfigSource } from '../app.module';

/** A response of {@link GatewayTestApp.call}. */
export interface CallResult {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  /** The body as an object (`{}` when it is not one). */
  json: Record<string, unknown>;
}

/** The gateway booted on the real servers with its own database and keys. */
export interface GatewayTestApp {
  app: NestFastifyApplication;
  env: ConfigSource;
  /** The token-signing private key (tests forge expired or foreign tokens with it). */
  privateJwk: JWK;
  /** A direct connection to the gateway's database, to look at (and tamper with) raw documents. */
  db: Connection;
  adminPassword: string;
  call(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string>; ip?: string },
  ): Promise<CallResult>;
  /** Logs in and answers the access token (throws unless 200). */
  login(
    username: string,
    password: string,
  ): Promise<{ accessToken: string; refreshToken: string; userId: string }>;
  close(): Promise<void>;
}

/** A fresh ES256 private JWK with a key id. */
export async function signingJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: uniqueName('kid'), alg: 'ES256' };
}

/** Starts the gateway with test settings; `overrides` replace any variable. */
export async function startGateway(overrides: ConfigSource = {}): Promise<GatewayTestApp> {
  const endpoints = resolveEndpoints();
  const database = uniqueName('gateway');
  const privateJwk = await signingJwk();
  const adminPassword = `admin-${randomBytes(9).toString('base64url')}`;
  const env: ConfigSource = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    MONGO_URL: endpoints.mongoUrl,
    MONGO_DB: database,
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    JWT_ISSUER: 'trellis-test',
    JWT_AUDIENCE: 'trellis',
    TOKEN_SIGNING_PRIVATE_JWK: JSON.stringify(privateJwk),
    AUDIT_HMAC_KEY: randomBytes(32).toString('base64'),
    BOOTSTRAP_ADMIN_USERNAME: 'root-admin',
    BOOTSTRAP_ADMIN_PASSWORD: adminPassword,
    LOGIN_MAX_FAILURES: '3',
    LOCKOUT_SECONDS: '2',
    ERASURE_EVENTS_GROUP_ID: uniqueName('gateway-erasure'),
    CONSUME_ERASURE_EVENTS: 'false',
    OUTBOX_POLL_MS: '50',
    ...overrides,
  };
  const { app } = await createGatewayApp(env);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const db = await mongoose
    .createConnection(mongoUrlForDatabase(endpoints.mongoUrl, String(env['MONGO_DB'])))
    .asPromise();

  const call: GatewayTestApp['call'] = async (method, url, options = {}) => {
    const response = await app.inject({
      method,
      url,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined
        ? {
            payload: typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
          }
        : {}),
      ...(options.ip ? { remoteAddress: options.ip } : {}),
    });
    let json: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(response.body);
      if (typeof parsed === 'object' && parsed !== null) json = parsed as Record<string, unknown>;
    } catch {
      // not JSON
    }
    return { status: response.statusCode, headers: response.headers, body: response.body, json };
  };

  return {
    app,
    env,
    privateJwk,
    db,
    adminPassword,
    call,
    async login(username, password) {
      const r = await call('POST', '/api/identity/login', { body: { username, password } });
      if (r.status !== 200) throw new Error(`login failed: ${r.status} ${r.body}`);
      return {
        accessToken: String(r.json['accessToken']),
        refreshToken: String(r.json['refreshToken']),
        userId: String((r.json['user'] as { id: string }).id),
      };
    },
    async close() {
      await app.close();
      await db.dropDatabase().catch(() => undefined);
      await db.close();
    },
  };
}
