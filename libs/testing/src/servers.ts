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
    const names = topics.map((t) => t.topic);
    for (let attempt = 0; attempt < 50; attempt++) {
      const md = await admin.fetchTopicMetadata({ topics: names }).catch(() => undefined);
      if (
        md?.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))
      ) {
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
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
