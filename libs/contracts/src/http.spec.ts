import {
  ERROR_CODES,
  ERROR_CODE_LIST,
  ErrorResponseSchema,
  PageQuerySchema,
  SetEngagementPhaseRequestSchema,
  decodeCursor,
  encodeCursor,
  httpStatusOf,
  isErrorCode,
  pageSchema,
} from './index';
import { z } from 'zod';

describe('error codes', () => {
  it('map every code to a 4xx or 5xx status', () => {
    for (const code of ERROR_CODE_LIST) {
      expect(code).toMatch(/^[A-Z][A-Z_]*[A-Z]$/);
      const status = httpStatusOf(code);
      expect(status >= 400 && status < 600).toBe(true);
    }
  });

  it.each([
    ['VALIDATION_FAILED', 400],
    ['MALFORMED_JSON', 400],
    ['PAYLOAD_TOO_LARGE', 413],
    ['UNAUTHENTICATED', 401],
    ['FORBIDDEN', 403],
    ['NOT_FOUND', 404],
    ['CONFLICT', 409],
    ['VERSION_CONFLICT', 409],
    ['COUNTRY_ALREADY_COVERED', 409],
    ['UNKNOWN_COUNTRY', 400],
    ['UNKNOWN_CATALOGUE_ITEM', 400],
    ['INVALID_DURATION', 400],
    ['DURATION_TOO_SHORT', 400],
    ['INVALID_STATE_TRANSITION', 409],
    ['ORGANISATION_ERASED', 410],
    ['RATE_LIMITED', 429],
    ['INTERNAL', 500],
    ['SERVICE_UNAVAILABLE', 503],
  ] as const)('%s → %d', (code, status) => {
    expect(ERROR_CODES[code]).toBe(status);
  });

  it('recognises known codes only', () => {
    expect(isErrorCode('NOT_FOUND')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode('TEAPOT')).toBe(false);
  });
});

describe('error response body', () => {
  it('accepts { error: { code, message, fields? }, correlationId }', () => {
    const body = {
      error: {
        code: 'VALIDATION_FAILED',
        message: 'The request is not valid.',
        fields: [{ path: 'interventions.0.targetDate', message: 'must be an ISO-8601 date' }],
      },
      correlationId: 'req-7f3a',
    };
    expect(ErrorResponseSchema.parse(body)).toEqual(body);
    expect(
      ErrorResponseSchema.safeParse({ ...body, error: { ...body.error, code: 'OOPS' } }).success,
    ).toBe(false);
    expect(ErrorResponseSchema.safeParse({ error: body.error }).success).toBe(false);
  });
});

describe('pagination', () => {
  it('coerces the limit from the query string, with a default and a maximum', () => {
    expect(PageQuerySchema.parse({})).toEqual({ limit: 20 });
    expect(PageQuerySchema.parse({ limit: '50', cursor: 'abc_-1' })).toEqual({
      limit: 50,
      cursor: 'abc_-1',
    });
    expect(PageQuerySchema.safeParse({ limit: '0' }).success).toBe(false);
    expect(PageQuerySchema.safeParse({ limit: '101' }).success).toBe(false);
    expect(PageQuerySchema.safeParse({ cursor: 'not a cursor' }).success).toBe(false);
  });

  it('describes a page of items', () => {
    const page = pageSchema(z.strictObject({ id: z.string() }));
    expect(page.parse({ items: [{ id: 'a' }], nextCursor: null })).toEqual({
      items: [{ id: 'a' }],
      nextCursor: null,
    });
    expect(page.safeParse({ items: [{ id: 1 }], nextCursor: null }).success).toBe(false);
  });

  it('encodes cursors as URL-safe strings the query schema accepts', () => {
    const position = { after: '65f1c0ffee0123456789abcd', dueAt: 1_780_000_000_000, note: 'ü?/+' };
    const cursor = encodeCursor(position);
    expect(PageQuerySchema.safeParse({ cursor }).success).toBe(true);
    expect(decodeCursor(cursor)).toEqual(position);
    expect(decodeCursor('%%%')).toBeUndefined();
    expect(decodeCursor(encodeCursor({}).slice(0, 1))).toBeUndefined();
  });
});

describe('internal phase endpoint', () => {
  it('validates the request the orchestrator sends', () => {
    const request = {
      requestId: 'capacity-building-eng-0001:phase:2',
      phase: 'implementation',
      expectedPhase: 'agreement',
      reason: 'agreement-activated',
    };
    expect(SetEngagementPhaseRequestSchema.parse(request)).toEqual(request);
    expect(SetEngagementPhaseRequestSchema.safeParse({ ...request, phase: 'closed' }).success).toBe(
      false,
    );
  });
});
