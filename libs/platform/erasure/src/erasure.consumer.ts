import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  isEvent,
  OrganisationErasureCompletedV1,
  OrganisationErasureRequestedV1,
  parseEvent,
  TOPICS,
  type TrellisEvent,
} from '@trellis/contracts';
import type { IdempotentConsumer, KafkaEventConsumer } from '@trellis/platform-kafka';
import type { Logger } from '@trellis/platform-logging';
import type { Consumer, Kafka } from 'kafkajs';
import type { ErasureOutcome, OrganisationEraser } from './organisation-eraser';

/** How a service consumes the identity topic's erasure events. */
export interface ErasureConsumerOptions {
  /** The consumer group (one per service, e.g. `risk-service.identity`). */
  groupId: string;
  /** The consumed topic (default `trellis.identity.v1`; tests isolate themselves with another). */
  topic?: string;
  /**
   * Stable name of the consumer (idempotency markers in `processed_events`, dead-letters);
   * default `<service>.organisation-erasure`. Never rename it.
   */
  consumer?: string;
  /** Start consuming when the application boots (default true). */
  autoStart?: boolean;
  /** Deliveries of a failing request before it is dead-lettered (default: the Kafka module's). */
  maxAttempts?: number;
}

/** What the consumer needs from the application. */
export interface ErasureConsumerDeps {
  kafka: Kafka;
  events: KafkaEventConsumer;
  eraser: OrganisationEraser;
  /** Markers by event id, when the service has a database (skips a delivery running twice at once). */
  idempotency?: IdempotentConsumer;
  logger?: Logger;
}

/**
 * Consumes the identity topic from the beginning with the service's own group:
 * `identity.organisation.erasure-requested` and, as a catch-up for a request this service
 * missed, `identity.organisation.erasure-completed` run {@link OrganisationEraser.erase}
 * (which does nothing for a request already completed); other events are acknowledged.
 * Every message goes through `KafkaEventConsumer`: validated against its contract, retried
 * with backoff on failure and dead-lettered after the bounded attempts.
 */
export class ErasureEventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer?: Consumer;
  readonly consumerName: string;
  readonly topic: string;

  constructor(
    private readonly deps: ErasureConsumerDeps,
    private readonly options: ErasureConsumerOptions,
  ) {
    this.consumerName = options.consumer ?? `${deps.eraser.service}.organisation-erasure`;
    this.topic = options.topic ?? TOPICS.identity;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.autoStart === false) return;
    const consumer = this.deps.kafka.consumer({
      groupId: this.options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 250,
      // More retries than attempts: KafkaEventConsumer dead-letters a failing request first.
      retry: {
        initialRetryTime: 200,
        maxRetryTime: 5_000,
        multiplier: 2,
        retries: Math.max(10, (this.options.maxAttempts ?? 0) + 5),
      },
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ topic, partition, message }) =>
        this.deps.events.process(
          { topic, partition, message },
          {
            consumer: this.consumerName,
            parse: parseEvent,
            idempotent: false,
            ...(this.options.maxAttempts ? { maxAttempts: this.options.maxAttempts } : {}),
          },
          async (event) => {
            await this.handle(event);
          },
        ),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  /**
   * Applies one identity event: an erasure request or completion erases the organisation
   * (once per event id when markers are available); resolves what was done, or `undefined`
   * for events of other types and for an event handled before.
   */
  async handle(event: TrellisEvent): Promise<ErasureOutcome | undefined> {
    if (
      !isEvent(event, OrganisationErasureRequestedV1) &&
      !isEvent(event, OrganisationErasureCompletedV1)
    ) {
      return undefined;
    }
    const request = {
      erasureRequestId: event.payload.erasureRequestId,
      organisationId: event.payload.organisationId,
    };
    const run = () => this.deps.eraser.erase(request);
    let outcome: ErasureOutcome | undefined;
    if (this.deps.idempotency) {
      const result = await this.deps.idempotency.handleOnce(event.id, this.consumerName, run);
      outcome = result.status === 'processed' ? result.value : undefined;
    } else {
      outcome = await run();
    }
    if (outcome) {
      this.deps.logger?.info(
        {
          eventId: event.id,
          eventType: event.type,
          erasureRequestId: request.erasureRequestId,
          organisationId: request.organisationId,
          keyErased: outcome.report.keyErased,
          removed: outcome.report.removed,
          alreadyCompleted: outcome.alreadyCompleted,
        },
        'organisation erased',
      );
    }
    return outcome;
  }
}
