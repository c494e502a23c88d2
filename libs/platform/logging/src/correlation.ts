import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** HTTP header and Kafka header that carries the correlation id between processes. */
export const CORRELATION_HEADER = 'x-correlation-id';

/** Longest correlation id accepted from outside; longer ones are replaced by a new id. */
export const MAX_CORRELATION_ID_LENGTH = 128;

/** Visible ASCII only: no spaces, control characters or newlines (no log or header injection). */
const VALID_CORRELATION_ID = new RegExp(`^[\\x21-\\x7e]{1,${MAX_CORRELATION_ID_LENGTH}}$`);

const storage = new AsyncLocalStorage<string>();

/**
 * The correlation id of the work in progress (an HTTP request, a consumed Kafka message),
 * kept in an `AsyncLocalStorage` so it follows every `await`, timer and callback started
 * inside `run()` without being passed around.
 */
export const correlation = {
  /** Runs `fn` with `id` as the current correlation id (nested runs shadow outer ones). */
  run<T>(id: string, fn: () => T): T {
    return storage.run(id, fn);
  },

  /** The current correlation id, or `undefined` outside any `run()`. */
  id(): string | undefined {
    return storage.getStore();
  },

  /**
   * The id to use for work that arrived with `incoming` (a header value): kept when it is
   * visible ASCII of at most 128 characters, otherwise (missing, empty, too long, or with
   * spaces or control characters) a new random UUID.
   */
  ensure(incoming?: string | null): string {
    return correlation.isValid(incoming) ? incoming : randomUUID();
  },

  /** Whether `value` is acceptable as a correlation id received from outside. */
  isValid(value: unknown): value is string {
    return typeof value === 'string' && VALID_CORRELATION_ID.test(value);
  },
};
