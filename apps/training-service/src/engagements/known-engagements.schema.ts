import type { TrainingLevel } from '@trellis/contracts';
import { versionedSchemaOptions } from '@trellis/platform-mongo';
import { Schema } from 'mongoose';

/** Model name of the engagement projection (collection `known_engagements`). */
export const KNOWN_ENGAGEMENT_MODEL = 'KnownEngagement';

/**
 * What the training service knows of an engagement, projected from `trellis.engagement.v1`:
 * whom its training records belong to (`engagement.engagement.created`, `rerouted`) and the
 * organisation's baseline level (the needs assessment's suggested
 * level). Every change is a `$set` of absolute values, so redelivered events change nothing.
 */
export interface KnownEngagementDocument {
  _id: string;
  organisationId: string;
  unitId: string;
  baselineLevel?: TrainingLevel;
  /** The last event applied (diagnostics). */
  lastEventId: string;
  __v: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Mongoose schema of {@link KnownEngagementDocument}. */
export const knownEngagementSchema = new Schema<KnownEngagementDocument>(
  {
    _id: { type: String, required: true },
    organisationId: { type: String, required: true, index: true },
    unitId: { type: String, required: true, index: true },
    baselineLevel: { type: String },
    lastEventId: { type: String, required: true },
  },
  versionedSchemaOptions,
);
