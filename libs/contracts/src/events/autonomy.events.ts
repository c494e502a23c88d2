import { z } from 'zod';
import {
  AutonomyLevelSchema,
  IdSchema,
  IsoDateTimeSchema,
  MaturitySchema,
  MilestoneIdSchema,
  MilestoneStatusSchema,
  spokeRecord,
} from '../domain-values';
import { defineEvent } from '../event-definition';
import { TOPICS } from '../topics';

/*
 * Autonomy context (coaching-service): autonomy reviews and their milestones. Evidence is text
 * or an attachment and stays in the coaching service; events carry statuses and levels.
 */

const topic = TOPICS.autonomy;
const producer = 'coaching-service';
const aggregate = 'engagementId';

export const AutonomyReviewRecordedV1 = defineEvent({
  type: 'autonomy.review.recorded',
  version: 1,
  topic,
  aggregate,
  producer,
  description:
    'A dated autonomy review was recorded: maturity 0–4 per security-wheel spoke, the status of every milestone and the computed autonomy level 0–4 (with the previous and baseline levels, null for the first review). The orchestrator decides graduation from the level.',
  payload: z.strictObject({
    reviewId: IdSchema,
    reviewedAt: IsoDateTimeSchema,
    level: AutonomyLevelSchema,
    previousLevel: AutonomyLevelSchema.nullable(),
    baselineLevel: AutonomyLevelSchema.nullable(),
    spokeMaturity: spokeRecord(MaturitySchema),
    milestones: z.record(MilestoneIdSchema, MilestoneStatusSchema),
  }),
});

export const MilestoneClaimedV1 = defineEvent({
  type: 'autonomy.milestone.claimed',
  version: 1,
  topic,
  aggregate,
  producer,
  description:
    'Someone recorded evidence that a milestone was reached; it counts only once a second person verifies it.',
  payload: z.strictObject({
    milestoneId: MilestoneIdSchema,
    reviewId: IdSchema,
    claimedBy: IdSchema,
  }),
});

export const MilestoneVerifiedV1 = defineEvent({
  type: 'autonomy.milestone.verified',
  version: 1,
  topic,
  aggregate,
  producer,
  description: 'A second person (never the claimant) verified a claimed milestone.',
  payload: z
    .strictObject({
      milestoneId: MilestoneIdSchema,
      reviewId: IdSchema,
      claimedBy: IdSchema,
      verifiedBy: IdSchema,
      verifiedAt: IsoDateTimeSchema,
    })
    .refine((p) => p.claimedBy !== p.verifiedBy, {
      path: ['verifiedBy'],
      message: 'must not be the person who claimed the milestone',
    }),
});

/** Every autonomy-context event definition. */
export const autonomyEvents = [
  AutonomyReviewRecordedV1,
  MilestoneClaimedV1,
  MilestoneVerifiedV1,
] as const;
