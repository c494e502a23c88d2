import { Module, type DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ERROR_CODES, TOPICS } from '@trellis/contracts';
import { AuthModule } from '@trellis/platform-auth';
import { CONFIG, ConfigModule, loadConfig } from '@trellis/platform-config';
import { CryptoModule, MongooseKeyStore } from '@trellis/platform-crypto';
import {
  createHttpApp,
  HealthModule,
  OpenApiModule,
  registerErrorCodes,
} from '@trellis/platform-http';
import { checkKafka, createKafkaClient, KafkaModule } from '@trellis/platform-kafka';
import { createLogger, LOGGER, LoggingModule, type Logger } from '@trellis/platform-logging';
import { getModelToken, MONGO_CONNECTION, MongoHealth, MongoModule } from '@trellis/platform-mongo';
import { erasureRecordModel } from '@trellis/platform-erasure';
import { KafkaEventPublisher, OutboxModule, type OutboxSource } from '@trellis/platform-outbox';
import type { Connection } from 'mongoose';
import { AUTONOMY_MODELS, AutonomyModule } from './autonomy/autonomy.module';
import { AUTONOMY_REVIEW_MODEL } from './autonomy/autonomy.schema';
import { coachingConfigSchema, masterKeyConfig, SERVICE_NAME, type CoachingConfig } from './config';
import { EngagementsModule } from './engagements/engagements.module';
import { CoachingErasureModule } from './erasure/erasure.module';
import { EventsModule } from './events/events.module';
import { FOLLOW_UP_MODELS, FollowUpsModule } from './follow-ups/follow-ups.module';
import { FOLLOW_UP_MODEL } from './follow-ups/follow-ups.schema';
import { NotificationsModule } from './notifications/notifications.module';
import { TimelineModule } from './timeline/timeline.module';

/** Source of the configuration: `process.env` in production, a plain object in tests. */
export type ConfigSource = Record<string, string | undefined>;

/**
 * The coaching service: follow-ups, site-visit check-ins, autonomy reviews, inboxes and
 * e-mail notifications over one MongoDB database; a Kafka consumer of the engagement and
 * reminders topics; its part in organisation erasure (the identity topic); an outbox relay
 * publishing the coaching and autonomy events (and the erasure reports); JWT
 * authentication on every route, `/health/live`, `/health/ready` and `/openapi.json`.
 */
@Module({})
export class AppModule {
  static forRoot(source: ConfigSource = process.env): DynamicModule {
    const config = loadConfig(coachingConfigSchema, source);
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(coachingConfigSchema, source),
        LoggingModule.forRoot({ service: SERVICE_NAME, level: config.LOG_LEVEL }),
        MongoModule.forRootAsync({
          inject: [CONFIG],
          useFactory: (c: CoachingConfig) => ({
            url: c.MONGO_URL,
            dbName: c.MONGO_DB,
            appName: SERVICE_NAME,
          }),
        }),
        AuthModule.forRootAsync({
          inject: [CONFIG],
          useFactory: (c: CoachingConfig) => ({
            issuer: c.JWT_ISSUER,
            audience: c.JWT_AUDIENCE,
            ...(c.JWT_JWKS_URL ? { jwksUrl: c.JWT_JWKS_URL } : {}),
            ...(c.JWT_JWKS ? { jwks: c.JWT_JWKS } : {}),
            ...(c.JWT_PUBLIC_KEY_PEM ? { publicKeyPem: c.JWT_PUBLIC_KEY_PEM } : {}),
          }),
        }),
        CryptoModule.forRootAsync({
          inject: [CONFIG, MONGO_CONNECTION],
          useFactory: (c: CoachingConfig, connection: Connection) => ({
            masterKeys: masterKeyConfig(c),
            // The wrapped data keys live in their own database (excluded from data backups in
            // production), so erasing a key also defeats restored backups of the data.
            keyStore: new MongooseKeyStore(connection.useDb(c.KEYS_MONGO_DB, { useCache: true })),
          }),
        }),
        OutboxModule.forRootAsync({
          imports: [FOLLOW_UP_MODELS, AUTONOMY_MODELS],
          inject: [
            CONFIG,
            LOGGER,
            MONGO_CONNECTION,
            getModelToken(FOLLOW_UP_MODEL),
            getModelToken(AUTONOMY_REVIEW_MODEL),
          ],
          useFactory: (
            c: CoachingConfig,
            logger: Logger,
            connection: Connection,
            ...sources: OutboxSource[]
          ) => ({
            // The erasure records carry the identity.organisation.purged reports.
            sources: [...sources, erasureRecordModel(connection)],
            publisher: new KafkaEventPublisher(
              createKafkaClient({ clientId: SERVICE_NAME, brokers: c.KAFKA_BROKERS, logger }),
            ),
            logger: logger.child({ component: 'outbox' }),
            pollIntervalMs: c.OUTBOX_POLL_MS,
            autoStart: c.OUTBOX_AUTOSTART,
          }),
        }),
        KafkaModule.forRootAsync({
          inject: [CONFIG],
          useFactory: (c: CoachingConfig) => ({
            clientId: SERVICE_NAME,
            brokers: c.KAFKA_BROKERS,
            groupId: c.KAFKA_GROUP_ID,
            maxAttempts: c.CONSUMER_MAX_ATTEMPTS,
            deadLetterTopic: `${c.TOPIC_PREFIX}${TOPICS.deadLetter}`,
          }),
          mongoConnection: MONGO_CONNECTION,
        }),
        HealthModule.forRoot({
          inject: [MongoHealth, CONFIG],
          useFactory: (mongo: MongoHealth, c: CoachingConfig) => [
            { name: 'mongodb', check: () => mongo.check() },
            { name: 'kafka', check: () => checkKafka(c.KAFKA_BROKERS) },
          ],
        }),
        OpenApiModule.forRoot({ title: 'Trellis coaching service', version: '0.1.0' }),
        EngagementsModule,
        NotificationsModule,
        EventsModule,
        FollowUpsModule,
        AutonomyModule,
        TimelineModule,
        CoachingErasureModule,
      ],
    };
  }
}

/**
 * Builds the application (not yet listening): validates the configuration from `source`
 * (a `ConfigError` naming each wrong variable otherwise) and wires {@link AppModule} into an
 * HTTP app with Trellis' conventions.
 */
export async function createCoachingApp(
  source: ConfigSource = process.env,
  logger?: Logger,
): Promise<{ app: NestFastifyApplication; config: CoachingConfig; logger: Logger }> {
  const config = loadConfig(coachingConfigSchema, source);
  registerErrorCodes(ERROR_CODES);
  const appLogger = logger ?? createLogger({ service: SERVICE_NAME, level: config.LOG_LEVEL });

  @Module({ imports: [AppModule.forRoot(source)] })
  class CoachingServiceModule {}

  const app = await createHttpApp(CoachingServiceModule, {
    service: SERVICE_NAME,
    bodyLimit: config.HTTP_BODY_LIMIT_BYTES,
    logger: appLogger,
  });
  return { app, config, logger: appLogger };
}
