import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  AgreementActivatedV1,
  AgreementAmendedV1,
  isEvent,
  parseEvent,
  TOPICS,
  type TrellisEvent,
} from '@trellis/contracts';
import { CONFIG } from '@trellis/platform-config';
import { OrganisationEraser } from '@trellis/platform-erasure';
import { IdempotentConsumer, KAFKA_CLIENT, KafkaEventConsumer } from '@trellis/platform-kafka';
import type { Consumer, Kafka } from 'kafkajs';
import type { TrainingConfig } from '../config';
import { KnownEngagementsService } from '../engagements/known-engagements.service';
import { TrainingPlansService } from '../plans/training-plans.service';

/** Name of the consumer in `processed_events` (idempotency by event id); never rename. */
export const ENGAGEMENT_EVENTS_CONSUMER = 'training-service.engagement-events';

/** The engagement events this service applies (others are acknowledged and skipped). */
const HANDLED = new Set<string>([
  'engagement.engagement.created',
  'engagement.engagement.rerouted',
  'engagement.needs-assessment.recorded',
  AgreementActivatedV1.type,
  AgreementAmendedV1.type,
]);

/**
 * Consumes `trellis.engagement.v1` from the beginning with its own group: keeps the engagement
 * projection and creates (activation) or revises (amendment) the training plans. Messages go
 * through `KafkaEventConsumer` (validated, retried, dead-lettered); handled events are applied
 * once per event id through `IdempotentConsumer` (`processed_events`); others are acknowledged
 * without a marker. Events of an erased organisation are ignored (`OrganisationEraser.isErased`).
 */
@Injectable()
export class EngagementEventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer?: Consumer;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly events: KafkaEventConsumer,
    private readonly engagements: KnownEngagementsService,
    private readonly plans: TrainingPlansService,
    private readonly idempotency: IdempotentConsumer,
    private readonly eraser: OrganisationEraser,
    @Inject(CONFIG) private readonly config: TrainingConfig,
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
          { consumer: ENGAGEMENT_EVENTS_CONSUMER, parse: parseEvent, idempotent: false },
          async (event) => {
            if (!HANDLED.has(event.type)) return;
            // A late or replayed event of an erased organisation must not bring it back.
            if (event.organisationId && (await this.eraser.isErased(event.organisationId))) {
              return;
            }
            await this.idempotency.handleOnce(event.id, ENGAGEMENT_EVENTS_CONSUMER, () =>
              this.apply(event),
            );
          },
        ),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect();
  }

  private async apply(event: TrellisEvent): Promise<void> {
    if (isEvent(event, AgreementActivatedV1)) return this.plans.createFromAgreement(event);
    if (isEvent(event, AgreementAmendedV1)) return this.plans.reviseFromAmendment(event);
    return this.engagements.apply(event);
  }
}
