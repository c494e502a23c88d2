import { documentWithOutbox, pendingEvents, withOutbox, type OutboxEvent } from './outbox.update';

const now = new Date('2026-11-25T10:00:00Z');
const event = (id: string, extra: Partial<OutboxEvent> = {}): OutboxEvent => ({
  topic: 'trellis.engagement.v1',
  key: 'eng-1',
  envelope: { id, type: 'engagement.created', version: 1, payload: { phase: 'agreement' } },
  ...extra,
});

describe('withOutbox', () => {
  it('pushes the events in the same update document as the state change', () => {
    const update = withOutbox({ $set: { phase: 'training' } }, [event('e1'), event('e2')], now);
    expect(update).toEqual({
      $set: { phase: 'training' },
      $push: {
        outbox: {
          $each: [
            {
              id: 'e1',
              topic: 'trellis.engagement.v1',
              key: 'eng-1',
              envelope: event('e1').envelope,
              enqueuedAt: now,
            },
            {
              id: 'e2',
              topic: 'trellis.engagement.v1',
              key: 'eng-1',
              envelope: event('e2').envelope,
              enqueuedAt: now,
            },
          ],
        },
      },
    });
  });

  it('keeps other $push and $inc operations and does not modify the input', () => {
    const input = { $push: { notes: 'x' }, $inc: { count: 1 } };
    const update = withOutbox(input, [event('e1')], now);
    expect(update.$push).toMatchObject({ notes: 'x', outbox: { $each: [{ id: 'e1' }] } });
    expect(update.$inc).toEqual({ count: 1 });
    expect(input).toEqual({ $push: { notes: 'x' }, $inc: { count: 1 } });
  });

  it('carries headers and the correlation id', () => {
    const update = withOutbox(
      { $set: { a: 1 } },
      [event('e1', { headers: { 'x-source': 'api' }, correlationId: 'corr-1' })],
      now,
    );
    expect(update.$push).toEqual({
      outbox: {
        $each: [
          expect.objectContaining({ headers: { 'x-source': 'api' }, correlationId: 'corr-1' }),
        ],
      },
    });
  });

  it('returns a copy of the update when there is no event', () => {
    const input = { $set: { a: 1 } };
    expect(withOutbox(input, [])).toEqual(input);
    expect(withOutbox(input, [])).not.toBe(input);
  });

  it('refuses replacement-style updates, pipelines and updates that write the outbox', () => {
    expect(() => withOutbox({ phase: 'x' }, [event('e1')])).toThrow(/put plain fields under \$set/);
    expect(() => withOutbox([] as unknown as Record<string, unknown>, [event('e1')])).toThrow(
      /pipeline/,
    );
    expect(() => withOutbox({ $set: { outbox: [] } }, [event('e1')])).toThrow(/outbox fields/);
    expect(() => withOutbox({ $push: { outbox: {} } }, [event('e1')])).toThrow(/outbox fields/);
    expect(() => withOutbox({ $unset: { outboxLease: '' } }, [event('e1')])).toThrow(
      /outbox fields/,
    );
    expect(() => withOutbox({ $pop: { 'outbox.0': 1 } }, [event('e1')])).toThrow(/outbox fields/);
  });
});

describe('documentWithOutbox', () => {
  it('sets the outbox on a new document', () => {
    const doc = documentWithOutbox({ _id: 'eng-1', phase: 'agreement' }, [event('e1')], now);
    expect(doc).toEqual({
      _id: 'eng-1',
      phase: 'agreement',
      outbox: [expect.objectContaining({ id: 'e1', enqueuedAt: now })],
    });
  });

  it('refuses a document that sets the outbox itself', () => {
    expect(() => documentWithOutbox({ outbox: [] }, [event('e1')])).toThrow(/outbox fields/);
  });
});

describe('pendingEvents', () => {
  it('validates every event', () => {
    expect(() => pendingEvents([event('e1', { topic: '' })])).toThrow('#0: topic is required');
    expect(() => pendingEvents([event('e1', { key: '' })])).toThrow('#0: key is required');
    expect(() =>
      pendingEvents([{ topic: 't', key: 'k', envelope: null as unknown as { id: string } }]),
    ).toThrow(/envelope must be an object/);
    expect(() => pendingEvents([event('')])).toThrow(/envelope.id is required/);
    expect(() => pendingEvents([event('e1'), event('e1')])).toThrow('#1: duplicate event id');
    expect(() => pendingEvents([event('e1', { headers: { n: 1 as unknown as string } })])).toThrow(
      /header values must be strings/,
    );
  });

  it('stamps events with the current time by default', () => {
    const before = Date.now();
    const [p] = pendingEvents([event('e1')]);
    expect(p.enqueuedAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(p).not.toHaveProperty('headers');
    expect(p).not.toHaveProperty('correlationId');
  });
});
