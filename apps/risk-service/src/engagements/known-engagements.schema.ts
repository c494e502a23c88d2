import { versionedSchemaOptions } from '@trellis/platform-mongo';
import { Schema } from 'mongoose';

/** Model name of the engagement projection (collection `known_engagements`). */
export const KNOWN_ENGAGEMENT_MODEL = 'KnownEngagement';

/**
 * What the risk service knows of an engagement, projected from `engagement.engagement.created`
 * events of `trellis.engagement.v1`: which organisation and unit its risk records belong to.
 * Upserted by engagement id with absolute values, so a redelivered event changes nothing.
 */
export interface KnownEngagementDocument {
  _id: string;
  organisationId: string;
  unitId: string;
  /** The event the projection was built from. */
  sourceEventId: string;
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
    sourceEventId: { type: String, required: true },
  },
  versionedSchemaOptions,
);
