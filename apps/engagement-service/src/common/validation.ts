import { Body, type PipeTransform } from '@nestjs/common';
import { ApiError, ValidationFailedError, zodFieldErrors } from '@trellis/platform-http';
import type { z } from 'zod';

/** How `CountryCodeSchema` (libs/contracts) words its refusals. */
const COUNTRY_ISSUE = /ISO 3166-1 alpha-2 country code/;

/**
 * Validates a request body with `schema` like `ValidBody`, but when the only problems are
 * country codes that are not assigned ISO 3166-1 alpha-2 codes, answers 400 `UNKNOWN_COUNTRY`
 * (with the fields) instead of `VALIDATION_FAILED`, so clients can tell the two apart.
 */
export class CountryAwarePipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    const fields = zodFieldErrors(result.error);
    if (result.error.issues.every((issue) => COUNTRY_ISSUE.test(issue.message))) {
      throw new ApiError(
        'UNKNOWN_COUNTRY',
        'A country is not an assigned ISO 3166-1 alpha-2 code.',
        fields,
      );
    }
    throw new ValidationFailedError(fields);
  }
}

/** `@CountryAwareBody(Schema) body: T` — the validated body (see {@link CountryAwarePipe}). */
export const CountryAwareBody = (schema: z.ZodType) => Body(new CountryAwarePipe(schema));

/** How `IsoDurationSchema` (libs/contracts) words a value that is no ISO-8601 duration. */
const DURATION_ISSUE = /ISO-8601 duration/;

/**
 * Validates a request body with `schema` like `ValidBody`, but when the only problems are
 * values that are not ISO-8601 durations, answers 400 `INVALID_DURATION` (with the fields)
 * instead of `VALIDATION_FAILED`.
 */
export class DurationAwarePipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    const fields = zodFieldErrors(result.error);
    // The duration schemas' further checks ("is too long", "must be longer than zero") also
    // fail for text that is no duration: only the format issue is reported for such a field.
    const durationFields = fields.filter((f) => DURATION_ISSUE.test(f.message));
    const paths = new Set(durationFields.map((f) => f.path));
    if (durationFields.length > 0 && fields.every((f) => paths.has(f.path))) {
      throw new ApiError(
        'INVALID_DURATION',
        'A duration is not an ISO-8601 duration.',
        durationFields,
      );
    }
    throw new ValidationFailedError(fields);
  }
}

/** `@DurationAwareBody(Schema) body: T` — the validated body (see {@link DurationAwarePipe}). */
export const DurationAwareBody = (schema: z.ZodType) => Body(new DurationAwarePipe(schema));
