import { REDACTED, SENSITIVE_KEYS, isSensitiveKey, redactSensitive } from './redaction';

describe('isSensitiveKey', () => {
  it.each(SENSITIVE_KEYS)('treats %s as sensitive', (key) => {
    expect(isSensitiveKey(key)).toBe(true);
  });

  it('ignores case, underscores and dashes', () => {
    for (const key of [
      'first_name',
      'FirstName',
      'first-name',
      'EMAIL',
      'set-cookie',
      'Authorization',
    ]) {
      expect(isSensitiveKey(key)).toBe(true);
    }
  });

  it('catches composite keys by their ending', () => {
    for (const key of [
      'contactEmail',
      'homeAddress',
      'incidentNarrative',
      'sessionToken',
      'dbPassword',
    ]) {
      expect(isSensitiveKey(key)).toBe(true);
    }
  });

  it('leaves operational keys visible', () => {
    for (const key of [
      'id',
      'eventId',
      'engagementId',
      'organisationId',
      'type',
      'version',
      'topic',
      'partition',
      'offset',
      'key',
      'service',
      'correlationId',
      'country',
      'phase',
      'level',
      'status',
      'durationMs',
    ]) {
      expect(isSensitiveKey(key)).toBe(false);
    }
  });
});

describe('redactSensitive', () => {
  it('redacts sensitive keys at any depth, inside arrays too, and keeps the rest', () => {
    const input = {
      eventId: 'e1',
      organisation: {
        id: 'o1',
        country: 'CO',
        name: 'Defensoras del Sur',
        contacts: [{ email: 'a@b.c', phone: '+57' }],
        nested: { deeper: { deepest: [{ narrative: 'what happened', level: 3 }] } },
      },
    };
    expect(redactSensitive(input)).toEqual({
      eventId: 'e1',
      organisation: {
        id: 'o1',
        country: 'CO',
        name: REDACTED,
        contacts: REDACTED,
        nested: { deeper: { deepest: [{ narrative: REDACTED, level: 3 }] } },
      },
    });
    expect(input.organisation.name).toBe('Defensoras del Sur');
  });

  it('leaves primitives, dates and buffers alone', () => {
    const date = new Date(0);
    expect(redactSensitive('text')).toBe('text');
    expect(redactSensitive(3)).toBe(3);
    expect(redactSensitive(null)).toBeNull();
    expect(redactSensitive({ at: date }).at).toBe(date);
  });

  it('survives cycles', () => {
    const a: Record<string, unknown> = { id: 1, email: 'x' };
    a['self'] = a;
    expect(redactSensitive(a)).toEqual({ id: 1, email: REDACTED, self: '[Circular]' });
  });

  it('redacts what toJSON() exposes (mongoose documents, class instances)', () => {
    const doc = { toJSON: () => ({ _id: 'd1', address: 'Calle 1' }) };
    expect(redactSensitive({ doc })).toEqual({ doc: { _id: 'd1', address: REDACTED } });
  });

  it("redacts an error's own properties and cause but keeps type, message and stack", () => {
    class DriverError extends Error {
      keyValue = { email: 'x@y.z' };
      code = 11000;
    }
    const error = new DriverError('duplicate key', { cause: { token: 'abc', at: 'db' } });
    const copy = redactSensitive(error);
    expect(copy).toBeInstanceOf(DriverError);
    expect(copy.message).toBe('duplicate key');
    expect(copy.stack).toBe(error.stack);
    expect(copy.keyValue).toEqual({ email: REDACTED });
    expect(copy.code).toBe(11000);
    expect(copy.cause).toEqual({ token: REDACTED, at: 'db' });
    expect(error.keyValue.email).toBe('x@y.z');
  });

  it('cuts off structures that are too deep', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 20; i++) deep = { child: deep };
    expect(JSON.stringify(redactSensitive(deep))).toContain('[Truncated]');
  });
});
