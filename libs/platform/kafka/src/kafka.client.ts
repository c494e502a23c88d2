import type { Logger } from '@trellis/platform-logging';
import {
  Kafka,
  logLevel,
  type Admin,
  type ITopicConfig,
  type logCreator,
  type RetryOptions,
} from 'kafkajs';

/** Options of {@link createKafkaClient}. */
export interface KafkaClientOptions {
  clientId: string;
  brokers: string[];
  /** Where kafkajs logs go (warnings and errors only); kafkajs's console logger otherwise. */
  logger?: Logger;
}

/**
 * Retries for every request of the client (metadata, produce, admin). A KRaft broker can
 * answer UNKNOWN_TOPIC_OR_PARTITION or LEADER_NOT_AVAILABLE for a moment after a topic is
 * created or a broker restarts; both are retriable in kafkajs, so a short exponential backoff
 * (100 ms doubling to 5 s, 8 retries, about 20 s in all) rides them out while a broker that
 * is really gone still fails in bounded time.
 */
export const KAFKA_CLIENT_RETRY: RetryOptions = {
  initialRetryTime: 100,
  maxRetryTime: 5_000,
  multiplier: 2,
  factor: 0.2,
  retries: 8,
};

/** A kafkajs client with Trellis's retry and logging settings. */
export function createKafkaClient(options: KafkaClientOptions): Kafka {
  if (options.brokers.length === 0) {
    throw new Error(`Kafka client "${options.clientId}": no brokers configured`);
  }
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: 3_000,
    retry: KAFKA_CLIENT_RETRY,
    logLevel: logLevel.WARN,
    ...(options.logger ? { logCreator: kafkaLogCreator(options.logger) } : {}),
  });
}

/** Routes kafkajs's own log entries to a pino logger (`kafka.namespace` and kafkajs's fields). */
export function kafkaLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, ...fields } = log;
      const entry = { kafka: { namespace, ...fields } };
      if (level === logLevel.ERROR) logger.error(entry, message);
      else if (level === logLevel.WARN) logger.warn(entry, message);
      else if (level === logLevel.INFO) logger.info(entry, message);
      else logger.debug(entry, message);
    };
}

/** A topic to create: name, partitions and topic-level configuration. */
export type TopicSpec = Pick<
  ITopicConfig,
  'topic' | 'numPartitions' | 'replicationFactor' | 'configEntries'
>;

/**
 * Creates the topics of `specs` that do not exist yet (another process creating one at the
 * same time is fine), then waits until every partition of every topic in `specs` has a
 * leader: on KRaft a freshly created topic can briefly have partitions without one, and
 * producing to it then fails. Throws, naming the topics, after `timeoutMs`.
 */
export async function ensureTopics(
  admin: Admin,
  specs: TopicSpec[],
  { timeoutMs = 30_000 }: { timeoutMs?: number } = {},
): Promise<{ created: string[] }> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((spec) => !existing.has(spec.topic));
  if (missing.length > 0) {
    await admin.createTopics({ topics: missing, waitForLeaders: true });
  }
  await waitForLeaders(
    admin,
    specs.map((spec) => spec.topic),
    timeoutMs,
  );
  return { created: missing.map((spec) => spec.topic) };
}

async function waitForLeaders(admin: Admin, topics: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let pending = topics;
  for (;;) {
    const metadata = await admin.fetchTopicMetadata({ topics }).catch(() => undefined);
    if (metadata) {
      pending = topics.filter((name) => {
        const topic = metadata.topics.find((t) => t.name === name);
        return (
          !topic || topic.partitions.length === 0 || topic.partitions.some((p) => p.leader < 0)
        );
      });
      if (pending.length === 0) return;
    }
    if (Date.now() >= deadline) {
      throw new Error(`Kafka topics without a leader after ${timeoutMs} ms: ${pending.join(', ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Resolves when the brokers answer `describeCluster` within `timeoutMs`, rejects otherwise
 * (for readiness checks). Uses a short-lived client without retries, so a failed probe
 * leaves nothing retrying in the background.
 */
export async function checkKafka(
  brokers: string[],
  {
    clientId = 'trellis-readiness',
    timeoutMs = 3_000,
  }: { clientId?: string; timeoutMs?: number } = {},
): Promise<void> {
  const admin = new Kafka({
    clientId,
    brokers,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
