import type { Kafka, ProducerBatch, RecordMetadata } from 'kafkajs';
import { EventProducer, MAX_GROUPED_MESSAGES } from './event.producer';

/** A kafkajs stand-in whose `sendBatch` calls are settled by the test. */
function fakeKafka() {
  const calls: Array<{
    batch: ProducerBatch;
    resolve: (m: RecordMetadata[]) => void;
    reject: (e: Error) => void;
  }> = [];
  const producer = {
    connect: () => Promise.resolve(),
    disconnect: () => Promise.resolve(),
    sendBatch: (batch: ProducerBatch) =>
      new Promise<RecordMetadata[]>((resolve, reject) => calls.push({ batch, resolve, reject })),
  };
  const kafka = { producer: () => producer } as unknown as Kafka;
  const values = (i: number) =>
    (calls[i].batch.topicMessages ?? []).flatMap((t) =>
      t.messages.map((m) => `${t.topic}:${String(m.value)}`),
    );
  return { kafka, calls, values };
}

const ack = (topicName: string): RecordMetadata => ({ topicName, partition: 0, errorCode: 0 });
const settle = () => new Promise((r) => setImmediate(r));

describe('EventProducer group commit', () => {
  it('sends at once when idle, and groups what comes while a request is in flight, in order', async () => {
    const { kafka, calls, values } = fakeKafka();
    const producer = new EventProducer(kafka);
    const first = producer.send('a', [{ value: '1' }]);
    await settle();
    expect(calls).toHaveLength(1);

    const second = producer.send('a', [{ value: '2' }]);
    const third = producer.send('b', [{ value: '3' }]);
    const fourth = producer.send('a', [{ value: '4' }]);
    await settle();
    expect(calls).toHaveLength(1); // waiting for the first acknowledgement

    calls[0].resolve([ack('a')]);
    await expect(first).resolves.toEqual([ack('a')]);
    await settle();
    expect(calls).toHaveLength(2);
    expect(values(1)).toEqual(['a:2', 'a:4', 'b:3']); // per topic, in call order
    expect(calls[1].batch.acks).toBe(-1);

    calls[1].resolve([ack('a'), ack('b')]);
    await expect(second).resolves.toEqual([ack('a')]);
    await expect(third).resolves.toEqual([ack('b')]);
    await expect(fourth).resolves.toEqual([ack('a')]);
  });

  it('rejects every caller of a failed request; the next request goes out', async () => {
    const { kafka, calls, values } = fakeKafka();
    const producer = new EventProducer(kafka);
    const first = producer.send('a', [{ value: '1' }]);
    await settle();
    const second = producer.send('a', [{ value: '2' }]);
    const third = producer.send('a', [{ value: '3' }]);
    calls[0].resolve([ack('a')]);
    await first;
    await settle();
    calls[1].reject(new Error('broker down'));
    await expect(second).rejects.toThrow('broker down');
    await expect(third).rejects.toThrow('broker down');

    const fourth = producer.send('a', [{ value: '4' }]);
    await settle();
    expect(values(2)).toEqual(['a:4']);
    calls[2].resolve([ack('a')]);
    await expect(fourth).resolves.toEqual([ack('a')]);
  });

  it(`caps one request at ${MAX_GROUPED_MESSAGES} messages (whole calls)`, async () => {
    const { kafka, calls } = fakeKafka();
    const producer = new EventProducer(kafka);
    const first = producer.send('a', [{ value: 'x' }]);
    await settle();
    const many = Array.from({ length: 3 }, () =>
      producer.send(
        'a',
        Array.from({ length: 200 }, (_, i) => ({ value: String(i) })),
      ),
    );
    calls[0].resolve([ack('a')]);
    await first;
    await settle();
    expect(calls[1].batch.topicMessages?.[0].messages).toHaveLength(400);
    calls[1].resolve([ack('a')]);
    await settle();
    expect(calls[2].batch.topicMessages?.[0].messages).toHaveLength(200);
    calls[2].resolve([ack('a')]);
    await Promise.all(many);
  });
});
