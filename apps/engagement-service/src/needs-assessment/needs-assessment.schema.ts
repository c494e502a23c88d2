import {
  CatalogueRefSchema,
  FocusAreaSchema,
  IdSchema,
  MaturityMeanSchema,
  MaturitySchema,
  SECURITY_WHEEL_SPOKES,
  SettingSchema,
  SpokeIdSchema,
  spokeRecord,
  THREAT_TYPES,
  ThreatTypeSchema,
  TrainingLevelSchema,
  uniqueList,
  type FocusArea,
  type Setting,
  type SpokeId,
  type ThreatType,
  type TrainingLevel,
} from '@trellis/contracts';
import type { NeedsAssessmentInput, NeedsAssessmentResult } from '@trellis/engagement-domain';
import { versionedSchemaOptions } from '@trellis/platform-mongo';
import { outboxPlugin, type WithOutbox } from '@trellis/platform-outbox';
import { Schema } from 'mongoose';
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Stored documents

/** Model name of needs assessments (collection `needs_assessments`). */
export const NEEDS_ASSESSMENT_MODEL = 'NeedsAssessment';

/** The capacity questions of the baseline. */
export type Capacities = NeedsAssessmentInput['capacities'];

/**
 * The baseline needs assessment of one engagement (`_id` = the engagement id, so there is at
 * most one). Spoke scores are the means over the participants (their individual scores are not
 * kept); the organisation profile is the one read from the stored organisation at recording
 * time; `result` is what `assessNeeds` suggested then (kept, so later catalogue changes do not
 * rewrite the advice given).
 */
export interface NeedsAssessmentDocument extends WithOutbox {
  _id: string;
  needsAssessmentId: string;
  organisationId: string;
  unitId: string;
  spokeScores: Record<SpokeId, number>;
  participantCount?: number;
  capacities: Capacities;
  threatTypes: ThreatType[];
  profile: { focusAreas: FocusArea[]; setting: Setting };
  result: NeedsAssessmentResult;
  recordedBy: string;
  __v: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Mongoose schema of {@link NeedsAssessmentDocument}. */
export const needsAssessmentSchema = new Schema<NeedsAssessmentDocument>(
  {
    _id: { type: String, required: true },
    needsAssessmentId: { type: String, required: true },
    organisationId: { type: String, required: true, index: true },
    unitId: { type: String, required: true, index: true },
    spokeScores: { type: Schema.Types.Mixed, required: true },
    participantCount: { type: Number },
    capacities: { type: Schema.Types.Mixed, required: true },
    threatTypes: { type: [String], default: [] },
    profile: { type: Schema.Types.Mixed, required: true },
    result: { type: Schema.Types.Mixed, required: true },
    recordedBy: { type: String, required: true },
  },
  versionedSchemaOptions,
);
needsAssessmentSchema.plugin(outboxPlugin);

// ---------------------------------------------------------------------------------------------
// HTTP contracts

/** One participant's self-assessment: an integer 0–4 for every spoke (anonymous). */
export const ParticipantScoresSchema = spokeRecord(MaturitySchema);

/** The capacity questions (see `NeedsAssessmentInput` of `@trellis/engagement-domain`). */
export const CapacitiesSchema = z.strictObject({
  focalPointDesignated: z.boolean(),
  riskAssessmentDone: z.boolean(),
  securityPlanExists: z.boolean(),
  incidentsRecorded: z.boolean(),
  previousTraining: z.enum(['none', 'basic', 'intermediate', 'advanced']),
});

/**
 * `POST /engagements/:engagementId/needs-assessment`: the security-wheel self-assessment,
 * either per participant (`participantScores`, averaged here) or already averaged
 * (`spokeScores`, 0–4 per spoke) — exactly one of the two; the capacity questions and the
 * current threat types. The organisation's focus areas and setting come from its stored profile.
 */
export const RecordNeedsAssessmentSchema = z
  .strictObject({
    participantScores: z.array(ParticipantScoresSchema).min(1).max(500).optional(),
    spokeScores: spokeRecord(MaturityMeanSchema).optional(),
    capacities: CapacitiesSchema,
    threatTypes: uniqueList(ThreatTypeSchema).max(THREAT_TYPES.length),
  })
  .superRefine((body, ctx) => {
    if ((body.participantScores === undefined) === (body.spokeScores === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['spokeScores'],
        message: 'give either participantScores or spokeScores (exactly one)',
      });
    }
  });
export type RecordNeedsAssessment = z.infer<typeof RecordNeedsAssessmentSchema>;

/**
 * The mean score of every spoke over the participants, rounded to two decimals (what the
 * assessment and its event carry).
 */
export function meanSpokeScores(participants: readonly Record<SpokeId, number>[]) {
  if (participants.length === 0) throw new RangeError('at least one participant is needed');
  const means = {} as Record<SpokeId, number>;
  for (const spoke of SECURITY_WHEEL_SPOKES) {
    const sum = participants.reduce((total, p) => total + p[spoke], 0);
    means[spoke] = Math.round((sum / participants.length) * 100) / 100;
  }
  return means;
}

const SuggestionSchema = z.object({
  catalogueId: CatalogueRefSchema,
  kind: z.enum(['method', 'measure', 'topic', 'training-module']),
  level: TrainingLevelSchema,
  score: z.number(),
  reasons: z.array(z.string()),
});

/** A needs assessment as the API returns it. */
export const NeedsAssessmentViewSchema = z.object({
  id: IdSchema,
  engagementId: IdSchema,
  organisationId: IdSchema,
  unitId: IdSchema,
  spokeScores: spokeRecord(MaturityMeanSchema),
  participantCount: z.int().optional(),
  capacities: CapacitiesSchema,
  threatTypes: z.array(ThreatTypeSchema),
  profile: z.object({ focusAreas: z.array(FocusAreaSchema), setting: SettingSchema }),
  overallMaturity: MaturityMeanSchema,
  weakSpokes: z.array(SpokeIdSchema),
  suggestedLevel: TrainingLevelSchema,
  suggestedInterventions: z.array(SuggestionSchema),
  suggestedTrainingModules: z.array(SuggestionSchema),
  recordedBy: IdSchema,
  createdAt: z.string(),
});
export type NeedsAssessmentView = z.infer<typeof NeedsAssessmentViewSchema>;

/** The API view of a stored needs assessment. */
export function toNeedsAssessmentView(doc: NeedsAssessmentDocument): NeedsAssessmentView {
  return {
    id: doc.needsAssessmentId,
    engagementId: doc._id,
    organisationId: doc.organisationId,
    unitId: doc.unitId,
    spokeScores: doc.spokeScores,
    ...(doc.participantCount !== undefined ? { participantCount: doc.participantCount } : {}),
    capacities: doc.capacities,
    threatTypes: doc.threatTypes,
    profile: doc.profile,
    overallMaturity: doc.result.overallMaturity,
    weakSpokes: doc.result.weakSpokes,
    suggestedLevel: doc.result.suggestedLevel satisfies TrainingLevel,
    suggestedInterventions: doc.result.interventions,
    suggestedTrainingModules: doc.result.trainingModules,
    recordedBy: doc.recordedBy,
    createdAt: doc.createdAt.toISOString(),
  };
}
