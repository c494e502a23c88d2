import { Schema } from 'mongoose';

/** Model name of the engagement projection (collection `engagement_projections`). */
export const ENGAGEMENT_PROJECTION_MODEL = 'EngagementProjection';

/**
 * What this service knows of an engagement, kept from the engagement service's events
 * (`engagement.engagement.created`, `rerouted`, `lead-officer-assigned`,
 * `program-manager-assigned`): whom it belongs to (access) and who its program manager is
 * (escalations). Never read from the engagement service's database.
 */
export interface EngagementProjection {
  _id: string;
  organisationId: string;
  unitId: string;
  programManagerId: string;
  leadOfficerId?: string;
  /** Id of the last event applied (for diagnostics). */
  lastEventId: string;
  updatedAt: Date;
}

/** Mongoose schema of {@link EngagementProjection}. */
export const engagementProjectionSchema = new Schema<EngagementProjection>(
  {
    _id: { type: String, required: true },
    organisationId: { type: String, required: true },
    unitId: { type: String, required: true },
    programManagerId: { type: String, required: true },
    leadOfficerId: { type: String },
    lastEventId: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, strict: true },
);
