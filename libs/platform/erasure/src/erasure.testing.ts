import {
  createEvent,
  eventKey,
  OrganisationErasureCompletedV1,
  OrganisationErasureRequestedV1,
  parseEvent,
  type EventOf,
  type OrganisationPurgedV1,
  type TrellisEvent,
} from '@trellis/contracts';
import type { Consumer, Kafka, RecordMetadata } from 'kafkajs';
import { randomUUID } from 'node:crypto';

/*
 * Helpers for the services' integration tests of organisation erasure (on the real Kafka).
 */

/** An `identity.organisation.erasure-requested` (or `-completed`) event as the gateway sends it. */
export function erasureEvent(
  organisationId: string,
  options: { erasureRequestId?: string; completed?: boolean; id?: string } = {},
): EventOf<typeof OrganisationErasureRequestedV1> | EventOf<typeof OrganisationErasureCompletedV1> {
  const input = {
    ...(options.id ? { id: options.id } : {}),
    actor: { kind: 'service' as const, id: 'gateway' as const },
    organisationId,
    payload: { erasureRequestId: options.erasureRequestId ?? randomUUID(), organisationId },
  };
  return options.completed
    ? createEvent(OrganisationErasureCompletedV1, input)
    : createEvent(OrganisationErasureRequestedV1, input);
}

/** Sends events to a topic keyed by their aggregate; resolves where the first one landed. */
export async function sendEvents(
  kafka: Kafka,
  topic: string,
  ...events: TrellisEvent[]
): Promise<RecordMetadata> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    const [sent] = await producer.send({
      topic,
      messages: events.map((e) => ({ key: eventKey(e), value: JSON.stringify(e) })),
    });
    if (!sent) throw new Error(`nothing was sent to ${topic}`);
    return sent;
  } finally {
    await producer.disconnect();
  }
}

/**
 * Waits until the consumer group has committed past `sent` (the message was handled), e.g. to
 * check that a redelivery changed nothing.
 */
export async function waitUntilConsumed(
  kafka: Kafka,
  groupId: string,
  topic: string,
  sent: Pick<RecordMetadata, 'partition' | 'baseOffset'>,
  timeoutMs = 20_000,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const committed = offsets?.partitions.find((p) => p.partition === sent.partition);
      if (committed && BigInt(committed.offset) > BigInt(sent.baseOffset ?? '0')) return;
      if (Date.now() > deadline) throw new Error(`group ${groupId} did not consume in time`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

type PurgedEvent = EventOf<typeof OrganisationPurgedV1>;

/**
 * Collects the `identity.organisation.purged` reports published on a topic from the moment it
 * started (a fresh group seeking to the current end), validated against their contract.
 */
export class PurgedReportsWatcher {
  private readonly received: PurgedEvent[] = [];

  private constructor(private readonly consumer: Consumer) {}

  static async start(kafka: Kafka, topic: string): Promise<PurgedReportsWatcher> {
    const admin = kafka.admin();
    await admin.connect();
    let offsets: { partition: number; high: string }[];
    try {
      offsets = await admin.fetchTopicOffsets(topic);
    } finally {
      await admin.disconnect();
    }
    const consumer = kafka.consumer({
      groupId: `purged-watch-${randomUUID()}`,
      sessionTimeout: 10_000,
      heartbeatInterval: 500,
      maxWaitTimeInMs: 100,
    });
    const watcher = new PurgedReportsWatcher(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: false });
    await consumer.run({
      eachMessage: ({ message }) => {
        const event = parseEvent(JSON.parse(message.value?.toString('utf8') ?? 'null'));
        if (event.type === 'identity.organisation.purged') watcher.received.push(event);
        return Promise.resolve();
      },
    });
    for (const { partition, high } of offsets) consumer.seek({ topic, partition, offset: high });
    return watcher;
  }

  /** Every report on the request received so far (deliveries, not distinct events). */
  reports(erasureRequestId: string): PurgedEvent[] {
    return this.received.filter((e) => e.payload.erasureRequestId === erasureRequestId);
  }

  /** Waits for the first report on the request. */
  async waitFor(erasureRequestId: string, timeoutMs = 20_000): Promise<PurgedEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [found] = this.reports(erasureRequestId);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no report on ${erasureRequestId} in time`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
