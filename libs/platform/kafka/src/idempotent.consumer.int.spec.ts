import { testMongoose } from '@trellis/testing';
import type { Connection } from 'mongoose';
import {
  EventInProgressError,
  IdempotentConsumer,
  PROCESSED_EVENTS_COLLECTION,
  type ProcessedEventMarker,
} from './idempotent.consumer';

describe('IdempotentConsumer on the real MongoDB wire protocol (FerretDB locally)', () => {
  let mongo: Awaited<ReturnType<typeof testMongoose>>;
  let idempotency: IdempotentConsumer;
  const markers = (connection: Connection) =>
    connection.collection<ProcessedEventMarker>(PROCESSED_EVENTS_COLLECTION);

  beforeAll(async () => {
    mongo = await testMongoose('idempotency');
    idempotency = new IdempotentConsumer(mongo.connection, { leaseMs: 30_000 });
  });

  afterAll(async () => {
    await mongo.dispose();
  });

  it('runs the handler once per consumer and event, and marks it done', async () => {
    let runs = 0;
    const fn = () => {
      runs += 1;
      return `run ${runs}`;
    };
    await expect(idempotency.handleOnce('ev-1', 'reporting', fn)).resolves.toEqual({
      status: 'processed',
      value: 'run 1',
    });
    await expect(idempotency.handleOnce('ev-1', 'reporting', fn)).resolves.toEqual({
      status: 'duplicate',
    });
    await expect(idempotency.handleOnce('ev-1', 'coaching', fn)).resolves.toMatchObject({
      status: 'processed',
    });
    expect(runs).toBe(2);
    const marker = await markers(mongo.connection).findOne({ _id: 'reporting:ev-1' });
    expect(marker).toMatchObject({ consumer: 'reporting', eventId: 'ev-1', state: 'done' });
    expect(marker?.processedAt).toBeInstanceOf(Date);
    await expect(idempotency.isProcessed('ev-1', 'reporting')).resolves.toBe(true);
    await expect(idempotency.isProcessed('ev-2', 'reporting')).resolves.toBe(false);
  });

  it('lets exactly one of concurrent deliveries run; the others see it in progress or done', async () => {
    let runs = 0;
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () =>
        idempotency.handleOnce('ev-concurrent', 'reporting', async () => {
          runs += 1;
          await new Promise((r) => setTimeout(r, 100));
        }),
      ),
    );
    expect(runs).toBe(1);
    expect(
      results.filter((r) => r.status === 'fulfilled' && r.value.status === 'processed'),
    ).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(EventInProgressError);
      else expect(['processed', 'duplicate']).toContain(r.value.status);
    }
    await expect(
      idempotency.handleOnce('ev-concurrent', 'reporting', () => undefined),
    ).resolves.toEqual({
      status: 'duplicate',
    });
  });

  it('removes the marker when the handler throws, so a retry processes the event', async () => {
    await expect(
      idempotency.handleOnce('ev-fail', 'reporting', () => {
        throw new Error('transient');
      }),
    ).rejects.toThrow('transient');
    expect(await markers(mongo.connection).countDocuments({ _id: 'reporting:ev-fail' })).toBe(0);
    await expect(idempotency.handleOnce('ev-fail', 'reporting', () => 'ok')).resolves.toEqual({
      status: 'processed',
      value: 'ok',
    });
  });

  it('takes over an event whose claimant died once its lease has run out, not before', async () => {
    const now = Date.now();
    await markers(mongo.connection).insertMany([
      {
        _id: 'reporting:ev-crashed',
        consumer: 'reporting',
        eventId: 'ev-crashed',
        state: 'processing',
        claim: 'dead-process',
        startedAt: new Date(now - 120_000),
        leaseUntil: new Date(now - 60_000),
      },
      {
        _id: 'reporting:ev-busy',
        consumer: 'reporting',
        eventId: 'ev-busy',
        state: 'processing',
        claim: 'live-process',
        startedAt: new Date(now),
        leaseUntil: new Date(now + 60_000),
      },
    ]);
    await expect(
      idempotency.handleOnce('ev-crashed', 'reporting', () => 'recovered'),
    ).resolves.toEqual({
      status: 'processed',
      value: 'recovered',
    });
    const recovered = await markers(mongo.connection).findOne({ _id: 'reporting:ev-crashed' });
    expect(recovered).toMatchObject({ state: 'done' });
    expect(recovered?.claim).not.toBe('dead-process');

    const fn = jest.fn();
    await expect(idempotency.handleOnce('ev-busy', 'reporting', fn)).rejects.toBeInstanceOf(
      EventInProgressError,
    );
    expect(fn).not.toHaveBeenCalled();
  });

  it('prunes old done markers only', async () => {
    await idempotency.handleOnce('ev-old', 'pruner', () => undefined);
    await idempotency.handleOnce('ev-new', 'pruner', () => undefined);
    await markers(mongo.connection).updateOne(
      { _id: 'pruner:ev-old' },
      { $set: { processedAt: new Date('2020-01-01T00:00:00Z') } },
    );
    await expect(idempotency.prune(new Date('2021-01-01T00:00:00Z'))).resolves.toBe(1);
    await expect(idempotency.isProcessed('ev-old', 'pruner')).resolves.toBe(false);
    await expect(idempotency.isProcessed('ev-new', 'pruner')).resolves.toBe(true);
    await expect(idempotency.isProcessed('ev-busy', 'reporting')).resolves.toBe(false);
    expect(await markers(mongo.connection).countDocuments({ _id: 'reporting:ev-busy' })).toBe(1);
  });
});
