import {
  ApiProblem,
  fieldMessage,
  normalisePath,
  optional,
  problemKind,
  toApiProblem,
} from './problem';

describe('the error body of the gateway and the services', () => {
  it('becomes a validation problem with each field at its path', () => {
    const problem = toApiProblem(400, {
      error: {
        code: 'VALIDATION_FAILED',
        message: 'The request is not valid.',
        fields: [
          { path: 'endsAt', message: 'must be after startsAt' },
          { path: 'items[2].title', message: 'Too small' },
          { path: 42, message: 'dropped: not a path' },
        ],
      },
      correlationId: 'corr-1',
    });
    expect(problem).toBeInstanceOf(ApiProblem);
    expect(problem.kind).toBe('validation');
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.correlationId).toBe('corr-1');
    expect(problem.fields).toEqual([
      { path: 'endsAt', message: 'must be after startsAt' },
      { path: 'items.2.title', message: 'Too small' },
    ]);
    expect(problem.fieldMessage('endsAt')).toBe('must be after startsAt');
    expect(problem.fieldMessage('items.2.title')).toBe('Too small');
    expect(problem.fieldMessage('startsAt')).toBeUndefined();
  });

  it('names a nested field through its parent (a group of inputs)', () => {
    expect(fieldMessage([{ path: 'spokes.training.score', message: 'Too big' }], 'spokes')).toBe(
      'Too big',
    );
  });

  it('normalises the path styles of error bodies', () => {
    expect(normalisePath('body.items[0].title')).toBe('items.0.title');
    expect(normalisePath('/items/0/title')).toBe('items.0.title');
    expect(normalisePath('occurredAt')).toBe('occurredAt');
    expect(normalisePath('query.from')).toBe('from');
  });

  it.each([
    [401, 'UNAUTHENTICATED', 'unauthenticated'],
    [403, 'FORBIDDEN', 'refused'],
    [403, 'SELF_VERIFICATION', 'refused'],
    [404, 'NOT_FOUND', 'not-found'],
    [409, 'STEP_OUT_OF_ORDER', 'conflict'],
    [423, 'ACCOUNT_LOCKED', 'rate-limited'],
    [429, 'RATE_LIMITED', 'rate-limited'],
    [503, 'SERVICE_UNAVAILABLE', 'unavailable'],
    [500, 'INTERNAL', 'unexpected'],
    [0, 'NETWORK', 'network'],
  ])('classifies %i %s as %s', (status, code, kind) => {
    expect(problemKind(status, code)).toBe(kind);
    expect(toApiProblem(status, { error: { code, message: 'm' } }).kind).toBe(kind);
  });

  it('still describes an answer that is not the error shape (a proxy page, nothing)', () => {
    const problem = toApiProblem(502, '<html>bad gateway</html>', 'from-header');
    expect(problem.code).toBe('SERVICE_UNAVAILABLE');
    expect(problem.message).toBe('HTTP 502');
    expect(problem.fields).toEqual([]);
    expect(problem.correlationId).toBe('from-header');
    expect(toApiProblem(404, undefined).code).toBe('NOT_FOUND');
    expect(toApiProblem(400, { error: { code: 'not a code!', message: 1 } }).code).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('reads "nothing recorded yet" (404) as undefined and lets other problems through', async () => {
    await expect(optional(Promise.reject(toApiProblem(404, undefined)))).resolves.toBeUndefined();
    await expect(optional(Promise.resolve(1))).resolves.toBe(1);
    await expect(optional(Promise.reject(toApiProblem(403, undefined)))).rejects.toMatchObject({
      status: 403,
    });
  });
});
