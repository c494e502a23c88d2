import {
  Global,
  Module,
  type DynamicModule,
  type InjectionToken,
  type ModuleMetadata,
  type Provider,
} from '@nestjs/common';
import { Transport, type KafkaOptions } from '@nestjs/microservices';
import { LOGGER, type Logger } from '@trellis/platform-logging';
import { Partitioners } from 'kafkajs';
import type { Connection } from 'mongoose';
import { DEFAULT_MAX_ATTEMPTS } from './dead-letter';
import { KafkaEventConsumer } from './event.consumer';
import { EventProducer } from './event.producer';
import { IdempotentConsumer } from './idempotent.consumer';
import { KAFKA_CLIENT_RETRY, createKafkaClient } from './kafka.client';
import { KAFKA_CLIENT, KAFKA_OPTIONS, type KafkaModuleOptions } from './kafka.tokens';

/** Options of {@link KafkaModule.forRootAsync}. */
export interface KafkaModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: InjectionToken[];
  useFactory: (
    ...args: never[]
  ) =>
    | Omit<KafkaModuleOptions, 'mongoConnection'>
    | Promise<Omit<KafkaModuleOptions, 'mongoConnection'>>;
  /** Token of a mongoose `Connection` (see {@link KafkaModuleOptions.mongoConnection}). */
  mongoConnection?: InjectionToken;
}

/**
 * Kafka for a Trellis service (global): the kafkajs client (`KAFKA_CLIENT`), the
 * {@link EventProducer}, the {@link KafkaEventConsumer} pipeline and, given a mongoose
 * connection token, the {@link IdempotentConsumer}. Consuming itself runs on the Nest Kafka
 * transport: `app.connectMicroservice(kafkaMicroserviceOptions(app.get(KAFKA_OPTIONS)))`.
 * Uses the `LOGGER` of `LoggingModule` when present.
 */
@Global()
@Module({})
export class KafkaModule {
  static forRoot(options: KafkaModuleOptions): DynamicModule {
    return KafkaModule.build(
      [{ provide: KAFKA_OPTIONS, useValue: options }],
      options.mongoConnection,
    );
  }

  static forRootAsync(options: KafkaModuleAsyncOptions): DynamicModule {
    const module = KafkaModule.build(
      [
        {
          provide: KAFKA_OPTIONS,
          useFactory: async (...args: never[]) => ({
            ...(await options.useFactory(...args)),
            mongoConnection: options.mongoConnection,
          }),
          inject: options.inject ?? [],
        },
      ],
      options.mongoConnection,
    );
    return { ...module, imports: options.imports ?? [] };
  }

  private static build(
    optionProviders: Provider[],
    mongoConnection?: InjectionToken,
  ): DynamicModule {
    const providers: Provider[] = [
      ...optionProviders,
      {
        provide: KAFKA_CLIENT,
        useFactory: (options: KafkaModuleOptions, logger?: Logger) =>
          createKafkaClient({ clientId: options.clientId, brokers: options.brokers, logger }),
        inject: [KAFKA_OPTIONS, { token: LOGGER, optional: true }],
      },
      EventProducer,
      KafkaEventConsumer,
    ];
    const exported: InjectionToken[] = [
      KAFKA_OPTIONS,
      KAFKA_CLIENT,
      EventProducer,
      KafkaEventConsumer,
    ];
    if (mongoConnection !== undefined) {
      providers.push({
        provide: IdempotentConsumer,
        useFactory: (connection: Connection, options: KafkaModuleOptions) =>
          new IdempotentConsumer(connection, { leaseMs: options.idempotencyLeaseMs }),
        inject: [mongoConnection, KAFKA_OPTIONS],
      });
      exported.push(IdempotentConsumer);
    }
    return { module: KafkaModule, providers, exports: exported };
  }
}

/** kafkajs consumer settings as the Nest transport types them. */
type NestConsumerConfig = NonNullable<NonNullable<KafkaOptions['options']>['consumer']>;

/** Options of {@link kafkaMicroserviceOptions}. */
export interface KafkaMicroserviceConfig extends Pick<
  KafkaModuleOptions,
  'clientId' | 'brokers' | 'groupId' | 'maxAttempts'
> {
  /** Where a new consumer group starts: the oldest message (true, the default) or new ones only. */
  fromBeginning?: boolean;
  /** More kafkajs consumer settings (session timeout, max wait, ...). */
  consumer?: Partial<Omit<NestConsumerConfig, 'groupId'>>;
}

/**
 * Options for `app.connectMicroservice()` / `NestFactory.createMicroservice()`: the Nest Kafka
 * transport consuming the topics of this service's `@EventPattern` handlers.
 *
 * - `postfixId: ''`: Nest appends `-server` to clientId and groupId by default; here the
 *   group id is used exactly as configured, so it is the name operators see in Kafka.
 * - `parser.keepBinary`: values stay Buffers, so `KafkaEventConsumer` decodes the JSON itself
 *   and can tell a malformed message apart (Nest's parser silently leaves invalid JSON as a
 *   string). Use `@Ctx() KafkaContext` with `KafkaEventConsumer.consume()`, not `@Payload()`.
 * - auto-commit of resolved offsets: a handler that returns (handled, skipped as duplicate or
 *   dead-lettered) commits its message; one that throws does not, and kafkajs delivers it
 *   again after a backoff. The consumer's retry budget exceeds `maxAttempts`, so
 *   `KafkaEventConsumer` dead-letters a failing message before kafkajs would give up.
 *   Note that kafkajs counts these retries (and grows their backoff, up to 10 s) over the
 *   consumer's run, not per message: after `maxAttempts + 5` failed deliveries in all it
 *   restarts the consumer (rejoining the group), which resets the count and the backoff.
 * - new groups start from the beginning of the topic (events are kept forever; read models
 *   rebuild from them) unless `fromBeginning: false`.
 */
export function kafkaMicroserviceOptions(config: KafkaMicroserviceConfig): KafkaOptions {
  if (!config.groupId) {
    throw new Error(`Kafka microservice "${config.clientId}": groupId is required to consume`);
  }
  const maxAttempts = config.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  return {
    transport: Transport.KAFKA,
    options: {
      postfixId: '',
      client: {
        clientId: config.clientId,
        brokers: config.brokers,
        connectionTimeout: 3_000,
        retry: KAFKA_CLIENT_RETRY,
      },
      consumer: {
        allowAutoTopicCreation: false,
        retry: {
          initialRetryTime: 200,
          maxRetryTime: 10_000,
          multiplier: 2,
          retries: maxAttempts + 5,
        },
        ...config.consumer,
        groupId: config.groupId,
      },
      subscribe: { fromBeginning: config.fromBeginning ?? true },
      run: { autoCommit: true },
      parser: { keepBinary: true },
      producer: {
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: false,
      },
    },
  };
}
