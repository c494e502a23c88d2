import { CountryCodeSchema, IsoDurationSchema, uniqueList } from '@trellis/contracts';
import { ApiError } from '@trellis/platform-http';
import { z } from 'zod';
import { CountryAwarePipe, DurationAwarePipe } from './validation';

const schema = z.strictObject({
  name: z.string().min(1),
  countries: uniqueList(CountryCodeSchema),
});

function refusal(value: unknown): { code: string; fields: unknown } {
  try {
    new CountryAwarePipe(schema).transform(value);
  } catch (err) {
    if (err instanceof ApiError) return { code: err.code, fields: err.fields };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('CountryAwarePipe', () => {
  it('passes valid input through', () => {
    expect(new CountryAwarePipe(schema).transform({ name: 'x', countries: ['CO'] })).toEqual({
      name: 'x',
      countries: ['CO'],
    });
  });

  it('answers UNKNOWN_COUNTRY when only country codes are wrong, with their paths', () => {
    expect(refusal({ name: 'x', countries: ['CO', 'XX', 'pe'] })).toEqual({
      code: 'UNKNOWN_COUNTRY',
      fields: [
        { path: 'countries.1', message: 'must be an assigned ISO 3166-1 alpha-2 country code' },
        { path: 'countries.2', message: 'must be an uppercase ISO 3166-1 alpha-2 country code' },
      ],
    });
  });

  it('answers VALIDATION_FAILED when anything else is wrong too', () => {
    const result = refusal({ name: '', countries: ['XX'] });
    expect(result.code).toBe('VALIDATION_FAILED');
    expect(result.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'name' }),
        expect.objectContaining({ path: 'countries.0' }),
      ]),
    );
  });
});

describe('DurationAwarePipe', () => {
  const durations = z.strictObject({ every: IsoDurationSchema, name: z.string().min(1) });

  function refused(value: unknown): { code: string; fields: unknown } {
    try {
      new DurationAwarePipe(durations).transform(value);
    } catch (err) {
      if (err instanceof ApiError) return { code: err.code, fields: err.fields };
      throw err;
    }
    throw new Error('expected a refusal');
  }

  it('answers INVALID_DURATION with only the format issue when durations alone are wrong', () => {
    expect(new DurationAwarePipe(durations).transform({ every: 'P1D', name: 'x' })).toEqual({
      every: 'P1D',
      name: 'x',
    });
    expect(refused({ every: 'one week', name: 'x' })).toEqual({
      code: 'INVALID_DURATION',
      fields: [{ path: 'every', message: expect.stringMatching(/ISO-8601 duration/) }],
    });
  });

  it('answers VALIDATION_FAILED when anything else is wrong too', () => {
    expect(refused({ every: 'one week', name: '' }).code).toBe('VALIDATION_FAILED');
    expect(refused({ every: 'P1D', name: '' }).code).toBe('VALIDATION_FAILED');
  });
});
