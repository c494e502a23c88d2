import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { isEvent, OrganisationPurgedV1, parseEvent } from '@trellis/contracts';
import { CONFIG } from '@trellis/platform-config';
import { KAFKA_CLIENT, KafkaEventConsumer } from '@trellis/platform-kafka';
import type { Consumer, Kafka } from 'kafkajs';
import { identityTopic, type GatewayConfig } from '../config';
import { ErasureService } from './erasure.service';

/** Idempotency name of the consumer (never rename: events would look new). */
export const ERASURE_CONSUMER = 'gateway.erasure';

/**
 * Collects the services' purge reports (`identity.organisation.purged`) from
 * `trellis.identity.v1`: validated, handled once per event id, retried, dead-lettered.
 */
@Injectable()
export class ErasureConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer?: Consumer;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly events: KafkaEventConsumer,
    private readonly erasure: ErasureService,
    @Inject(CONFIG) private readonly config: GatewayConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.CONSUME_ERASURE_EVENTS) return;
    const consumer = this.kafka.consumer({
      groupId: this.config.ERASURE_EVENTS_GROUP_ID,
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 200, maxRetryTime: 5_000, multiplier: 2, retries: 12 },
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [identityTopic(this.config)], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ topic, partition, message }) =>
        this.events.process(
          { topic, partition, message },
          { consumer: ERASURE_CONSUMER, parse: parseEvent, maxAttempts: 8 },
          async (event) => {
            if (isEvent(event, OrganisationPurgedV1)) await this.erasure.onPurged(event);
          },
        ),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
