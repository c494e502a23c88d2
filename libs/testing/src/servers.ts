import { Kafka, logLevel, type Admin, type ITopicConfig } from 'kafkajs';
import mongoose, { type Connection } from 'mongoose';
import { mongoUrlForDatabase, resolveEndpoints } from './endpoints';
import { uniqueName } from './isolation';

/**
 * A mongoose connection to a fresh database of its own; `dispose()` drops the database and
 * closes the connection.
 */
export async function testMongoose(
  prefix = 'test',
): Promise<{ connection: Connection; database: string; url: string; dispose(): Promise<void> }> {
  const database = uniqueName(prefix);
  const url = mongoUrlForDatabase(resolveEndpoints().mongoUrl, database);
  const connection = await mongoose
    .createConnection(url, { serverSelectionTimeoutMS: 10_000 })
    .asPromise();
  return {
    connection,
    database,
    url,
    async dispose() {
      await connection.dropDatabase().catch(() => undefined);
      await connection.close();
    },
  };
}

/** A kafkajs client for the test brokers (quiet logging, retries for KRaft start-up quirks). */
export function testKafka(clientId = uniqueName('client')): Kafka {
  return new Kafka({
    clientId,
    brokers: resolveEndpoints().kafkaBrokers,
    logLevel: logLevel.ERROR,
    retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 2000 },
  });
}

const RETRIABLE = new Set([
  'NOT_LEADER_FOR_PARTITION',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_OR_FOLLOWER',
]);

/**
 * Creates topics for one test and waits until every partition has a leader (kafkajs on
 * KRaft can briefly report an unknown topic-partition right after creation).
 */
export async function createTestTopics(
  kafka: Kafka,
  topics: ITopicConfig[],
): Promise<{ deleteAll(): Promise<void> }> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics, waitForLeaders: true });
    // For some tens of ms after creation a new partition may answer "not the leader" although
    // metadata already shows a leader: poll offsets until every topic answers.
    for (const { topic } of topics) {
      for (let attempt = 0; ; attempt++) {
        try {
          await admin.fetchTopicOffsets(topic);
          break;
        } catch (err) {
          const type = (err as { type?: string }).type ?? '';
          if (!RETRIABLE.has(type) || attempt > 500) throw err;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    }
  } finally {
    await admin.disconnect();
  }
  return {
    async deleteAll() {
      const a = kafka.admin();
      await a.connect();
      try {
        await a.deleteTopics({ topics: topics.map((t) => t.topic) });
      } finally {
        await a.disconnect();
      }
    },
  };
}
