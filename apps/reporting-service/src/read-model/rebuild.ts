import { isContractViolationError, parseEvent } from '@trellis/contracts';
import type { Pseudonymiser } from '@trellis/reporting-domain';
import type { Kafka } from 'kafkajs';
import type { Db } from 'mongodb';
import { FreshnessTracker } from './freshness';
import { ProjectionApplier } from './projection.service';
import { MongoReadModelStore } from './read-model.store';

/** Progress of a rebuild. */
export interface RebuildProgress {
  /** Messages read so far. */
  read: number;
  /** Messages to read (the topics' ends when the rebuild started). */
  total: number;
}

/** What a rebuild did. */
export interface RebuildResult extends RebuildProgress {
  applied: number;
  skipped: number;
  erased: number;
  /** Messages that are not valid events (the live consumer dead-lettered them). */
  invalid: number;
  groupId: string;
  durationMs: number;
}

/** Options of {@link rebuildReadModels}. */
export interface RebuildOptions {
  db: Db;
  kafka: Kafka;
  /** The topics to replay (`consumedTopics(TOPIC_PREFIX)`). */
  topics: readonly string[];
  pseudonyms: Pseudonymiser;
  /** `READ_MODEL_BUCKETS` of the service. */
  buckets: number;
  /** A fresh consumer group for the replay (deleted afterwards). */
  groupId: string;
  onProgress?: (progress: RebuildProgress) => void;
  /** How often `onProgress` is called, in messages (default 10,000). */
  progressEvery?: number;
}

/**
 * Rebuilds the read models from scratch: drops the facts collections (tombstones stay, so an
 * erased organisation never reappears, even transiently), then replays every topic from its
 * beginning to its end as of the start with a fresh consumer group, applying each event as the
 * live projection does (without publishing purge reports again). The live consumer may keep
 * running meanwhile: the writes commute, so its updates and the replay's merge into the same
 * result; reports are incomplete until the rebuild ends.
 */
export async function rebuildReadModels(options: RebuildOptions): Promise<RebuildResult> {
  const started = Date.now();
  const store = new MongoReadModelStore(options.db, options.buckets);
  const freshness = new FreshnessTracker(options.db, 1_000);
  const applier = new ProjectionApplier(store, options.pseudonyms, freshness);
  await store.dropFacts();

  const admin = options.kafka.admin();
  await admin.connect();
  const remaining = new Map<string, bigint>();
  let total = 0;
  try {
    for (const topic of options.topics) {
      for (const { partition, low, high } of await admin.fetchTopicOffsets(topic)) {
        const count = BigInt(high) - BigInt(low);
        if (count > 0n) {
          remaining.set(`${topic}:${partition}`, BigInt(high));
          total += Number(count);
        }
      }
    }
  } finally {
    await admin.disconnect();
  }

  const result: RebuildResult = {
    read: 0,
    total,
    applied: 0,
    skipped: 0,
    erased: 0,
    invalid: 0,
    groupId: options.groupId,
    durationMs: 0,
  };
  const every = options.progressEvery ?? 10_000;
  if (remaining.size > 0) {
    const consumer = options.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 200,
      maxBytesPerPartition: 4 * 1024 * 1024,
    });
    let finish: () => void = () => undefined;
    let fail: (error: unknown) => void = () => undefined;
    const done = new Promise<void>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [...options.topics], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          const key = `${topic}:${partition}`;
          const end = remaining.get(key);
          if (end === undefined || BigInt(message.offset) >= end) return;
          try {
            const event = parseEvent(JSON.parse(message.value?.toString('utf8') ?? ''));
            const outcome = await applier.apply(event);
            if (outcome.kind === 'applied') result.applied += 1;
            else if (outcome.kind === 'erased') result.erased += 1;
            else result.skipped += 1;
          } catch (error) {
            if (!(error instanceof SyntaxError) && !isContractViolationError(error)) {
              fail(error);
              throw error;
            }
            result.invalid += 1;
          }
          result.read += 1;
          if (result.read % every === 0) options.onProgress?.({ read: result.read, total });
          if (BigInt(message.offset) + 1n >= end) {
            remaining.delete(key);
            if (remaining.size === 0) finish();
          }
        },
      });
      await done;
    } finally {
      await consumer.disconnect();
    }
    const cleanup = options.kafka.admin();
    await cleanup.connect();
    await cleanup.deleteGroups([options.groupId]).catch(() => undefined);
    await cleanup.disconnect();
  }
  await freshness.close();
  options.onProgress?.({ read: result.read, total });
  result.durationMs = Date.now() - started;
  return result;
}
