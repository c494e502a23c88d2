import type { Kafka, Message, Producer, ProducerConfig, TopicMessages } from 'kafkajs';
import type { EventPublisher, OutboxMessage } from './outbox.relay';

export interface KafkaEventPublisherOptions {
  /** Broker acknowledgement timeout of one send (default 30 s). */
  timeoutMs?: number;
  /** Overrides of the producer configuration (idempotence stays on). */
  producer?: Omit<ProducerConfig, 'idempotent'>;
}

/**
 * `EventPublisher` on kafkajs: an idempotent producer (no duplicates from its own retries, one
 * request in flight so a key's messages keep their order), `acks: all`, JSON values and the
 * relay's headers (event id and type, correlation id). Connects on first use.
 */
export class KafkaEventPublisher implements EventPublisher {
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: KafkaEventPublisherOptions = {},
  ) {}

  /** Connects the producer now (otherwise the first `publish` does). */
  async connect(): Promise<void> {
    await this.connected();
  }

  async publish(messages: OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.connected();
    const byTopic = new Map<string, Message[]>();
    for (const m of messages) {
      const list = byTopic.get(m.topic) ?? [];
      list.push({ key: m.key, value: m.value, headers: m.headers });
      byTopic.set(m.topic, list);
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, msgs]) => ({
      topic,
      messages: msgs,
    }));
    await producer.sendBatch({
      topicMessages,
      acks: -1,
      timeout: this.options.timeoutMs ?? 30_000,
    });
  }

  async disconnect(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    this.connecting = undefined;
    await producer?.disconnect();
  }

  private connected(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= (async () => {
      const producer = this.kafka.producer({
        allowAutoTopicCreation: false,
        maxInFlightRequests: 1,
        ...this.options.producer,
        idempotent: true,
      });
      try {
        await producer.connect();
      } catch (err) {
        this.connecting = undefined;
        throw err;
      }
      this.producer = producer;
      return producer;
    })();
    return this.connecting;
  }
}
