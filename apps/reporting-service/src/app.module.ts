import { Module, type DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ERROR_CODES, parseEvent, TOPICS } from '@trellis/contracts';
import { AuthModule } from '@trellis/platform-auth';
import { CONFIG, ConfigModule, loadConfig } from '@trellis/platform-config';
import {
  createHttpApp,
  HealthModule,
  OpenApiModule,
  registerErrorCodes,
} from '@trellis/platform-http';
import { checkKafka, KafkaModule } from '@trellis/platform-kafka';
import { createLogger, LoggingModule, type Logger } from '@trellis/platform-logging';
import { MONGO_CONNECTION, MongoHealth, MongoModule } from '@trellis/platform-mongo';
import { reportingConfigSchema, SERVICE_NAME, type ReportingConfig } from './config';
import { ReadModelModule } from './read-model/read-model.module';
import { ReportsModule } from './reports/reports.module';

/** Source of the configuration: `process.env` in production, a plain object in tests. */
export type ConfigSource = Record<string, string | undefined>;

/**
 * The reporting service: read models built only from events (every domain topic, consumed
 * with its own group, idempotent, dead-lettering what is invalid) in its own MongoDB database,
 * organisations under pseudonyms only; read-only analyst reports (`/reports/...`, JSON or CSV,
 * small cells suppressed) for analysts and admins; `/health/live`, `/health/ready`,
 * `/openapi.json`.
 */
@Module({})
export class AppModule {
  static forRoot(source: ConfigSource = process.env): DynamicModule {
    const config = loadConfig(reportingConfigSchema, source);
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(reportingConfigSchema, source),
        LoggingModule.forRoot({ service: SERVICE_NAME, level: config.LOG_LEVEL }),
        MongoModule.forRootAsync({
          inject: [CONFIG],
          useFactory: (c: ReportingConfig) => ({
            url: c.MONGO_URL,
            dbName: c.MONGO_DB,
            appName: SERVICE_NAME,
          }),
        }),
        AuthModule.forRootAsync({
          inject: [CONFIG],
          useFactory: (c: ReportingConfig) => ({
            issuer: c.JWT_ISSUER,
            audience: c.JWT_AUDIENCE,
            ...(c.JWT_JWKS_URL ? { jwksUrl: c.JWT_JWKS_URL } : {}),
            ...(c.JWT_JWKS ? { jwks: c.JWT_JWKS } : {}),
            ...(c.JWT_PUBLIC_KEY_PEM ? { publicKeyPem: c.JWT_PUBLIC_KEY_PEM } : {}),
          }),
        }),
        KafkaModule.forRootAsync({
          inject: [CONFIG],
          useFactory: (c: ReportingConfig) => ({
            clientId: SERVICE_NAME,
            brokers: c.KAFKA_BROKERS,
            groupId: c.KAFKA_GROUP_ID,
            deadLetterTopic: `${c.TOPIC_PREFIX}${TOPICS.deadLetter}`,
            maxAttempts: c.CONSUMER_MAX_ATTEMPTS,
            outgoingParser: parseEvent,
          }),
          mongoConnection: MONGO_CONNECTION,
        }),
        HealthModule.forRoot({
          inject: [MongoHealth, CONFIG],
          useFactory: (mongo: MongoHealth, c: ReportingConfig) => [
            { name: 'mongodb', check: () => mongo.check() },
            { name: 'kafka', check: () => checkKafka(c.KAFKA_BROKERS) },
          ],
        }),
        OpenApiModule.forRoot({ title: 'Trellis reporting service', version: '0.1.0' }),
        ReadModelModule,
        ReportsModule,
      ],
    };
  }
}

/**
 * Builds the application (not yet listening): validates the configuration from `source`
 * (a `ConfigError` naming each wrong variable otherwise) and wires {@link AppModule} into an
 * HTTP app with Trellis' conventions.
 */
export async function createReportingApp(
  source: ConfigSource = process.env,
  logger?: Logger,
): Promise<{ app: NestFastifyApplication; config: ReportingConfig; logger: Logger }> {
  const config = loadConfig(reportingConfigSchema, source);
  registerErrorCodes(ERROR_CODES);
  const appLogger = logger ?? createLogger({ service: SERVICE_NAME, level: config.LOG_LEVEL });

  @Module({ imports: [AppModule.forRoot(source)] })
  class ReportingServiceModule {}

  const app = await createHttpApp(ReportingServiceModule, {
    service: SERVICE_NAME,
    bodyLimit: config.HTTP_BODY_LIMIT_BYTES,
    logger: appLogger,
  });
  return { app, config, logger: appLogger };
}
