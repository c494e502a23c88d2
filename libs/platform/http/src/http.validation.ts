import { Body, Param, PipeTransform, Query } from '@nestjs/common';
import type { z } from 'zod';
import { ValidationFailedError, type FieldError } from './http.errors';

/** Turns zod issues into field errors with dotted paths. */
export function zodFieldErrors(error: z.ZodError, prefix?: string): FieldError[] {
  return error.issues.map((issue) => ({
    path:
      [prefix, ...issue.path.map(String)].filter((p) => p !== undefined && p !== '').join('.') ||
      '(body)',
    message: issue.message,
  }));
}

/** A pipe that validates (and transforms) a value with a zod schema, or answers 400. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    readonly schema: S,
    private readonly prefix?: string,
  ) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value);
    if (!result.success) throw new ValidationFailedError(zodFieldErrors(result.error, this.prefix));
    return result.data;
  }
}

/** `@ValidBody(Schema) body: T` — the request body, validated. */
export const ValidBody = (schema: z.ZodType) => Body(new ZodPipe(schema));
/** `@ValidQuery(Schema) query: T` — the query string, validated. */
export const ValidQuery = (schema: z.ZodType) => Query(new ZodPipe(schema, 'query'));
/** `@ValidParam('id', Schema) id: T` — one path parameter, validated. */
export const ValidParam = (name: string, schema: z.ZodType) =>
  Param(name, new ZodPipe(schema, name));
