import { randomBytes } from 'node:crypto';

/**
 * One id per test process, so concurrent and repeated runs never share state: database names,
 * topic names, consumer group ids, task queues and workflow ids all carry it.
 */
export const testRunId: string =
  process.env['TRELLIS_TEST_RUN_ID'] ??
  `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

let counter = 0;

/** A name unique to this run and call: `<prefix>_<run id>_<n>` (safe for databases and topics). */
export function uniqueName(prefix: string): string {
  const clean = prefix.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 24);
  counter += 1;
  return `${clean}_${testRunId}_${counter}`;
}

/** Topic name isolated to this run: `t<run id>.<base>`. */
export function isolatedTopic(base: string): string {
  return `t${testRunId}.${base}`;
}
