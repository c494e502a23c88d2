import { TopicWatcher } from '@trellis/testing';
import {
  createEvent,
  eventKey,
  OrganisationErasureCompletedV1,
  OrganisationErasureRequestedV1,
  type EventOf,
  type OrganisationPurgedV1,
  type TrellisEvent,
} from '@trellis/contracts';
import type { Kafka, RecordMetadata } from 'kafkajs';
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
 * started (the shared {@link TopicWatcher}: a fresh group seeking to the current end),
 * validated against their contract.
 */
export class PurgedReportsWatcher {
  private constructor(private readonly watcher: TopicWatcher) {}

  static async start(kafka: Kafka, topic: string): Promise<PurgedReportsWatcher> {
    return new PurgedReportsWatcher(await TopicWatcher.start(kafka, topic));
  }

  /** Every report on the request received so far (deliveries, not distinct events). */
  reports(erasureRequestId: string): PurgedEvent[] {
    return this.watcher
      .all('identity.organisation.purged')
      .map((r) => r.event as PurgedEvent)
      .filter((e) => e.payload.erasureRequestId === erasureRequestId);
  }

  /** Waits for the first report on the request. */
  async waitFor(erasureRequestId: string, timeoutMs = 20_000): Promise<PurgedEvent> {
    const found = await this.watcher.waitFor(
      (r) =>
        r.event.type === 'identity.organisation.purged' &&
        (r.event).payload.erasureRequestId === erasureRequestId,
      timeoutMs,
    );
    return found.event as PurgedEvent;
  }

  stop(): Promise<void> {
    return this.watcher.stop();
  }
}
