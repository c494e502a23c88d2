import { z } from 'zod';
import {
  AttemptTracker,
  DEAD_LETTER_HEADERS,
  deadLetterHeaders,
  decideAfterFailure,
  decodeMessageValue,
  readDeadLetterHeaders,
  summariseIssues,
  validateEvent,
} from './dead-letter';

const TestEvent = z.object({
  id: z.string().min(1),
  type: z.literal('test.happened'),
  version: z.literal(1),
  payload: z.object({ count: z.number(), narrative: z.string() }),
});
const parse = (raw: unknown) => TestEvent.parse(raw);

describe('decodeMessageValue', () => {
  it('parses JSON from a Buffer or a string', () => {
    expect(decodeMessageValue(Buffer.from('{"a":1}'))).toEqual({ ok: true, value: { a: 1 } });
    expect(decodeMessageValue('[1,2]')).toEqual({ ok: true, value: [1, 2] });
  });

  it('accepts a value Nest already parsed', () => {
    expect(decodeMessageValue({ a: 1 })).toEqual({ ok: true, value: { a: 1 } });
  });

  it.each([
    ['null (tombstone)', null, 'empty message value'],
    ['an empty Buffer', Buffer.alloc(0), 'empty message value'],
    ['blank text', '   ', 'empty message value'],
  ])('routes %s to MALFORMED_JSON', (_label, value, issues) => {
    expect(decodeMessageValue(value)).toEqual({ ok: false, code: 'MALFORMED_JSON', issues });
  });

  it('routes invalid JSON to MALFORMED_JSON without quoting the value', () => {
    const result = decodeMessageValue(Buffer.from('{"narrative": "secret story'));
    expect(result).toEqual({
      ok: false,
      code: 'MALFORMED_JSON',
      issues: 'value is not valid JSON (27 bytes)',
    });
  });
});

describe('validateEvent', () => {
  const valid = {
    id: 'e1',
    type: 'test.happened',
    version: 1,
    payload: { count: 1, narrative: 'x' },
  };

  it('returns the parsed event', () => {
    expect(validateEvent(valid, parse)).toEqual({ ok: true, event: valid });
  });

  it('routes a parser failure to SCHEMA_INVALID with paths and rules, not values', () => {
    const result = validateEvent(
      { ...valid, version: 7, payload: { count: 'many', narrative: 'they followed her home' } },
      parse,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe('SCHEMA_INVALID');
    expect(result.issues).toMatch(/^version: .+; payload\.count: .+$/);
    expect(result.issues).not.toContain('they followed her home');
    expect(result.issues).not.toContain('many');
  });

  it('rejects a parser result that is not an envelope', () => {
    const result = validateEvent(valid, () => ({ id: 'x' }) as unknown as typeof valid);
    expect(result).toMatchObject({ ok: false, code: 'SCHEMA_INVALID' });
  });
});

describe('summariseIssues', () => {
  it('names the root, caps the number of issues and the length, and stays on one line', () => {
    const many = {
      issues: Array.from({ length: 15 }, (_, i) => ({ path: ['p', i], message: 'bad' })),
    };
    const summary = summariseIssues(many);
    expect(summary.split('; ')).toHaveLength(11);
    expect(summary).toContain('p.0: bad');
    expect(summary).toContain('(+5 more)');
    expect(summariseIssues({ issues: [{ path: [], code: 'custom' }] })).toBe('(root): custom');
    expect(summariseIssues(new RangeError('line 1\nline 2'))).toBe('RangeError: line 1 line 2');
    expect(summariseIssues(new Error('x'.repeat(5000))).length).toBe(1000);
    expect(summariseIssues('a string')).toBe('invalid event');
  });
});

describe('decideAfterFailure', () => {
  it('retries until the attempts reach the maximum, then dead-letters', () => {
    expect(decideAfterFailure(1, 3)).toBe('retry');
    expect(decideAfterFailure(2, 3)).toBe('retry');
    expect(decideAfterFailure(3, 3)).toBe('dead-letter');
    expect(decideAfterFailure(1, 1)).toBe('dead-letter');
  });
});

describe('dead-letter headers', () => {
  it('keep the original headers and round-trip the failure details', () => {
    const headers = deadLetterHeaders(
      { 'x-correlation-id': 'c1', 'event-type': 't' },
      {
        originalTopic: 'trellis.engagement.v1',
        originalPartition: 2,
        originalOffset: '41',
        errorCode: 'SCHEMA_INVALID',
        issues: 'payload.count: expected number',
        consumer: 'reporting.engagements',
        attempts: 0,
        failedAt: '2026-01-01T00:00:00.000Z',
      },
    );
    expect(headers).toMatchObject({
      'x-correlation-id': 'c1',
      'event-type': 't',
      [DEAD_LETTER_HEADERS.originalTopic]: 'trellis.engagement.v1',
      [DEAD_LETTER_HEADERS.originalPartition]: '2',
      [DEAD_LETTER_HEADERS.originalOffset]: '41',
      [DEAD_LETTER_HEADERS.errorCode]: 'SCHEMA_INVALID',
    });
    expect(readDeadLetterHeaders(headers)).toEqual({
      originalTopic: 'trellis.engagement.v1',
      originalPartition: 2,
      originalOffset: '41',
      errorCode: 'SCHEMA_INVALID',
      issues: 'payload.count: expected number',
      consumer: 'reporting.engagements',
      attempts: 0,
      failedAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('are absent from an ordinary message', () => {
    expect(readDeadLetterHeaders({ 'x-correlation-id': 'c1' })).toBeUndefined();
    expect(
      readDeadLetterHeaders({
        [DEAD_LETTER_HEADERS.originalTopic]: 't',
        [DEAD_LETTER_HEADERS.errorCode]: 'NOPE',
      }),
    ).toBeUndefined();
  });
});

describe('AttemptTracker', () => {
  it('counts failures per key and forgets them on clear', () => {
    const tracker = new AttemptTracker();
    expect(tracker.fail('a')).toBe(1);
    expect(tracker.fail('a')).toBe(2);
    expect(tracker.fail('b')).toBe(1);
    tracker.clear('a');
    expect(tracker.count('a')).toBe(0);
    expect(tracker.count('b')).toBe(1);
  });

  it('stays bounded by forgetting the oldest keys', () => {
    const tracker = new AttemptTracker(2);
    tracker.fail('a');
    tracker.fail('b');
    tracker.fail('a'); // refreshes a
    tracker.fail('c');
    expect(tracker.count('b')).toBe(0);
    expect(tracker.count('a')).toBe(2);
    expect(tracker.count('c')).toBe(1);
  });
});

describe('summariseIssues with string paths (libs/contracts ContractViolationError)', () => {
  it('uses the path as given', () => {
    const error = Object.assign(new Error('invalid'), {
      issues: [
        { path: 'payload.severity', message: 'Too big' },
        { path: '', message: 'bad' },
      ],
    });
    expect(summariseIssues(error)).toBe('payload.severity: Too big; (root): bad');
  });
});
