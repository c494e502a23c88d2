import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { parseEvent, TOPICS } from '@trellis/contracts';
import { CONFIG } from '@trellis/platform-config';
import { KAFKA_CLIENT, KafkaEventConsumer } from '@trellis/platform-kafka';
import type { Consumer, Kafka } from 'kafkajs';
import type { ReportingConfig } from '../config';
import { FreshnessTracker } from './freshness';
import { ProjectionApplier } from './projection.service';

/** Idempotency name of the projection's consumer (never rename: events would look new). */
export const READ_MODEL_CONSUMER = 'reporting-service.read-models';

/** The topics the read models are built from (every domain topic and the identity topic). */
export const CONSUMED_TOPICS = [
  TOPICS.engagement,
  TOPICS.training,
  TOPICS.risk,
  TOPICS.coaching,
  TOPICS.autonomy,
  TOPICS.reminders,
  TOPICS.identity,
] as const;

/** The consumed topics with a prefix (tests isolate topics with `TOPIC_PREFIX`). */
export function consumedTopics(prefix: string): string[] {
  return CONSUMED_TOPICS.map((topic) => `${prefix}${topic}`);
}

/**
 * Consumes every domain topic from the beginning with the service's own group and applies
 * each event to the read models through `KafkaEventConsumer`: validated against its contract
 * (dead-lettered when invalid), retried with backoff on failure and dead-lettered after
 * `CONSUMER_MAX_ATTEMPTS`, skipped when already handled (`processed_events`, unless
 * `DEDUPE_EVENTS=false`: the writes are idempotent by construction).
 */
@Injectable()
export class ReadModelEventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer?: Consumer;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly events: KafkaEventConsumer,
    private readonly applier: ProjectionApplier,
    private readonly freshness: FreshnessTracker,
    @Inject(CONFIG) private readonly config: ReportingConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.CONSUMER_AUTOSTART) return;
    const consumer = this.kafka.consumer({
      groupId: this.config.KAFKA_GROUP_ID,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 500,
      retry: {
        initialRetryTime: 200,
        maxRetryTime: 5_000,
        multiplier: 2,
        retries: this.config.CONSUMER_MAX_ATTEMPTS + 5,
      },
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({
      topics: consumedTopics(this.config.TOPIC_PREFIX),
      fromBeginning: true,
    });
    await consumer.run({
      eachMessage: ({ topic, partition, message }) =>
        this.events.process(
          { topic, partition, message },
          {
            consumer: READ_MODEL_CONSUMER,
            parse: parseEvent,
            idempotent: this.config.DEDUPE_EVENTS,
            maxAttempts: this.config.CONSUMER_MAX_ATTEMPTS,
          },
          async (event) => {
            await this.applier.apply(event);
          },
        ),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect();
    await this.freshness.close();
  }
}
