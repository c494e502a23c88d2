import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ERROR_CODES } from '@trellis/contracts';
import { AuthModule, type AuthModuleOptions } from '@trellis/platform-auth';
import { CONFIG, ConfigModule, loadConfig, masterKeyConfig } from '@trellis/platform-config';
import { CryptoModule, MongooseKeyStore } from '@trellis/platform-crypto';
import { erasureRecordModel } from '@trellis/platform-erasure';
import {
  createHttpApp,
  HealthModule,
  OpenApiModule,
  registerErrorCodes,
} from '@trellis/platform-http';
import { checkKafka, createKafkaClient, KafkaModule } from '@trellis/platform-kafka';
import { createLogger, LOGGER, LoggingModule, type Logger } from '@trellis/platform-logging';
import { getModelToken, MONGO_CONNECTION, MongoHealth, MongoModule } from '@trellis/platform-mongo';
import { KafkaEventPublisher, OutboxModule, type OutboxSource } from '@trellis/platform-outbox';
import type { Connection } from 'mongoose';
import type { z } from 'zod';

/** Source of the configuration: `process.env` in production, a plain object in tests. */
export type ConfigSource = Record<string, string | undefined>;

/** The settings every service has (`baseServiceEnv` plus its database). */
export interface ServiceBaseConfig {
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  MONGO_URL: string;
  MONGO_DB: string;
  KAFKA_BROKERS: string[];
  HTTP_BODY_LIMIT_BYTES: number;
  OUTBOX_POLL_MS: number;
  OUTBOX_AUTOSTART: boolean;
}

/** The token settings of `securedServiceEnvShape`. */
export interface ServiceAuthConfig {
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  JWT_JWKS_URL?: string | undefined;
  JWT_JWKS?: { keys: Record<string, unknown>[] } | undefined;
  JWT_PUBLIC_KEY_PEM?: string | undefined;
}

/** The field-encryption settings of `securedServiceEnvShape` (+ the key database). */
export interface ServiceCryptoConfig {
  MASTER_KEYS: Record<string, string>;
  MASTER_KEY_ID?: string | undefined;
  KEYS_MONGO_DB: string;
}

/** What a Trellis service is made of, apart from its feature modules. */
export interface ServiceKit<C extends ServiceBaseConfig> {
  /** The service's name (logs, Kafka client id, MongoDB appName). */
  name: string;
  /** Title of its OpenAPI document. */
  title: string;
  schema: z.ZodType<C>;
  /** How tokens are verified (default: from `JWT_*` of `securedServiceEnvShape`). */
  auth: (config: C) => AuthModuleOptions;
  /** Field encryption with per-organisation keys (`MASTER_KEYS`, `KEYS_MONGO_DB`). */
  crypto?: (config: C) => ServiceCryptoConfig;
  /** The Kafka consumer group of the service's idempotent consumers (and their retry policy). */
  kafka: (config: C) => { groupId: string; maxAttempts?: number; deadLetterTopic?: string };
  /** The models whose documents carry an outbox, and the modules registering them. */
  outbox: {
    models: DynamicModule[];
    modelNames: readonly string[];
    /** Also relay the erasure records' outboxes (`identity.organisation.purged` reports). */
    erasureRecords?: boolean;
  };
}

/** Token verification options from the `securedServiceEnvShape` variables. */
export function securedAuthOptions(c: ServiceAuthConfig): AuthModuleOptions {
  return {
    issuer: c.JWT_ISSUER,
    audience: c.JWT_AUDIENCE,
    ...(c.JWT_JWKS_URL ? { jwksUrl: c.JWT_JWKS_URL } : {}),
    ...(c.JWT_JWKS ? { jwks: c.JWT_JWKS } : {}),
    ...(c.JWT_PUBLIC_KEY_PEM ? { publicKeyPem: c.JWT_PUBLIC_KEY_PEM } : {}),
  };
}

/**
 * The platform modules of a service, wired the same way in every service: validated
 * configuration, pino logging, the MongoDB connection, token verification, field encryption
 * (wrapped keys in their own database, excluded from data backups in production, so erasing a
 * key also defeats restored backups), the Kafka client with the idempotent consumer
 * (processed events in the service's database, dead-lettering), the outbox relay, health
 * checks (MongoDB, Kafka) and the OpenAPI document.
 */
export function platformImports<C extends ServiceBaseConfig>(
  kit: ServiceKit<C>,
  source: ConfigSource,
): NonNullable<ModuleMetadata['imports']> {
  const config = loadConfig(kit.schema, source);
  const { outbox } = kit;
  return [
    ConfigModule.forRoot(kit.schema, source),
    LoggingModule.forRoot({ service: kit.name, level: config.LOG_LEVEL }),
    MongoModule.forRootAsync({
      inject: [CONFIG],
      useFactory: (c: C) => ({ url: c.MONGO_URL, dbName: c.MONGO_DB, appName: kit.name }),
    }),
    AuthModule.forRootAsync({ inject: [CONFIG], useFactory: (c: C) => kit.auth(c) }),
    ...(kit.crypto
      ? [
          CryptoModule.forRootAsync({
            inject: [CONFIG, MONGO_CONNECTION],
            useFactory: (c: C, connection: Connection) => {
              const crypto = (kit.crypto as (config: C) => ServiceCryptoConfig)(c);
              return {
                masterKeys: masterKeyConfig(crypto),
                keyStore: new MongooseKeyStore(
                  connection.useDb(crypto.KEYS_MONGO_DB, { useCache: true }),
                ),
              };
            },
          }),
        ]
      : []),
    KafkaModule.forRootAsync({
      inject: [CONFIG],
      useFactory: (c: C) => ({ clientId: kit.name, brokers: c.KAFKA_BROKERS, ...kit.kafka(c) }),
      mongoConnection: MONGO_CONNECTION,
    }),
    OutboxModule.forRootAsync({
      imports: outbox.models,
      inject: [
        CONFIG,
        LOGGER,
        MONGO_CONNECTION,
        ...outbox.modelNames.map((name) => getModelToken(name)),
      ],
      useFactory: (c: C, logger: Logger, connection: Connection, ...sources: OutboxSource[]) => ({
        sources: outbox.erasureRecords ? [...sources, erasureRecordModel(connection)] : sources,
        publisher: new KafkaEventPublisher(
          createKafkaClient({ clientId: kit.name, brokers: c.KAFKA_BROKERS, logger }),
        ),
        logger: logger.child({ component: 'outbox' }),
        pollIntervalMs: c.OUTBOX_POLL_MS,
        autoStart: c.OUTBOX_AUTOSTART,
      }),
    }),
    HealthModule.forRoot({
      inject: [MongoHealth, CONFIG],
      useFactory: (mongo: MongoHealth, c: C) => [
        { name: 'mongodb', check: () => mongo.check() },
        { name: 'kafka', check: () => checkKafka(c.KAFKA_BROKERS) },
      ],
    }),
    OpenApiModule.forRoot({ title: kit.title, version: '0.1.0' }),
  ];
}

/**
 * Builds a service's application (not yet listening): validates the configuration (a
 * `ConfigError` naming each wrong variable otherwise) and wires `root` into an HTTP app with
 * Trellis' conventions.
 */
export async function createServiceApp<C extends ServiceBaseConfig>(
  kit: Pick<ServiceKit<C>, 'name' | 'schema'>,
  root: DynamicModule,
  source: ConfigSource,
  options: { logger?: Logger; trustProxy?: boolean } = {},
): Promise<{ app: NestFastifyApplication; config: C; logger: Logger }> {
  const config = loadConfig(kit.schema, source);
  registerErrorCodes(ERROR_CODES);
  const logger = options.logger ?? createLogger({ service: kit.name, level: config.LOG_LEVEL });

  @Module({ imports: [root] })
  class ServiceModule {}

  const app = await createHttpApp(ServiceModule, {
    service: kit.name,
    bodyLimit: config.HTTP_BODY_LIMIT_BYTES,
    logger,
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
  });
  return { app, config, logger };
}
