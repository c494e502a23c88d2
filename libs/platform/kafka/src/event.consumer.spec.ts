import { correlation, createLogger } from '@trellis/platform-logging';
import type { Message, RecordMetadata } from 'kafkajs';
import mongoose from 'mongoose';
import { z } from 'zod';
import { DEAD_LETTER_HEADERS, readDeadLetterHeaders } from './dead-letter';
import {
  EventRetryError,
  KafkaEventConsumer,
  type ConsumedEventMeta,
  type IncomingMessage,
} from './event.consumer';
import { EventProducer } from './event.producer';
import {
  EventInProgressError,
  IdempotentConsumer,
  type HandleOnceResult,
} from './idempotent.consumer';
import { createKafkaClient } from './kafka.client';
import { decodeHeaders } from './kafka.headers';

const TestEvent = z.object({
  id: z.string().min(1),
  type: z.literal('test.happened'),
  version: z.literal(1),
  payload: z.object({ count: z.number(), narrative: z.string() }),
});
type TestEvent = z.infer<typeof TestEvent>;
const parse = (raw: unknown): TestEvent => TestEvent.parse(raw);

const SECRET = 'she was followed from the office';

/** Records what would be sent instead of talking to a broker (unit test). */
class RecordingProducer extends EventProducer {
  readonly sent: { topic: string; messages: Message[] }[] = [];
  failNext = false;

  constructor() {
    super(createKafkaClient({ clientId: 'unit', brokers: ['127.0.0.1:1'] }));
  }

  override send(topic: string, messages: Message[]): Promise<RecordMetadata[]> {
    if (this.failNext) {
      this.failNext = false;
      return Promise.reject(new Error('broker unavailable'));
    }
    this.sent.push({ topic, messages });
    return Promise.resolve([]);
  }
}

/** In-memory stand-in for the MongoDB-backed IdempotentConsumer (unit test). */
class MemoryIdempotency extends IdempotentConsumer {
  readonly done = new Set<string>();
  busy = new Set<string>();

  constructor() {
    super(mongoose.createConnection());
  }

  override async handleOnce<T>(
    eventId: string,
    consumer: string,
    fn: () => Promise<T> | T,
  ): Promise<HandleOnceResult<T>> {
    const id = `${consumer}:${eventId}`;
    if (this.busy.has(id)) throw new EventInProgressError(id);
    if (this.done.has(id)) return { status: 'duplicate' };
    const value = await fn();
    this.done.add(id);
    return { status: 'processed', value };
  }
}

function message(
  value: unknown,
  offset = '0',
  headers: Record<string, string> = {},
): IncomingMessage {
  return {
    topic: 'trellis.test.v1',
    partition: 1,
    message: {
      key: Buffer.from('agg-1'),
      value:
        typeof value === 'string' || Buffer.isBuffer(value)
          ? value
          : Buffer.from(JSON.stringify(value)),
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])),
      offset,
    },
  };
}

const event = (id = 'e-1'): TestEvent => ({
  id,
  type: 'test.happened',
  version: 1,
  payload: { count: 1, narrative: SECRET },
});

describe('KafkaEventConsumer', () => {
  let producer: RecordingProducer;
  let idempotency: MemoryIdempotency;
  let logs: string[];
  let consumer: KafkaEventConsumer;

  beforeEach(() => {
    producer = new RecordingProducer();
    idempotency = new MemoryIdempotency();
    logs = [];
    const logger = createLogger({
      service: 'unit',
      level: 'debug',
      destination: { write: (line: string) => void logs.push(line) },
    });
    consumer = new KafkaEventConsumer(
      producer,
      { clientId: 'unit', deadLetterTopic: 'dlq.test', maxAttempts: 3 },
      idempotency,
      logger,
    );
  });

  afterEach(() => {
    expect(logs.join('')).not.toContain(SECRET);
  });

  const options = { consumer: 'unit.consumer', parse };

  it('runs the handler with the event, inside the correlation id from the header', async () => {
    const seen: { event: TestEvent; meta: ConsumedEventMeta; id: string | undefined }[] = [];
    await consumer.process(
      message(event(), '7', { 'x-correlation-id': 'corr-7' }),
      options,
      async (e, meta) => {
        await new Promise((r) => setTimeout(r, 1));
        seen.push({ event: e, meta, id: correlation.id() });
      },
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      event: event(),
      id: 'corr-7',
      meta: {
        topic: 'trellis.test.v1',
        partition: 1,
        offset: '7',
        key: 'agg-1',
        correlationId: 'corr-7',
        attempt: 1,
      },
    });
    expect(producer.sent).toEqual([]);
  });

  it('starts a new correlation id when the message has none', async () => {
    let id: string | undefined;
    await consumer.process(message(event()), options, () => {
      id = correlation.id();
    });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('skips an event this consumer already handled', async () => {
    const handled: string[] = [];
    const handler = (e: TestEvent) => void handled.push(e.id);
    await consumer.process(message(event('e-1'), '1'), options, handler);
    await consumer.process(message(event('e-1'), '2'), options, handler);
    await consumer.process(message(event('e-1'), '3'), { ...options, consumer: 'other' }, handler);
    expect(handled).toEqual(['e-1', 'e-1']);
  });

  it('dead-letters a malformed message with its original key, value and headers, and returns (commit)', async () => {
    const handler = jest.fn();
    await consumer.process(
      message(`{"narrative":"${SECRET}"`, '5', { 'x-correlation-id': 'c-5' }),
      options,
      handler,
    );
    expect(handler).not.toHaveBeenCalled();
    expect(producer.sent).toHaveLength(1);
    const [{ topic, messages }] = producer.sent;
    expect(topic).toBe('dlq.test');
    expect(messages[0].key).toEqual(Buffer.from('agg-1'));
    expect(messages[0].value).toBe(`{"narrative":"${SECRET}"`);
    const headers = decodeHeaders(messages[0].headers);
    expect(headers['x-correlation-id']).toBe('c-5');
    expect(readDeadLetterHeaders(headers)).toMatchObject({
      originalTopic: 'trellis.test.v1',
      originalPartition: 1,
      originalOffset: '5',
      errorCode: 'MALFORMED_JSON',
      consumer: 'unit.consumer',
      attempts: 0,
    });
    expect(headers[DEAD_LETTER_HEADERS.issues]).not.toContain(SECRET);
  });

  it('dead-letters a schema-invalid event with the issue paths only', async () => {
    const handler = jest.fn();
    const invalid = { ...event(), payload: { count: 'three', narrative: SECRET } };
    await consumer.process(message(invalid, '6'), options, handler);
    expect(handler).not.toHaveBeenCalled();
    const headers = decodeHeaders(producer.sent[0].messages[0].headers);
    expect(readDeadLetterHeaders(headers)).toMatchObject({
      errorCode: 'SCHEMA_INVALID',
      originalOffset: '6',
    });
    expect(headers[DEAD_LETTER_HEADERS.issues]).toMatch(/^payload\.count: /);
    expect(headers[DEAD_LETTER_HEADERS.issues]).not.toContain(SECRET);
  });

  it('retries a failing handler (throws to the transport) and dead-letters after maxAttempts', async () => {
    const attempts: number[] = [];
    const handler = (_e: TestEvent, meta: ConsumedEventMeta) => {
      attempts.push(meta.attempt);
      throw new Error(`cannot store ${SECRET.length} chars`);
    };
    const msg = message(event(), '9');
    await expect(consumer.process(msg, options, handler)).rejects.toBeInstanceOf(EventRetryError);
    await expect(consumer.process(msg, options, handler)).rejects.toBeInstanceOf(EventRetryError);
    expect(producer.sent).toEqual([]);
    await expect(consumer.process(msg, options, handler)).resolves.toBeUndefined();
    expect(attempts).toEqual([1, 2, 3]);
    const headers = decodeHeaders(producer.sent[0].messages[0].headers);
    expect(readDeadLetterHeaders(headers)).toMatchObject({
      errorCode: 'HANDLER_FAILED',
      attempts: 3,
      issues: 'Error: cannot store 32 chars',
    });
    // the count starts again for a redelivery after dead-lettering
    await expect(consumer.process(msg, options, handler)).rejects.toBeInstanceOf(EventRetryError);
  });

  it('counts attempts per message and honours a per-consumer maxAttempts', async () => {
    const failing = () => {
      throw new Error('down');
    };
    await consumer.process(message(event('a'), '1'), { ...options, maxAttempts: 1 }, failing);
    expect(
      readDeadLetterHeaders(decodeHeaders(producer.sent[0].messages[0].headers)),
    ).toMatchObject({
      attempts: 1,
      originalOffset: '1',
    });
    await expect(consumer.process(message(event('b'), '2'), options, failing)).rejects.toThrow(
      EventRetryError,
    );
  });

  it('succeeds on a retry after one failure, without dead-lettering', async () => {
    let calls = 0;
    const handler = () => {
      calls += 1;
      if (calls === 1) throw new Error('transient');
    };
    const msg = message(event(), '3');
    await expect(consumer.process(msg, options, handler)).rejects.toThrow(EventRetryError);
    await consumer.process(msg, options, handler);
    expect(calls).toBe(2);
    expect(producer.sent).toEqual([]);
    expect(idempotency.done.has('unit.consumer:e-1')).toBe(true);
  });

  it('retries without counting while another delivery holds the event', async () => {
    idempotency.busy.add('unit.consumer:e-1');
    const handler = jest.fn();
    for (let i = 0; i < 5; i++) {
      await expect(consumer.process(message(event(), '4'), options, handler)).rejects.toThrow(
        EventRetryError,
      );
    }
    expect(producer.sent).toEqual([]);
    expect(handler).not.toHaveBeenCalled();
  });

  it('does not commit a message it could not dead-letter', async () => {
    producer.failNext = true;
    await expect(consumer.process(message('not json', '8'), options, jest.fn())).rejects.toThrow(
      'broker unavailable',
    );
  });

  it('fails every delivery, without dead-lettering, when idempotency is wanted but not configured', async () => {
    const bare = new KafkaEventConsumer(
      producer,
      { clientId: 'unit', deadLetterTopic: 'dlq.test', maxAttempts: 1 },
      undefined,
      createLogger({ service: 'unit', level: 'silent' }),
    );
    const handler = jest.fn();
    await expect(bare.process(message(event()), options, handler)).rejects.toThrow(
      /no IdempotentConsumer is configured: give KafkaModule.forRoot\(\{ mongoConnection \}\)/,
    );
    expect(handler).not.toHaveBeenCalled();
    expect(producer.sent).toEqual([]);
    await bare.process(message(event(), '1'), { ...options, idempotent: false }, handler);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('reads the message of a Nest KafkaContext', async () => {
    const incoming = message(event(), '11', { 'x-correlation-id': 'ctx-1' });
    const context = {
      getTopic: () => incoming.topic,
      getPartition: () => incoming.partition,
      getMessage: () => incoming.message,
    } as unknown as Parameters<KafkaEventConsumer['consume']>[0];
    const handler = jest.fn();
    await consumer.consume(context, options, handler);
    expect(handler).toHaveBeenCalledWith(
      event(),
      expect.objectContaining({ offset: '11', correlationId: 'ctx-1' }),
    );
  });
});
