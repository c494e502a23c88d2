import { Global, Module } from '@nestjs/common';
import { Transport } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { correlation } from '@trellis/platform-logging';
import { Kafka, type Message, type RecordMetadata } from 'kafkajs';
import mongoose from 'mongoose';
import { KafkaEventConsumer } from './event.consumer';
import { EventProducer } from './event.producer';
import { IdempotentConsumer } from './idempotent.consumer';
import { createKafkaClient } from './kafka.client';
import { KafkaModule, kafkaMicroserviceOptions } from './kafka.module';
import { KAFKA_CLIENT, KAFKA_OPTIONS } from './kafka.tokens';

describe('kafkaMicroserviceOptions', () => {
  it('configures the Nest Kafka transport for the event consumer', () => {
    const options = kafkaMicroserviceOptions({
      clientId: 'reporting-service',
      brokers: ['k:9092'],
      groupId: 'reporting-service',
      maxAttempts: 4,
    });
    expect(options.transport).toBe(Transport.KAFKA);
    expect(options.options).toMatchObject({
      postfixId: '',
      client: { clientId: 'reporting-service', brokers: ['k:9092'] },
      consumer: { groupId: 'reporting-service', allowAutoTopicCreation: false },
      subscribe: { fromBeginning: true },
      run: { autoCommit: true },
      parser: { keepBinary: true },
    });
    expect(options.options?.consumer?.retry?.retries).toBeGreaterThan(4);
  });

  it('lets the caller tune the consumer but never replace the group id', () => {
    const options = kafkaMicroserviceOptions({
      clientId: 'c',
      brokers: ['k:9092'],
      groupId: 'g',
      fromBeginning: false,
      consumer: { maxWaitTimeInMs: 200, groupId: 'other' } as never,
    });
    expect(options.options?.consumer).toMatchObject({ groupId: 'g', maxWaitTimeInMs: 200 });
    expect(options.options?.subscribe).toEqual({ fromBeginning: false });
  });

  it('refuses to consume without a group id', () => {
    expect(() => kafkaMicroserviceOptions({ clientId: 'c', brokers: ['k:9092'] })).toThrow(
      'Kafka microservice "c": groupId is required to consume',
    );
  });
});

describe('createKafkaClient', () => {
  it('refuses an empty broker list', () => {
    expect(() => createKafkaClient({ clientId: 'c', brokers: [] })).toThrow(
      'no brokers configured',
    );
  });
});

describe('KafkaModule', () => {
  const MONGO = Symbol('MONGO');

  @Global()
  @Module({
    providers: [{ provide: MONGO, useValue: mongoose.createConnection() }],
    exports: [MONGO],
  })
  class FakeMongoModule {}

  it('provides client, producer and consumer; the idempotent consumer only with a connection', async () => {
    const plain = await Test.createTestingModule({
      imports: [KafkaModule.forRoot({ clientId: 'svc', brokers: ['127.0.0.1:1'] })],
    }).compile();
    expect(plain.get(KAFKA_CLIENT)).toBeInstanceOf(Kafka);
    expect(plain.get(EventProducer)).toBeInstanceOf(EventProducer);
    expect(plain.get(KafkaEventConsumer)).toBeInstanceOf(KafkaEventConsumer);
    expect(() => plain.get(IdempotentConsumer)).toThrow();
    await plain.close();

    const withMongo = await Test.createTestingModule({
      imports: [
        FakeMongoModule,
        KafkaModule.forRootAsync({
          useFactory: () => ({ clientId: 'svc', brokers: ['127.0.0.1:1'], groupId: 'svc' }),
          mongoConnection: MONGO,
        }),
      ],
    }).compile();
    expect(withMongo.get(IdempotentConsumer)).toBeInstanceOf(IdempotentConsumer);
    expect(withMongo.get(KAFKA_OPTIONS)).toMatchObject({ groupId: 'svc', mongoConnection: MONGO });
    await withMongo.close();
  });
});

describe('EventProducer.publish', () => {
  class Recording extends EventProducer {
    readonly sent: { topic: string; messages: Message[] }[] = [];
    override send(topic: string, messages: Message[]): Promise<RecordMetadata[]> {
      this.sent.push({ topic, messages });
      return Promise.resolve([]);
    }
  }
  const kafka = createKafkaClient({ clientId: 'unit', brokers: ['127.0.0.1:1'] });
  const event = {
    id: 'e1',
    type: 'engagement.created',
    version: 1,
    payload: { phase: 'agreement' },
  };

  it('sends JSON keyed by aggregate with event headers and the correlation id', async () => {
    const producer = new Recording(kafka);
    await correlation.run('corr-p', () =>
      producer.publish('trellis.engagement.v1', [
        { key: 'eng-1', event },
        { key: 'eng-2', event: { ...event, id: 'e2' }, correlationId: 'from-outbox' },
      ]),
    );
    expect(producer.sent).toHaveLength(1);
    const [first, second] = producer.sent[0].messages;
    expect(first).toEqual({
      key: 'eng-1',
      value: JSON.stringify(event),
      headers: {
        'x-correlation-id': 'corr-p',
        'event-id': 'e1',
        'event-type': 'engagement.created',
        'event-version': '1',
        'content-type': 'application/json',
      },
    });
    expect(second.headers?.['x-correlation-id']).toBe('from-outbox');
  });

  it('validates with the outgoing parser and sends nothing if one event is invalid', async () => {
    const producer = new Recording(kafka, {
      outgoingParser: (raw) => {
        if ((raw as { version: number }).version !== 1) throw new Error('unknown version');
        return raw;
      },
    });
    await expect(
      producer.publish('t', [
        { key: 'a', event },
        { key: 'b', event: { ...event, version: 9 } },
      ]),
    ).rejects.toThrow('unknown version');
    expect(producer.sent).toEqual([]);
    await expect(producer.publish('t', [])).resolves.toEqual([]);
  });
});
