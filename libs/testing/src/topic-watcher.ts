import { decodeEvent, type TrellisEvent } from '@trellis/contracts';
import type { Consumer, Kafka } from 'kafkajs';
import { uniqueName } from './isolation';

/** One event as it arrived on Kafka. */
export interface ReceivedEvent {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
  /** The event, validated against its contract (type@version) as a consumer would. */
  event: TrellisEvent;
  /** The message's producer timestamp (ms): when the producer sent it. */
  producedAt: number;
  /** When this watcher received it (ms, before decoding). */
  receivedAt: number;
}

/**
 * Watches topics from their current end with a fresh consumer group: it seeks to the high
 * watermarks read in `start()`, so nothing published after `start()` is missed and nothing
 * older is read (`fromBeginning: true` reads everything instead).
 */
export class TopicWatcher {
  private readonly received: ReceivedEvent[] = [];

  private constructor(private readonly consumer: Consumer) {}

  static async start(
    kafka: Kafka,
    topics: string | string[],
    options: { fromBeginning?: boolean } = {},
  ): Promise<TopicWatcher> {
    const list = [topics].flat();
    const admin = kafka.admin();
    await admin.connect();
    const offsets: { topic: string; partition: number; high: string }[] = [];
    try {
      if (!options.fromBeginning) {
        for (const topic of list) {
          for (const o of await admin.fetchTopicOffsets(topic)) offsets.push({ topic, ...o });
        }
      }
    } finally {
      await admin.disconnect();
    }
    const consumer = kafka.consumer({
      groupId: uniqueName('watcher'),
      sessionTimeout: 10_000,
      heartbeatInterval: 500,
      // Short fetch long-polls, so stop() does not wait seconds for an idle fetch to return.
      maxWaitTimeInMs: 100,
    });
    const watcher = new TopicWatcher(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: list, fromBeginning: options.fromBeginning ?? false });
    await consumer.run({
      eachMessage: ({ topic, message }) => {
        const receivedAt = Date.now();
        const value = message.value?.toString('utf8') ?? '';
        watcher.received.push({
          topic,
          key: message.key?.toString('utf8') ?? '',
          value,
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
          ),
          event: decodeEvent(value),
          producedAt: Number(message.timestamp),
          receivedAt,
        });
        return Promise.resolve();
      },
    });
    // Start from the end as it was before, whenever the group join completes (kafkajs applies
    // seeks once the partitions are assigned), so nothing is missed.
    for (const { topic, partition, high } of offsets) {
      consumer.seek({ topic, partition, offset: high });
    }
    return watcher;
  }

  /** Every delivery of the event with this id so far. */
  deliveries(eventId: string): ReceivedEvent[] {
    return this.received.filter((r) => r.event.id === eventId);
  }

  /** Waits until an event matching `predicate` has arrived; returns its first delivery. */
  async waitFor(
    predicate: (received: ReceivedEvent) => boolean,
    timeoutMs = 20_000,
  ): Promise<ReceivedEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error('the expected event did not arrive in time');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Waits for the event of `type` whose Kafka key (aggregate id) is `key`. */
  waitForType(type: string, key: string, timeoutMs?: number): Promise<ReceivedEvent> {
    return this.waitFor((r) => r.event.type === type && r.key === key, timeoutMs);
  }

  /** Every event received so far; with `type` (and `key`), those of that type (and key). */
  all(type?: string, key?: string): ReceivedEvent[] {
    return this.received.filter(
      (r) => (type === undefined || r.event.type === type) && (key === undefined || r.key === key),
    );
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
