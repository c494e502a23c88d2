import type { InjectionToken } from '@nestjs/common';

/** Injection token of the kafkajs `Kafka` client created by `KafkaModule`. */
export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');

/** Injection token of the {@link KafkaModuleOptions} given to `KafkaModule`. */
export const KAFKA_OPTIONS = Symbol('KAFKA_OPTIONS');

/** Options of `KafkaModule.forRoot()`. */
export interface KafkaModuleOptions {
  clientId: string;
  brokers: string[];
  /**
   * Consumer group of this service's Kafka microservice (see `kafkaMicroserviceOptions`);
   * used exactly as given (no `-server` suffix).
   */
  groupId?: string;
  /** Where unprocessable messages go; `trellis.dead-letter.v1` by default. */
  deadLetterTopic?: string;
  /** Deliveries of one message whose handler fails before it is dead-lettered; 5 by default. */
  maxAttempts?: number;
  /**
   * Token of a mongoose `Connection` for the `processed_events` collection: with it the
   * module provides `IdempotentConsumer` and consumers are idempotent by event id.
   */
  mongoConnection?: InjectionToken;
  /** How long a consumer may hold an event before another may take it over; 60 s by default. */
  idempotencyLeaseMs?: number;
  /** Validates every published event (e.g. `parseEvent` of `@trellis/contracts`). */
  outgoingParser?: (raw: unknown) => unknown;
}
