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
import { RiskAssessmentsModule } from './assessments/risk-assessments.module';
import { OUTBOX_MODEL_NAMES, RISK_MODELS } from './common/models';
import { masterKeyConfig, riskConfigSchema, SERVICE_NAME, type RiskConfig } from './config';
import { EngagementsModule } from './engagements/engagements.module';
import { RiskErasureModule } from './erasure/erasure.module';
import { IncidentsModule } from './incidents/incidents.module';
import { SecurityPlansModule } from './plans/security-plans.module';
import { ThreatsModule } from './threats/threats.module';
import { SecurityWheelModule } from './wheel/security-wheel.module';

/** Source of the configuration: `process.env` in production, a plain object in tests. */
export type ConfigSource = Record<string, string | undefined>;

/**
 * The risk service: threats (five-step assessment), risk assessments, incidents, the security
 * wheel and security plans over one MongoDB database; a projection of engagements consumed
 * from `trellis.engagement.v1`; its part in organisation erasure (`trellis.identity.v1`); an
 * outbox relay publishing to `trellis.risk.v1` (and the erasure reports); JWT
 * authentication on every route, `/health/live`, `/health/ready` and `/openapi.json`.
 */
@Module({})
export class AppModule {
  static forRoot(source: ConfigSource = process.env): DynamicModule {
    const config = loadConfig(riskConfigSchema, source);
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(riskConfigSchema, source),
        LoggingModule.forRoot({ service: SERVICE_NAME, level: config.LOG_LEVEL }),
        MongoModule.forRootAsync({
          inject: [CONFIG],
          useFactory: (c: RiskConfig) => ({
            url: c.MONGO_URL,
            dbName: c.MONGO_DB,
            appName: SERVICE_NAME,
          }),
        }),
        AuthModule.forRootAsync({
          inject: [CONFIG],
          useFactory: (c: RiskConfig) => ({
            issuer: c.JWT_ISSUER,
            audience: c.JWT_AUDIENCE,
            ...(c.JWT_JWKS_URL ? { jwksUrl: c.JWT_JWKS_URL } : {}),
            ...(c.JWT_JWKS ? { jwks: c.JWT_JWKS } : {}),
            ...(c.JWT_PUBLIC_KEY_PEM ? { publicKeyPem: c.JWT_PUBLIC_KEY_PEM } : {}),
          }),
        }),
        CryptoModule.forRootAsync({
          inject: [CONFIG, MONGO_CONNECTION],
          useFactory: (c: RiskConfig, connection: Connection) => ({
            masterKeys: masterKeyConfig(c),
            // The wrapped data keys live in their own database (excluded from data backups in
            // production), so erasing a key also defeats restored backups of the data.
            keyStore: new MongooseKeyStore(connection.useDb(c.KEYS_MONGO_DB, { useCache: true })),
          }),
        }),
        // Consuming side: the engagement projection, idempotent by event id (processed_events
        // in this service's database), dead-lettering what cannot be handled.
        KafkaModule.forRootAsync({
          inject: [CONFIG],
          useFactory: (c: RiskConfig) => ({
            clientId: SERVICE_NAME,
            brokers: c.KAFKA_BROKERS,
            groupId: c.ENGAGEMENT_EVENTS_GROUP_ID,
          }),
          mongoConnection: MONGO_CONNECTION,
        }),
        OutboxModule.forRootAsync({
          imports: [RISK_MODELS],
          inject: [
            CONFIG,
            LOGGER,
            MONGO_CONNECTION,
            ...OUTBOX_MODEL_NAMES.map((name) => getModelToken(name)),
          ],
          useFactory: (
            c: RiskConfig,
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
        HealthModule.forRoot({
          inject: [MongoHealth, CONFIG],
          useFactory: (mongo: MongoHealth, c: RiskConfig) => [
            { name: 'mongodb', check: () => mongo.check() },
            { name: 'kafka', check: () => checkKafka(c.KAFKA_BROKERS) },
          ],
        }),
        OpenApiModule.forRoot({ title: 'Trellis risk service', version: '0.1.0' }),
        EngagementsModule,
        ThreatsModule,
        RiskAssessmentsModule,
        IncidentsModule,
        SecurityWheelModule,
        SecurityPlansModule,
        RiskErasureModule,
      ],
    };
  }
}

/**
 * Builds the application (not yet listening): validates the configuration from `source`
 * (a `ConfigError` naming each wrong variable otherwise) and wires {@link AppModule} into an
 * HTTP app with Trellis' conventions.
 */
export async function createRiskApp(
  source: ConfigSource = process.env,
  logger?: Logger,
): Promise<{ app: NestFastifyApplication; config: RiskConfig; logger: Logger }> {
  const config = loadConfig(riskConfigSchema, source);
  registerErrorCodes(ERROR_CODES);
  const appLogger = logger ?? createLogger({ service: SERVICE_NAME, level: config.LOG_LEVEL });

  @Module({ imports: [AppModule.forRoot(source)] })
  class RiskServiceModule {}

  const app = await createHttpApp(RiskServiceModule, {
    service: SERVICE_NAME,
    bodyLimit: config.HTTP_BODY_LIMIT_BYTES,
    logger: appLogger,
  });
  return { app, config, logger: appLogger };
}
