import { Module, type DynamicModule } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Connection } from '@temporalio/client';
import { CONFIG, ConfigModule, loadConfig } from '@trellis/platform-config';
import { createHttpApp, HealthModule, OpenApiModule } from '@trellis/platform-http';
import { checkKafka, KafkaModule } from '@trellis/platform-kafka';
import { createLogger, LoggingModule, type Logger } from '@trellis/platform-logging';
import { BridgeModule } from './bridge/bridge.module';
import { OrchestratorErasureModule } from './erasure/erasure.module';
import { orchestratorConfigSchema, SERVICE_NAME, type OrchestratorConfig } from './config';
import { checkTemporal, TEMPORAL_CONNECTION, TemporalModule } from './temporal/temporal.module';
import { WorkerModule } from './worker/worker.module';

@Module({})
export class OrchestratorModule {
  static forRoot(config: OrchestratorConfig): DynamicModule {
    return {
      module: OrchestratorModule,
      imports: [
        ConfigModule.forRoot(orchestratorConfigSchema, configSource(config)),
        LoggingModule.forRoot({ service: SERVICE_NAME, level: config.LOG_LEVEL }),
        KafkaModule.forRootAsync({
          inject: [CONFIG],
          useFactory: (c: OrchestratorConfig) => ({
            clientId: SERVICE_NAME,
            brokers: c.KAFKA_BROKERS,
            maxAttempts: c.BRIDGE_MAX_ATTEMPTS,
            deadLetterTopic: `${c.TOPIC_PREFIX}trellis.dead-letter.v1`,
          }),
        }),
        TemporalModule,
        HealthModule.forRoot({
          inject: [TEMPORAL_CONNECTION, CONFIG],
          useFactory: (temporal: Connection, c: OrchestratorConfig) => [
            { name: 'temporal', check: () => checkTemporal(temporal) },
            { name: 'kafka', check: () => checkKafka(c.KAFKA_BROKERS) },
          ],
        }),
        OpenApiModule.forRoot({ title: 'Trellis orchestrator', version: '0.1.0' }),
        BridgeModule,
        WorkerModule,
        OrchestratorErasureModule,
      ],
    };
  }
}

/** The validated configuration back as environment variables (ConfigModule re-validates). */
function configSource(config: OrchestratorConfig): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [
        k,
        Array.isArray(v) ? v.join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v),
      ]),
  );
}

/** Builds the orchestrator application (HTTP for health and OpenAPI; the bridge runs inside). */
export async function createOrchestratorApp(
  source: Record<string, string | undefined>,
): Promise<{ app: NestFastifyApplication; config: OrchestratorConfig; logger: Logger }> {
  const config = loadConfig(orchestratorConfigSchema, source);
  const logger = createLogger({ service: SERVICE_NAME, level: config.LOG_LEVEL });
  const app = await createHttpApp(OrchestratorModule.forRoot(config) as never, {
    service: SERVICE_NAME,
    logger,
    bodyLimit: config.HTTP_BODY_LIMIT_BYTES,
  });
  return { app, config, logger };
}
