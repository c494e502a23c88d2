import { IdSchema } from '@trellis/contracts';
import { z } from 'zod';

/** The version last read, for optimistic concurrency. */
export const VersionSchema = z.int().min(0);

/** `?engagementId=` of the list endpoints. */
export const EngagementQuerySchema = z.strictObject({ engagementId: IdSchema });
export type EngagementQuery = z.infer<typeof EngagementQuerySchema>;

/** At most this many records per list answer. */
export const LIST_LIMIT = 500;
