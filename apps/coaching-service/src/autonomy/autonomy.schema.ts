import {
  AUTONOMY_MILESTONES,
  AutonomyLevelSchema,
  IdSchema,
  IsoDateTimeSchema,
  MaturitySchema,
  MilestoneIdSchema,
  MilestoneStatusSchema,
  SECURITY_WHEEL_SPOKES,
  spokeRecord,
  uniqueList,
  type AutonomyLevel,
  type MilestoneId,
  type MilestoneStatus,
  type SpokeId,
} from '@trellis/contracts';
import { encryptedFieldSubschema, type EncryptedField } from '@trellis/platform-crypto';
import { versionedSchemaOptions } from '@trellis/platform-mongo';
import { outboxPlugin, type WithOutbox } from '@trellis/platform-outbox';
import { Schema } from 'mongoose';
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Stored documents

/** Model name of autonomy reviews (collection `autonomy_reviews`). */
export const AUTONOMY_REVIEW_MODEL = 'AutonomyReview';

/** Encryption context of milestone evidence. */
export const EVIDENCE_CONTEXT = 'autonomy-review.milestone-evidence';

/** A milestone in a review: evidence (encrypted) claimed by one person, verified by another. */
export interface StoredMilestone {
  milestoneId: MilestoneId;
  status: MilestoneStatus;
  evidence?: EncryptedField;
  claimedBy?: string;
  claimedAt?: string;
  verifiedBy?: string;
  verifiedAt?: string;
}

/** States of a review: a `draft` collects evidence and verifications, `recorded` is final. */
export const REVIEW_STATES = ['draft', 'recorded'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

/**
 * A dated autonomy review of an engagement's organisation: maturity 0–4 per security-wheel
 * spoke and every milestone of DESIGN.md §2. Recording it computes the level (with the
 * previous and the baseline levels) and publishes `autonomy.review.recorded`.
 */
export interface AutonomyReviewDocument extends WithOutbox {
  _id: string;
  engagementId: string;
  organisationId: string;
  unitId: string;
  state: ReviewState;
  reviewedAt: Date;
  spokeMaturity: Record<SpokeId, number>;
  milestones: StoredMilestone[];
  createdBy: string;
  level?: AutonomyLevel;
  previousLevel?: AutonomyLevel | null;
  baselineLevel?: AutonomyLevel | null;
  recordedAt?: Date;
  recordedBy?: string;
  __v: number;
  createdAt: Date;
  updatedAt: Date;
}

const milestoneSchema = new Schema<StoredMilestone>(
  {
    milestoneId: { type: String, required: true, enum: AUTONOMY_MILESTONES },
    status: { type: String, required: true },
    evidence: { type: encryptedFieldSubschema() },
    claimedBy: { type: String },
    claimedAt: { type: String },
    verifiedBy: { type: String },
    verifiedAt: { type: String },
  },
  { _id: false },
);

const spokeMaturitySchema = new Schema(
  Object.fromEntries(
    SECURITY_WHEEL_SPOKES.map((s) => [s, { type: Number, required: true, min: 0, max: 4 }]),
  ),
  { _id: false },
);

/** Mongoose schema of {@link AutonomyReviewDocument}. */
export const autonomyReviewSchema = new Schema<AutonomyReviewDocument>(
  {
    _id: { type: String, required: true },
    engagementId: { type: String, required: true, index: true },
    organisationId: { type: String, required: true },
    unitId: { type: String, required: true },
    state: { type: String, required: true, enum: REVIEW_STATES },
    reviewedAt: { type: Date, required: true },
    spokeMaturity: { type: spokeMaturitySchema, required: true },
    milestones: { type: [milestoneSchema], default: [] },
    createdBy: { type: String, required: true },
    level: { type: Number },
    previousLevel: { type: Number },
    baselineLevel: { type: Number },
    recordedAt: { type: Date },
    recordedBy: { type: String },
  },
  versionedSchemaOptions,
);
autonomyReviewSchema.plugin(outboxPlugin);

// ---------------------------------------------------------------------------------------------
// HTTP contracts

/** Evidence of a milestone: a description and/or a reference to an attached document. */
export const EvidenceSchema = z
  .strictObject({
    description: z.string().trim().min(1).max(5_000).optional(),
    reference: z.string().trim().min(1).max(500).optional(),
  })
  .refine((e) => e.description !== undefined || e.reference !== undefined, {
    message: 'give a description or a reference',
  });
export type Evidence = z.infer<typeof EvidenceSchema>;

/** A milestone as given when a review is opened (verification is a separate step). */
export const MilestoneInputSchema = z.strictObject({
  milestoneId: MilestoneIdSchema,
  status: z.enum(['not-started', 'in-progress', 'claimed']),
  evidence: EvidenceSchema.optional(),
});

/** `POST /engagements/:engagementId/autonomy-reviews`. */
export const CreateReviewSchema = z.strictObject({
  reviewedAt: IsoDateTimeSchema,
  spokeMaturity: spokeRecord(MaturitySchema),
  milestones: z
    .array(MilestoneInputSchema)
    .default([])
    .refine(
      (list) => new Set(list.map((m) => m.milestoneId)).size === list.length,
      'must not name a milestone twice',
    ),
});
export type CreateReview = z.infer<typeof CreateReviewSchema>;

/** `POST /autonomy-reviews/:reviewId/milestones/:milestoneId/claim`. */
export const ClaimMilestoneSchema = z.strictObject({
  version: z.int().min(0),
  evidence: EvidenceSchema,
});
export type ClaimMilestoneInput = z.infer<typeof ClaimMilestoneSchema>;

/** `.../verify` and `/autonomy-reviews/:reviewId/record`: at the version last read. */
export const VersionOnlySchema = z.strictObject({ version: z.int().min(0) });
export type VersionOnly = z.infer<typeof VersionOnlySchema>;

const changeSchema = z.object({
  sinceReviewId: IdSchema,
  sinceReviewedAt: IsoDateTimeSchema,
  levelChange: z.int(),
  meanMaturityChange: z.number(),
  spokeChanges: z.record(z.string(), z.int()),
  newlyVerified: uniqueList(MilestoneIdSchema),
  noLongerVerified: uniqueList(MilestoneIdSchema),
});

/** A review as the API returns it; drafts show the level they would get now. */
export const ReviewViewSchema = z.object({
  id: IdSchema,
  engagementId: IdSchema,
  state: z.enum(REVIEW_STATES),
  reviewedAt: IsoDateTimeSchema,
  spokeMaturity: spokeRecord(MaturitySchema),
  milestones: z.array(
    z.object({
      milestoneId: MilestoneIdSchema,
      status: MilestoneStatusSchema,
      evidence: z
        .object({ description: z.string().optional(), reference: z.string().optional() })
        .optional(),
      claimedBy: IdSchema.optional(),
      claimedAt: IsoDateTimeSchema.optional(),
      verifiedBy: IdSchema.optional(),
      verifiedAt: IsoDateTimeSchema.optional(),
    }),
  ),
  level: AutonomyLevelSchema,
  levelName: z.string(),
  meanMaturity: z.number(),
  shortfall: z
    .object({
      nextLevel: z.int(),
      missingMilestones: z.array(MilestoneIdSchema),
      weakSpokes: z.array(z.string()),
      meanTooLow: z.boolean(),
    })
    .optional(),
  previousLevel: AutonomyLevelSchema.nullable().optional(),
  baselineLevel: AutonomyLevelSchema.nullable().optional(),
  sinceBaseline: changeSchema.optional(),
  sinceLastReview: changeSchema.optional(),
  recordedAt: IsoDateTimeSchema.optional(),
  version: z.int(),
});
export type ReviewView = z.infer<typeof ReviewViewSchema>;

/** Path parameters. */
export const ReviewIdParamSchema = IdSchema;
export const EngagementIdParamSchema = IdSchema;
export const MilestoneIdParamSchema = MilestoneIdSchema;
