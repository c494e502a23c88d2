import { z } from 'zod';
import { isIsoDuration, ISO_DURATION_PATTERN, parseIsoDuration } from './durations';

// The zod schemas of durations (the arithmetic is in durations.ts, free of zod: the workflow
// bundle loads it for every workflow).

/** An ISO-8601 duration string (`P1M`, `P2W`, `PT30S`, `P1DT12H`); zero (`PT0S`) allowed. */
export const IsoDurationSchema = z
  .string()
  .regex(ISO_DURATION_PATTERN, 'must be an ISO-8601 duration such as P1M, P2W, PT30S or P1DT12H')
  .refine(isIsoDuration, 'is too long');

/**
 * A strictly positive ISO-8601 duration: cadences, grace periods, lead times. Minimums above
 * zero are a service policy (configurable, so demos can use `PT1M`), answered with
 * `DURATION_TOO_SHORT`.
 */
export const PositiveIsoDurationSchema = IsoDurationSchema.refine(
  (d) => isIsoDuration(d) && parseIsoDuration(d) > 0,
  'must be longer than zero',
);
