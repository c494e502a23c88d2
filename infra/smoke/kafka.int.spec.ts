import type { Kafka } from 'kafkajs';
import { createTestTopics, testKafka, uniqueName } from '@trellis/testing';

describe('Kafka (KRaft, real broker)', () => {
  let kafka: Kafka;
  let topic: string;
  let topics: { deleteAll(): Promise<void> };

  beforeAll(async () => {
    kafka = testKafka();
    topic = uniqueName('smoke').replace(/_/g, '.');
    topics = await createTestTopics(kafka, [{ topic, numPartitions: 3 }]);
  });

  afterAll(async () => {
    await topics.deleteAll();
  });

  it('produces keyed messages and consumes them through a consumer group', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sent = Array.from({ length: 20 }, (_, i) => ({
      key: `engagement-${i % 4}`,
      value: JSON.stringify({ seq: i }),
      headers: { 'x-correlation-id': `corr-${i}` },
    }));
    await producer.send({ topic, messages: sent, acks: -1 });
    await producer.disconnect();

    const groupId = uniqueName('smoke-group');
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const received: { key: string; seq: number; partition: number; corr: string }[] = [];
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: ({ message, partition }) => {
          received.push({
            key: message.key!.toString(),
            seq: (JSON.parse(message.value!.toString()) as { seq: number }).seq,
            partition,
            corr: message.headers!['x-correlation-id']!.toString(),
          });
          if (received.length === sent.length) resolve();
          return Promise.resolve();
        },
      });
    });
    await done;

    // Everything arrived once; per key, order is kept and one key lives on one partition.
    expect(received.map((r) => r.seq).sort((a, b) => a - b)).toEqual(sent.map((_, i) => i));
    for (const key of new Set(received.map((r) => r.key))) {
      const ofKey = received.filter((r) => r.key === key);
      expect(new Set(ofKey.map((r) => r.partition)).size).toBe(1);
      expect(ofKey.map((r) => r.seq)).toEqual([...ofKey.map((r) => r.seq)].sort((a, b) => a - b));
    }
    expect(received.find((r) => r.seq === 7)?.corr).toBe('corr-7');

    // The group committed its offsets on the broker.
    await consumer.stop();
    await consumer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.disconnect();
    const committed = offsets[0].partitions.reduce((sum, p) => sum + Number(p.offset), 0);
    expect(committed).toBe(sent.length);
  });

  it('has every topic of the declarative list, created up front', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const existing = await admin.listTopics();
    await admin.disconnect();
    expect(existing).toEqual(
      expect.arrayContaining([
        'trellis.engagement.v1',
        'trellis.reminders.v1',
        'trellis.dead-letter.v1',
      ]),
    );
  });
});
