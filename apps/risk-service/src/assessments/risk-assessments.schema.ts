import {
  IdSchema,
  RiskAssessmentTriggerSchema,
  uniqueList,
  type RiskLevel,
  type ThreatSourceActorType,
  type ThreatType,
  type VulnerabilityCategory,
} from '@trellis/contracts';
import { versionedSchemaOptions } from '@trellis/platform-mongo';
import { outboxPlugin, type WithOutbox } from '@trellis/platform-outbox';
import type { RiskMatrixCell, ThreatRiskChange, ThreatSuggestions } from '@trellis/risk-domain';
import { Schema } from 'mongoose';
import { z } from 'zod';

/** Model name of risk assessments (collection `risk_assessments`). */
export const RISK_ASSESSMENT_MODEL = 'RiskAssessment';

/** A rated factor in a snapshot: category and rating only (descriptions stay on the threat). */
export interface SnapshotFactor {
  id: string;
  category: VulnerabilityCategory;
  rating: number;
}

/**
 * One threat as it stood when the assessment was made, with its computed risk. Numbers and
 * controlled values only: the narratives stay (encrypted) on the threat.
 */
export interface ThreatSnapshot {
  threatId: string;
  threatType: ThreatType;
  sourceActorType: ThreatSourceActorType;
  canBeCarriedOut: boolean;
  likelihood: number;
  impact: number;
  vulnerabilities: SnapshotFactor[];
  capacities: SnapshotFactor[];
  threatFactor: number;
  vulnerability: number;
  capacity: number;
  score: number;
  level: RiskLevel;
  vulnerabilitiesMissing: boolean;
  capacitiesMissing: boolean;
}

/** A dated risk assessment: a snapshot of the engagement's threats and their risk. */
export interface RiskAssessmentDocument extends WithOutbox {
  _id: string;
  engagementId: string;
  organisationId: string;
  unitId: string;
  assessedAt: Date;
  trigger: z.infer<typeof RiskAssessmentTriggerSchema>;
  triggeringIncidentIds: string[];
  previousRiskAssessmentId?: string;
  threats: ThreatSnapshot[];
  overallScore: number;
  overallLevel: RiskLevel;
  assessedBy: string;
  __v: number;
  createdAt: Date;
  updatedAt: Date;
}

const factorSnapshotSchema = new Schema<SnapshotFactor>(
  {
    id: { type: String, required: true },
    category: { type: String, required: true },
    rating: { type: Number, required: true },
  },
  { _id: false },
);

const threatSnapshotSchema = new Schema<ThreatSnapshot>(
  {
    threatId: { type: String, required: true },
    threatType: { type: String, required: true },
    sourceActorType: { type: String, required: true },
    canBeCarriedOut: { type: Boolean, required: true },
    likelihood: { type: Number, required: true },
    impact: { type: Number, required: true },
    vulnerabilities: { type: [factorSnapshotSchema], default: [] },
    capacities: { type: [factorSnapshotSchema], default: [] },
    threatFactor: { type: Number, required: true },
    vulnerability: { type: Number, required: true },
    capacity: { type: Number, required: true },
    score: { type: Number, required: true },
    level: { type: String, required: true },
    vulnerabilitiesMissing: { type: Boolean, required: true },
    capacitiesMissing: { type: Boolean, required: true },
  },
  { _id: false },
);

/** Mongoose schema of {@link RiskAssessmentDocument}. */
export const riskAssessmentSchema = new Schema<RiskAssessmentDocument>(
  {
    _id: { type: String, required: true },
    engagementId: { type: String, required: true, index: true },
    organisationId: { type: String, required: true, index: true },
    unitId: { type: String, required: true, index: true },
    assessedAt: { type: Date, required: true },
    trigger: { type: String, required: true },
    triggeringIncidentIds: { type: [String], default: [] },
    previousRiskAssessmentId: { type: String },
    threats: { type: [threatSnapshotSchema], default: [] },
    overallScore: { type: Number, required: true },
    overallLevel: { type: String, required: true },
    assessedBy: { type: String, required: true },
  },
  versionedSchemaOptions,
);
riskAssessmentSchema.plugin(outboxPlugin);

/**
 * `POST /risk-assessments`: snapshots the engagement's concluded threats (all of them, or the
 * ones named). `after-incident` names the incidents it answers.
 */
export const CreateRiskAssessmentSchema = z
  .strictObject({
    engagementId: IdSchema,
    trigger: RiskAssessmentTriggerSchema,
    triggeringIncidentIds: uniqueList(IdSchema).max(100).default([]),
    threatIds: uniqueList(IdSchema).min(1).max(200).optional(),
  })
  .superRefine((body, ctx) => {
    if (body.trigger === 'after-incident' && body.triggeringIncidentIds.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['triggeringIncidentIds'],
        message: 'must name at least one incident when trigger is after-incident',
      });
    }
  });
export type CreateRiskAssessment = z.infer<typeof CreateRiskAssessmentSchema>;

/** A risk assessment as the API returns it: snapshot, matrix and change since the previous. */
export interface RiskAssessmentView {
  id: string;
  engagementId: string;
  organisationId: string;
  unitId: string;
  assessedAt: string;
  trigger: RiskAssessmentDocument['trigger'];
  triggeringIncidentIds: string[];
  previousRiskAssessmentId?: string;
  threats: ThreatSnapshot[];
  overallScore: number;
  overallLevel: RiskLevel;
  /** Likelihood (rows, 5 first) × impact (columns, 1 first). */
  matrix: RiskMatrixCell[][];
  /** Per threat, how its risk moved since the previous assessment (absent for the first). */
  changes?: ThreatRiskChange[];
  assessedBy: string;
}

/** `GET /risk-assessments/:id/suggestions`. */
export interface SuggestionsView {
  riskAssessmentId: string;
  threats: ThreatSuggestions[];
}

/** Path parameter `riskAssessmentId`. */
export const RiskAssessmentIdParamSchema = IdSchema;
