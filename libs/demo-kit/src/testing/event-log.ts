import { decodeEvent, TOPICS, type TrellisEvent } from '@trellis/contracts';
import { testKafka, uniqueName } from '@trellis/testing';

/*
 * Reads the Trellis topics from the beginning with a fresh consumer group and keeps the events
 * of one engagement (each validated against its contract, as a consumer would), until a
 * condition holds.
 */

/** Topics read (every context's topic; not the dead-letter topic). */
export const EVENT_TOPICS: readonly string[] = Object.values(TOPICS).filter(
  (t) => t !== TOPICS.deadLetter,
);

/** What was read: the engagement's events (by occurrence) and messages that broke a contract. */
export interface EngagementEvents {
  events: TrellisEvent[];
  /** Messages mentioning the engagement that did not decode (reason only). */
  invalid: string[];
}

/**
 * The events of `engagementId` on every topic, by occurrence. Reads until every partition is
 * read up to its end and `complete(events)` holds (or `timeoutMs` passed: then returns what
 * arrived); the ends are looked up again while `complete` does not hold.
 */
export async function readEngagementEvents(
  engagementId: string,
  complete: (events: readonly TrellisEvent[]) => boolean,
  timeoutMs = 30_000,
): Promise<EngagementEvents> {
  const kafka = testKafka();
  const groupId = uniqueName('demo-e2e-reader');
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 100,
  });
  const events: TrellisEvent[] = [];
  const invalid: string[] = [];
  /** Next offset to read per `topic:partition`, as consumed. */
  const position = new Map<string, bigint>();
  const admin = kafka.admin();
  await admin.connect();
  const ends = async (): Promise<Map<string, bigint>> => {
    const all = await Promise.all(
      EVENT_TOPICS.map(async (topic) => ({ topic, offsets: await admin.fetchTopicOffsets(topic) })),
    );
    return new Map(
      all.flatMap(({ topic, offsets }) =>
        offsets
          .filter((o) => BigInt(o.high) > BigInt(o.low))
          .map((o) => [`${topic}:${o.partition}`, BigInt(o.high)] as const),
      ),
    );
  };
  const caughtUp = (targets: Map<string, bigint>) =>
    [...targets].every(([key, high]) => (position.get(key) ?? 0n) >= high);
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...EVENT_TOPICS], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ topic, partition, message }) => {
        position.set(`${topic}:${partition}`, BigInt(message.offset) + 1n);
        const value = message.value?.toString('utf8') ?? '';
        if (!value.includes(engagementId)) return Promise.resolve();
        try {
          const event = decodeEvent(value);
          if (event.engagementId === engagementId) events.push(event);
        } catch (err) {
          invalid.push(err instanceof Error ? err.message : 'undecodable message');
        }
        return Promise.resolve();
      },
    });
    const deadline = Date.now() + timeoutMs;
    let targets = await ends();
    let refreshedAt = Date.now();
    while (Date.now() < deadline) {
      const done = complete(events);
      if (done && caughtUp(targets)) break;
      if (!done && Date.now() - refreshedAt > 1000) {
        targets = await ends();
        refreshedAt = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return {
      events: [...events].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt)),
      invalid,
    };
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
