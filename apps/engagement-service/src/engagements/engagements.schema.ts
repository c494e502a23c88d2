import {
  FocusAreaSchema,
  IdSchema,
  PhaseSchema,
  RoutedToSchema,
  SettingSchema,
  type CountryCode,
  type FocusArea,
  type Phase,
  type RoutedTo,
  type Setting,
} from '@trellis/contracts';
import { ApiError } from '@trellis/platform-http';
import { versionedSchemaOptions } from '@trellis/platform-mongo';
import { outboxPlugin, type WithOutbox } from '@trellis/platform-outbox';
import { Schema } from 'mongoose';
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Stored documents

/** Model name of engagements (collection `engagements`). */
export const ENGAGEMENT_MODEL = 'Engagement';

/**
 * One capacity-building process with one organisation. `unitId` is the desk or TRU it was
 * routed to at creation; it changes only by an explicit re-routing, never because a desk's
 * countries changed. The organisation's country, setting and focus areas are copied at
 * creation (routing and catalogue suggestions use them).
 */
export interface EngagementDocument extends WithOutbox {
  _id: string;
  organisationId: string;
  unitId: string;
  routedTo: RoutedTo;
  country: CountryCode;
  region?: string;
  setting: Setting;
  focusAreas: FocusArea[];
  phase: Phase;
  programManagerId: string;
  leadOfficerId?: string;
  /** `requestId`s of the phase changes applied (the internal endpoint is idempotent by them). */
  phaseRequestIds: string[];
  __v: number;
  createdAt: Date;
  updatedAt: Date;
}

const routedToSchema = new Schema<RoutedTo>(
  {
    kind: { type: String, required: true, enum: ['desk', 'tru'] },
    deskId: { type: String },
  },
  { _id: false },
);

/** Mongoose schema of {@link EngagementDocument}. */
export const engagementSchema = new Schema<EngagementDocument>(
  {
    _id: { type: String, required: true },
    organisationId: { type: String, required: true, index: true },
    unitId: { type: String, required: true, index: true },
    routedTo: { type: routedToSchema, required: true },
    country: { type: String, required: true },
    region: { type: String },
    setting: { type: String, required: true },
    focusAreas: { type: [String], default: [] },
    phase: { type: String, required: true },
    programManagerId: { type: String, required: true },
    leadOfficerId: { type: String },
    phaseRequestIds: { type: [String], default: [] },
  },
  versionedSchemaOptions,
);
engagementSchema.plugin(outboxPlugin);

// ---------------------------------------------------------------------------------------------
// HTTP contracts

/**
 * `POST /engagements`. A program manager opening an engagement is its program manager; an
 * admin names one (`programManagerId`).
 */
export const CreateEngagementSchema = z.strictObject({
  organisationId: IdSchema,
  programManagerId: IdSchema.optional(),
  leadOfficerId: IdSchema.optional(),
});
export type CreateEngagement = z.infer<typeof CreateEngagementSchema>;

/** `PUT /engagements/:engagementId/lead-officer`, at the version last read. */
export const AssignLeadOfficerSchema = z.strictObject({
  leadOfficerId: IdSchema,
  version: z.int().min(0),
});
export type AssignLeadOfficer = z.infer<typeof AssignLeadOfficerSchema>;

/** `GET /engagements?organisationId=`. */
export const ListEngagementsQuerySchema = z.strictObject({
  organisationId: IdSchema.optional(),
});
export type ListEngagementsQuery = z.infer<typeof ListEngagementsQuerySchema>;

/** An engagement as the API returns it. */
export const EngagementViewSchema = z.object({
  id: IdSchema,
  organisationId: IdSchema,
  unitId: IdSchema,
  routedTo: RoutedToSchema,
  country: z.string(),
  region: z.string().optional(),
  setting: SettingSchema,
  focusAreas: z.array(FocusAreaSchema),
  phase: PhaseSchema,
  programManagerId: IdSchema,
  leadOfficerId: IdSchema.optional(),
  version: z.int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type EngagementView = z.infer<typeof EngagementViewSchema>;

/** The API view of a stored engagement. */
export function toEngagementView(doc: EngagementDocument): EngagementView {
  return {
    id: doc._id,
    organisationId: doc.organisationId,
    unitId: doc.unitId,
    routedTo:
      doc.routedTo.kind === 'desk'
        ? { kind: 'desk', deskId: doc.routedTo.deskId }
        : { kind: 'tru' },
    country: doc.country,
    ...(doc.region ? { region: doc.region } : {}),
    setting: doc.setting,
    focusAreas: doc.focusAreas,
    phase: doc.phase,
    programManagerId: doc.programManagerId,
    ...(doc.leadOfficerId ? { leadOfficerId: doc.leadOfficerId } : {}),
    version: doc.__v,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}

/** Phases an engagement never leaves: graduated (`autonomous`) or `terminated`. */
export const FINAL_PHASES: readonly Phase[] = ['autonomous', 'terminated'];

/**
 * Refuses work on a closed engagement (graduated or terminated): 409 INVALID_STATE_TRANSITION.
 * `action` names what was attempted, e.g. "draft an agreement".
 */
export function assertEngagementOpen(
  engagement: Pick<EngagementDocument, 'phase'>,
  action: string,
): void {
  if (FINAL_PHASES.includes(engagement.phase)) {
    throw new ApiError(
      'INVALID_STATE_TRANSITION',
      `Cannot ${action}: the engagement is ${engagement.phase}.`,
    );
  }
}

/** Path parameter `engagementId`. */
export const EngagementIdParamSchema = IdSchema;
