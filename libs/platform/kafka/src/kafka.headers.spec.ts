import { correlation } from '@trellis/platform-logging';
import { EVENT_HEADERS, decodeHeaders, eventHeaders, isEnvelopeLike } from './kafka.headers';

const event = { id: 'e-1', type: 'engagement.created', version: 2 };

describe('eventHeaders', () => {
  it('writes id, type, version, content type and the current correlation id', () => {
    const headers = correlation.run('corr-1', () => eventHeaders(event));
    expect(headers).toEqual({
      'x-correlation-id': 'corr-1',
      'event-id': 'e-1',
      'event-type': 'engagement.created',
      'event-version': '2',
      'content-type': 'application/json',
    });
  });

  it('prefers an explicit correlation id (e.g. stored with an outbox entry)', () => {
    const headers = correlation.run('current', () => eventHeaders(event, 'stored'));
    expect(headers[EVENT_HEADERS.correlationId]).toBe('stored');
  });

  it('writes no correlation header when there is none or it is invalid', () => {
    expect(eventHeaders(event)).not.toHaveProperty('x-correlation-id');
    expect(eventHeaders(event, 'bad id\n')).not.toHaveProperty('x-correlation-id');
  });

  it('adds extra headers without letting them replace the event headers', () => {
    const headers = eventHeaders(event, undefined, { 'event-id': 'forged', tenant: 'org-1' });
    expect(headers['event-id']).toBe('e-1');
    expect(headers['tenant']).toBe('org-1');
  });
});

describe('decodeHeaders', () => {
  it('reads Buffers and strings, takes the last of repeated headers, drops empty ones', () => {
    expect(
      decodeHeaders({
        'x-correlation-id': Buffer.from('corr-9'),
        'event-type': 'a.b',
        repeated: [Buffer.from('first'), 'last'],
        missing: undefined,
      }),
    ).toEqual({ 'x-correlation-id': 'corr-9', 'event-type': 'a.b', repeated: 'last' });
  });

  it('round-trips what eventHeaders wrote through Buffers (as kafkajs delivers them)', () => {
    const written = correlation.run('c', () => eventHeaders(event));
    const delivered = Object.fromEntries(
      Object.entries(written).map(([k, v]) => [k, Buffer.from(v)]),
    );
    expect(decodeHeaders(delivered)).toEqual(written);
  });

  it('accepts no headers at all', () => {
    expect(decodeHeaders(undefined)).toEqual({});
    expect(decodeHeaders(null)).toEqual({});
  });
});

describe('isEnvelopeLike', () => {
  it('needs a non-empty string id, a string type and a numeric version', () => {
    expect(isEnvelopeLike(event)).toBe(true);
    expect(isEnvelopeLike({ ...event, id: '' })).toBe(false);
    expect(isEnvelopeLike({ ...event, version: '1' })).toBe(false);
    expect(isEnvelopeLike({ id: 'x', version: 1 })).toBe(false);
    expect(isEnvelopeLike(null)).toBe(false);
    expect(isEnvelopeLike('e')).toBe(false);
  });
});
