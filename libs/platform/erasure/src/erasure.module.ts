import {
  Module,
  type DynamicModule,
  type FactoryProvider,
  type ModuleMetadata,
} from '@nestjs/common';
import { IdempotentConsumer, KAFKA_CLIENT, KafkaEventConsumer } from '@trellis/platform-kafka';
import { LOGGER, type Logger } from '@trellis/platform-logging';
import type { Kafka } from 'kafkajs';
import { ErasureEventsConsumer, type ErasureConsumerOptions } from './erasure.consumer';
import { OrganisationEraser, type OrganisationEraserOptions } from './organisation-eraser';

/** Options of {@link ErasureModule}: the eraser's, plus how the identity topic is consumed. */
export interface ErasureModuleOptions extends OrganisationEraserOptions {
  consumer: ErasureConsumerOptions;
}

/** Injection token of the {@link ErasureModuleOptions}. */
export const ERASURE_MODULE_OPTIONS = 'TRELLIS_ERASURE_MODULE_OPTIONS';

/**
 * A service's part in the erasure of organisations (global): provides the
 * {@link OrganisationEraser} (inject it to ignore new work for erased organisations with
 * `isErased`) and the {@link ErasureEventsConsumer} of the identity topic, started on
 * bootstrap. Needs `KafkaModule` (the client and `KafkaEventConsumer`; its
 * `IdempotentConsumer`, when the service has one, is used too).
 *
 * ```ts
 * ErasureModule.forRootAsync({
 *   imports: [RISK_MODELS],
 *   inject: [CONFIG, MONGO_CONNECTION, FieldCipher, KEY_STORE, getModelToken(THREAT_MODEL)],
 *   useFactory: (c, connection, cipher, store, threats) => ({
 *     service: 'risk-service',
 *     ledger: new MongoErasureLedger(erasureRecordModel(connection)),
 *     keys: { cipher, store },
 *     purgers: [collectionPurger({ kind: 'threats', model: threats, match: { organisationField: 'organisationId' } })],
 *     consumer: { groupId: c.IDENTITY_EVENTS_GROUP_ID },
 *   }),
 * })
 * ```
 */
@Module({})
export class ErasureModule {
  static forRootAsync(options: {
    imports?: ModuleMetadata['imports'];
    inject?: FactoryProvider['inject'];
    useFactory: (...args: never[]) => ErasureModuleOptions | Promise<ErasureModuleOptions>;
  }): DynamicModule {
    return {
      module: ErasureModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        {
          provide: ERASURE_MODULE_OPTIONS,
          inject: options.inject ?? [],
          useFactory: options.useFactory,
        },
        {
          provide: OrganisationEraser,
          inject: [ERASURE_MODULE_OPTIONS],
          useFactory: (o: ErasureModuleOptions) => new OrganisationEraser(o),
        },
        {
          provide: ErasureEventsConsumer,
          inject: [
            ERASURE_MODULE_OPTIONS,
            KAFKA_CLIENT,
            KafkaEventConsumer,
            OrganisationEraser,
            { token: IdempotentConsumer, optional: true },
            { token: LOGGER, optional: true },
          ],
          useFactory: (
            o: ErasureModuleOptions,
            kafka: Kafka,
            events: KafkaEventConsumer,
            eraser: OrganisationEraser,
            idempotency?: IdempotentConsumer,
            logger?: Logger,
          ) =>
            new ErasureEventsConsumer(
              {
                kafka,
                events,
                eraser,
                ...(idempotency ? { idempotency } : {}),
                ...(logger ? { logger: logger.child({ component: 'erasure' }) } : {}),
              },
              o.consumer,
            ),
        },
      ],
      exports: [OrganisationEraser, ErasureEventsConsumer],
    };
  }
}
