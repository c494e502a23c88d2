import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { CORRELATION_HEADER, correlation } from '@trellis/platform-logging';
import {
  Partitioners,
  type Kafka,
  type Message,
  type Producer,
  type RecordMetadata,
} from 'kafkajs';
import { KAFKA_CLIENT, KAFKA_OPTIONS, type KafkaModuleOptions } from './kafka.tokens';
import { eventHeaders, type EventEnvelopeLike } from './kafka.headers';

/** One event to publish. */
export interface OutgoingEvent<E extends EventEnvelopeLike = EventEnvelopeLike> {
  /** Partition key: the aggregate id, so one aggregate's events keep their order. */
  key: string;
  event: E;
  /** Correlation id to carry; the current `correlation.id()` when omitted. */
  correlationId?: string;
  /** More headers (they cannot replace the event headers). */
  headers?: Record<string, string>;
}

/**
 * Publishes events to Kafka with a kafkajs producer of its own.
 *
 * Why not `ClientKafka.emit()` of `@nestjs/microservices`: `emit` returns a hot Observable
 * whose failure is only seen by a subscriber, wraps values in Nest's packet serializer, and
 * offers no per-message key/headers without its `{ key, value, headers }` convention. The
 * outbox relay must know for certain that the broker acknowledged a batch before it clears
 * it, so this producer exposes a plain `Promise` that resolves only after every in-sync
 * replica has the messages (`acks: -1`) and rejects otherwise. Consuming stays on the Nest
 * Kafka transport (see `kafkaMicroserviceOptions`); both sides use the same kafkajs.
 *
 * Settings: Java-compatible murmur2 partitioner (so other clients place keys the same way),
 * one request in flight (a retried batch cannot overtake the next one, keeping per-key
 * order), no topic auto-creation. Connects on first use; disconnects on shutdown.
 *
 * **Group commit**: with one request in flight, concurrent `send`s (e.g. a hundred reminder
 * activities at once) would each wait for every earlier one's acknowledgement. Instead, what
 * is sent while a request is in flight waits in a queue and goes out together in the next
 * request (`sendBatch`, at most {@link MAX_GROUPED_MESSAGES} messages), in call order — so a
 * key's messages keep their order; each caller's promise settles with that request (a failure
 * rejects every caller in it, who retries: at least once). An idle producer sends at once.
 */
/** Most messages one grouped request carries. */
export const MAX_GROUPED_MESSAGES = 500;

interface QueuedSend {
  topic: string;
  messages: Message[];
  resolve: (metadata: RecordMetadata[]) => void;
  reject: (error: unknown) => void;
}

@Injectable()
export class EventProducer implements OnApplicationShutdown {
  private producer?: Producer;
  private connecting?: Promise<Producer>;
  private readonly queue: QueuedSend[] = [];
  private flushing = false;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(KAFKA_OPTIONS)
    private readonly options: Pick<KafkaModuleOptions, 'outgoingParser'> = {},
  ) {}

  /**
   * Publishes events to `topic` as JSON with the event headers (id, type, version, content
   * type, correlation id). With an `outgoingParser` configured, each event is validated
   * first and nothing is sent if one is invalid.
   */
  async publish(topic: string, events: OutgoingEvent | OutgoingEvent[]): Promise<RecordMetadata[]> {
    const list = Array.isArray(events) ? events : [events];
    if (list.length === 0) return [];
    const parse = this.options.outgoingParser;
    const messages: Message[] = list.map(({ key, event, correlationId, headers }) => {
      if (parse) parse(event);
      return {
        key,
        value: JSON.stringify(event),
        headers: eventHeaders(event, correlationId ?? correlation.id(), headers),
      };
    });
    return this.send(topic, messages);
  }

  /**
   * Sends raw messages (used for dead-lettering). Adds the current correlation id header to
   * messages that have none.
   */
  async send(topic: string, messages: Message[]): Promise<RecordMetadata[]> {
    const current = correlation.id();
    const withCorrelation = messages.map((message) =>
      current === undefined || message.headers?.[CORRELATION_HEADER] !== undefined
        ? message
        : { ...message, headers: { ...message.headers, [CORRELATION_HEADER]: current } },
    );
    if (withCorrelation.length === 0) return [];
    return new Promise<RecordMetadata[]>((resolve, reject) => {
      this.queue.push({ topic, messages: withCorrelation, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  /** Sends the queue in requests of whole calls, one request at a time (see the class comment). */
  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        let count = 0;
        let take = 0;
        while (take < this.queue.length) {
          count += this.queue[take].messages.length;
          if (take > 0 && count > MAX_GROUPED_MESSAGES) break;
          take += 1;
        }
        const batch = this.queue.splice(0, take);
        try {
          const producer = await this.connect();
          const byTopic = new Map<string, Message[]>();
          for (const item of batch) {
            byTopic.set(item.topic, [...(byTopic.get(item.topic) ?? []), ...item.messages]);
          }
          const metadata = await producer.sendBatch({
            topicMessages: [...byTopic].map(([name, messages]) => ({ topic: name, messages })),
            acks: -1,
          });
          for (const item of batch) {
            item.resolve(metadata.filter((m) => m.topicName === item.topic));
          }
        } catch (error) {
          for (const item of batch) item.reject(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Connects the producer (also done on first send); safe to call concurrently. */
  async connect(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.connecting ??= (async () => {
      const producer = this.kafka.producer({
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: false,
        maxInFlightRequests: 1,
      });
      try {
        await producer.connect();
      } catch (error) {
        this.connecting = undefined;
        throw error;
      }
      this.producer = producer;
      return producer;
    })();
    return this.connecting;
  }

  /** Disconnects the producer if it was connected. */
  async disconnect(): Promise<void> {
    const producer = this.producer ?? (await this.connecting?.catch(() => undefined));
    this.producer = undefined;
    this.connecting = undefined;
    await producer?.disconnect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.disconnect();
  }
}
