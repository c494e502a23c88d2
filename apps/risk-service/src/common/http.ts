import { IdSchema } from '@trellis/contracts';
import { z } from 'zod';

/** Free text that is encrypted at rest (narratives, descriptions): 1–10 000 characters. */
export const NarrativeSchema = z.string().trim().min(1).max(10_000);

/** The version last read, for optimistic concurrency. */
export const VersionSchema = z.int().min(0);

/** `?engagementId=` of the list endpoints. */
export const EngagementQuerySchema = z.strictObject({ engagementId: IdSchema });
export type EngagementQuery = z.infer<typeof EngagementQuerySchema>;

/** Where a new record belongs; verified against the engagement projection. */
export const RecordOwnerShape = {
  engagementId: IdSchema,
  organisationId: IdSchema,
  unitId: IdSchema,
};

/** At most this many records per list answer (newest first). */
export const LIST_LIMIT = 200;
