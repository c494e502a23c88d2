import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { EngagementCreatedV1, isEvent, parseEvent, TOPICS } from '@trellis/contracts';
import { CONFIG } from '@trellis/platform-config';
import { OrganisationEraser } from '@trellis/platform-erasure';
import { IdempotentConsumer, KAFKA_CLIENT, KafkaEventConsumer } from '@trellis/platform-kafka';
import type { Consumer, Kafka } from 'kafkajs';
import type { RiskConfig } from '../config';
import { KnownEngagementsService } from './known-engagements.service';

/** Name of the consumer in `processed_events` (idempotency by event id); never rename. */
export const ENGAGEMENT_PROJECTION_CONSUMER = 'risk-service.known-engagements';

/**
 * Consumes `trellis.engagement.v1` from the beginning with its own group and keeps the local
 * projection of engagements (`known_engagements`). Every message goes through
 * `KafkaEventConsumer` (validated against its contract, retried with backoff, dead-lettered
 * when it cannot be handled). `engagement.engagement.created` is applied once per event id
 * through `IdempotentConsumer` (`processed_events`); the other engagement events are
 * acknowledged without a marker, so replaying the topic's history stays cheap. Events of an
 * erased organisation are ignored (`OrganisationEraser.isErased`).
 */
@Injectable()
export class EngagementEventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer?: Consumer;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly events: KafkaEventConsumer,
    private readonly engagements: KnownEngagementsService,
    private readonly idempotency: IdempotentConsumer,
    private readonly eraser: OrganisationEraser,
    @Inject(CONFIG) private readonly config: RiskConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.CONSUME_ENGAGEMENT_EVENTS) return;
    const consumer = this.kafka.consumer({
      groupId: this.config.ENGAGEMENT_EVENTS_GROUP_ID,
      allowAutoTopicCreation: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 250,
      retry: { initialRetryTime: 200, maxRetryTime: 5_000, multiplier: 2, retries: 10 },
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPICS.engagement], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ topic, partition, message }) =>
        this.events.process(
          { topic, partition, message },
          { consumer: ENGAGEMENT_PROJECTION_CONSUMER, parse: parseEvent, idempotent: false },
          async (event) => {
            if (!isEvent(event, EngagementCreatedV1)) return;
            // A late or replayed event of an erased organisation must not bring it back.
            if (await this.eraser.isErased(event.organisationId)) return;
            await this.idempotency.handleOnce(event.id, ENGAGEMENT_PROJECTION_CONSUMER, () =>
              this.engagements.applyCreated(event),
            );
          },
        ),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
