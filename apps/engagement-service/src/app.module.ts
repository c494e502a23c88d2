import { Module, type DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ERROR_CODES } from '@trellis/contracts';
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
import {
  engagementConfigSchema,
  masterKeyConfig,
  SERVICE_NAME,
  type EngagementConfig,
} from './config';
import { AGREEMENT_MODELS, AgreementsModule } from './agreements/agreements.module';
import { AGREEMENT_MODEL } from './agreements/agreements.schema';
import { DESK_MODELS, DesksModule } from './desks/desks.module';
import { DESK_MODEL } from './desks/desks.schema';
import { ENGAGEMENT_MODELS, EngagementsModule } from './engagements/engagements.module';
import { ENGAGEMENT_MODEL } from './engagements/engagements.schema';
import { EngagementErasureModule } from './erasure/erasure.module';
import { ORGANISATION_MODELS, OrganisationsModule } from './organisations/organisations.module';
import { ORGANISATION_MODEL } from './organisations/organisations.schema';
import {
  NEEDS_ASSESSMENT_MODELS,
  NeedsAssessmentModule,
} from './needs-assessment/needs-assessment.module';
import { NEEDS_ASSESSMENT_MODEL } from './needs-assessment/needs-assessment.schema';

/** Source of the configuration: `process.env` in production, a plain object in tests. */
export type ConfigSource = Record<string, string | undefined>;

/**
 * The engagement service: desks, organisations, engagements, needs assessments and agreements
 * over one MongoDB database, its part in organisation erasure (`trellis.identity.v1`: the
 * organisation's data deleted, its key shredded), an outbox relay publishing their events to
 * Kafka, JWT
 * authentication on every route, `/health/live`, `/health/ready` and `/openapi.json`.
 */
@Module({})
export class AppModule {
  static forRoot(source: ConfigSource = process.env): DynamicModule {
    const config = loadConfig(engagementConfigSchema, source);
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(engagementConfigSchema, source),
        LoggingModule.forRoot({ service: SERVICE_NAME, level: config.LOG_LEVEL }),
        MongoModule.forRootAsync({
          inject: [CONFIG],
          useFactory: (c: EngagementConfig) => ({
            url: c.MONGO_URL,
            dbName: c.MONGO_DB,
            appName: SERVICE_NAME,
          }),
        }),
        AuthModule.forRootAsync({
          inject: [CONFIG],
          useFactory: (c: EngagementConfig) => ({
            issuer: c.JWT_ISSUER,
            audience: c.JWT_AUDIENCE,
            ...(c.JWT_JWKS_URL ? { jwksUrl: c.JWT_JWKS_URL } : {}),
            ...(c.JWT_JWKS ? { jwks: c.JWT_JWKS } : {}),
            ...(c.JWT_PUBLIC_KEY_PEM ? { publicKeyPem: c.JWT_PUBLIC_KEY_PEM } : {}),
          }),
        }),
        CryptoModule.forRootAsync({
          inject: [CONFIG, MONGO_CONNECTION],
          useFactory: (c: EngagementConfig, connection: Connection) => ({
            masterKeys: masterKeyConfig(c),
            // The wrapped data keys live in their own database (excluded from data backups in
            // production), so erasing a key also defeats restored backups of the data.
            keyStore: new MongooseKeyStore(connection.useDb(c.KEYS_MONGO_DB, { useCache: true })),
          }),
        }),
        // Consuming side: the organisation erasure requests, idempotent by event id
        // (processed_events in this service's database), dead-lettering what cannot be handled.
        KafkaModule.forRootAsync({
          inject: [CONFIG],
          useFactory: (c: EngagementConfig) => ({
            clientId: SERVICE_NAME,
            brokers: c.KAFKA_BROKERS,
            groupId: c.IDENTITY_EVENTS_GROUP_ID,
          }),
          mongoConnection: MONGO_CONNECTION,
        }),
        OutboxModule.forRootAsync({
          imports: [
            DESK_MODELS,
            ORGANISATION_MODELS,
            ENGAGEMENT_MODELS,
            NEEDS_ASSESSMENT_MODELS,
            AGREEMENT_MODELS,
          ],
          inject: [
            CONFIG,
            LOGGER,
            MONGO_CONNECTION,
            getModelToken(DESK_MODEL),
            getModelToken(ORGANISATION_MODEL),
            getModelToken(ENGAGEMENT_MODEL),
            getModelToken(NEEDS_ASSESSMENT_MODEL),
            getModelToken(AGREEMENT_MODEL),
          ],
          useFactory: (
            c: EngagementConfig,
            logger: Logger,
            connection: Connection,
            ...sources: OutboxSource[]
          ) => ({
            // The erasure records carry engagement.organisation.erased and the
            // identity.organisation.purged reports.
            sources: [...sources, erasureRecordModel(connection)],
            publisher: new KafkaEventPublisher(
              createKafkaClient({ clientId: SERVICE_NAME, brokers: c.KAFKA_BROKERS, logger }),
            ),
            logger: logger.child({ component: 'outbox' }),
            pollIntervalMs: c.OUTBOX_POLL_MS,
            autoStart: c.OUTBOX_AUTOSTART,
          }),
        }),
        HealthModule.forRoot({
          inject: [MongoHealth, CONFIG],
          useFactory: (mongo: MongoHealth, c: EngagementConfig) => [
            { name: 'mongodb', check: () => mongo.check() },
            { name: 'kafka', check: () => checkKafka(c.KAFKA_BROKERS) },
          ],
        }),
        OpenApiModule.forRoot({ title: 'Trellis engagement service', version: '0.1.0' }),
        DesksModule,
        OrganisationsModule,
        EngagementsModule,
        NeedsAssessmentModule,
        AgreementsModule.forRoot({ minimumDuration: config.MIN_CADENCE.iso }),
        EngagementErasureModule,
      ],
    };
  }
}

/**
 * Builds the application (not yet listening): validates the configuration from `source`
 * (a `ConfigError` naming each wrong variable otherwise) and wires {@link AppModule} into an
 * HTTP app with Trellis' conventions.
 */
export async function createEngagementApp(
  source: ConfigSource = process.env,
  logger?: Logger,
): Promise<{ app: NestFastifyApplication; config: EngagementConfig; logger: Logger }> {
  const config = loadConfig(engagementConfigSchema, source);
  registerErrorCodes(ERROR_CODES);
  const appLogger = logger ?? createLogger({ service: SERVICE_NAME, level: config.LOG_LEVEL });

  @Module({ imports: [AppModule.forRoot(source)] })
  class EngagementServiceModule {}

  const app = await createHttpApp(EngagementServiceModule, {
    service: SERVICE_NAME,
    bodyLimit: config.HTTP_BODY_LIMIT_BYTES,
    logger: appLogger,
  });
  return { app, config, logger: appLogger };
}
