import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { parseEvent, TOPICS, type TrellisEvent } from '@trellis/contracts';
import { CONFIG } from '@trellis/platform-config';
import { FieldCipher } from '@trellis/platform-crypto';
import { OrganisationEraser } from '@trellis/platform-erasure';
import { KAFKA_CLIENT, KafkaEventConsumer } from '@trellis/platform-kafka';
import type { Consumer, Kafka } from 'kafkajs';
import type { CoachingConfig } from '../config';
import { EngagementsService } from '../engagements/engagements.service';
import { NotificationsService } from '../notifications/notifications.service';

/** Idempotency names of this service's consumers (never rename: events would look new). */
export const CONSUMERS = {
  engagements: 'coaching.engagements',
  reminders: 'coaching.reminders',
} as const;

/**
 * Consumes the engagement topic (the engagement projection; organisation erasure destroys this
 * service's data key of the organisation) and the reminders topic (reminders and escalations
 * become notifications), through `KafkaEventConsumer`: validated against the contracts,
 * handled once per event id (`processed_events`), retried on failure and dead-lettered after
 * `CONSUMER_MAX_ATTEMPTS`. The notification's own id makes a reminder notify once even when the
 * orchestrator emits it again under a new event id. Events of an erased organisation are
 * ignored (`OrganisationEraser.isErased`); the erasure itself is consumed from the identity
 * topic by `@trellis/platform-erasure` (see `erasure/erasure.module.ts`).
 */
@Injectable()
export class CoachingEventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer?: Consumer;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly events: KafkaEventConsumer,
    private readonly engagements: EngagementsService,
    private readonly notifications: NotificationsService,
    private readonly cipher: FieldCipher,
    private readonly eraser: OrganisationEraser,
    @Inject(CONFIG) private readonly config: CoachingConfig,
  ) {}

  /** The consumed topics (with `TOPIC_PREFIX`). */
  topics(): { engagement: string; reminders: string } {
    return {
      engagement: `${this.config.TOPIC_PREFIX}${TOPICS.engagement}`,
      reminders: `${this.config.TOPIC_PREFIX}${TOPICS.reminders}`,
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.CONSUMER_AUTOSTART) return;
    const topics = this.topics();
    const consumer = this.kafka.consumer({
      groupId: this.config.KAFKA_GROUP_ID,
      allowAutoTopicCreation: false,
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
      topics: [topics.engagement, topics.reminders],
      fromBeginning: true,
    });
    await consumer.run({
      // Partitions in parallel, each in order (an engagement's events share a partition).
      partitionsConsumedConcurrently: this.config.CONSUMER_CONCURRENCY,
      eachMessage: ({ topic, partition, message }) =>
        this.events.process(
          { topic, partition, message },
          {
            consumer: topic === topics.reminders ? CONSUMERS.reminders : CONSUMERS.engagements,
            parse: parseEvent,
            maxAttempts: this.config.CONSUMER_MAX_ATTEMPTS,
          },
          (event) => this.handle(event),
        ),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect();
  }

  /** Applies one event (exposed for tests of the handling itself). */
  async handle(event: TrellisEvent): Promise<void> {
    if (event.type === 'engagement.organisation.erased') {
      // Crypto-shredding: this service's encrypted notes and evidence become unreadable.
      await this.cipher.eraseOrganisationKey(event.payload.organisationId);
      return;
    }
    // Late or replayed events of an erased organisation bring nothing back (no projection,
    // no notification).
    if (event.organisationId && (await this.eraser.isErased(event.organisationId))) return;
    switch (event.type) {
      case 'reminders.reminder.due':
        await this.notifications.fromReminder(event);
        return;
      case 'reminders.escalation.raised':
        await this.notifications.fromEscalation(
          event,
          await this.engagements.find(event.engagementId),
        );
        return;
      default:
        await this.engagements.apply(event);
    }
  }
}
