import {
  IdSchema,
  RatingSchema,
  ThreatSourceActorTypeSchema,
  ThreatTypeSchema,
  uniqueList,
  VulnerabilityCategorySchema,
  type ThreatSourceActorType,
  type ThreatType,
  type VulnerabilityCategory,
} from '@trellis/contracts';
import { encryptedFieldSubschema, type EncryptedField } from '@trellis/platform-crypto';
import { versionedSchemaOptions } from '@trellis/platform-mongo';
import { outboxPlugin, type WithOutbox } from '@trellis/platform-outbox';
import { THREAT_STEPS, type ThreatRiskResult, type ThreatStep } from '@trellis/risk-domain';
import { Schema } from 'mongoose';
import { z } from 'zod';
import { NarrativeSchema, RecordOwnerShape, VersionSchema } from '../common/http';

// ---------------------------------------------------------------------------------------------
// Stored documents

/** Model name of threats (collection `threats`). */
export const THREAT_MODEL = 'Threat';

/** Encryption contexts of threat narratives (bound into the ciphertext). */
export const THREAT_FIELD_CONTEXT = {
  step: (step: ThreatStep) => `threat.step.${step}`,
  vulnerability: 'threat.vulnerability.description',
  capacity: 'threat.capacity.description',
} as const;

/** One recorded step: its narrative (encrypted) and the step's structured answer. */
export interface StoredStep {
  narrative: EncryptedField;
  /** pattern: whether the threats form a pattern over time. */
  isPattern?: boolean;
  /** pattern: earlier incidents of the organisation given as evidence. */
  incidentIds?: string[];
  /** author: who is behind the threat, by type of actor. */
  sourceActorType?: ThreatSourceActorType;
  /** conclusion: whether the threat can be carried out. */
  canBeCarriedOut?: boolean;
  recordedAt: Date;
  recordedBy: string;
}

/** A vulnerability or capacity of a threat; the description is encrypted. */
export interface StoredFactor {
  id: string;
  category: VulnerabilityCategory;
  description: EncryptedField;
  rating: number;
}

/**
 * A threat and its New Protection Manual five-step assessment, with its own vulnerabilities
 * and capacities. Every narrative is encrypted with the organisation's key.
 */
export interface ThreatDocument extends WithOutbox {
  _id: string;
  engagementId: string;
  organisationId: string;
  unitId: string;
  threatType: ThreatType;
  likelihood: number;
  impact: number;
  steps: Partial<Record<ThreatStep, StoredStep>>;
  vulnerabilities: StoredFactor[];
  capacities: StoredFactor[];
  __v: number;
  createdAt: Date;
  updatedAt: Date;
}

function stepSchema() {
  return new Schema<StoredStep>(
    {
      narrative: { type: encryptedFieldSubschema(), required: true },
      isPattern: { type: Boolean },
      incidentIds: { type: [String], default: undefined },
      sourceActorType: { type: String },
      canBeCarriedOut: { type: Boolean },
      recordedAt: { type: Date, required: true },
      recordedBy: { type: String, required: true },
    },
    { _id: false },
  );
}

function factorSchema() {
  return new Schema<StoredFactor>(
    {
      id: { type: String, required: true },
      category: { type: String, required: true },
      description: { type: encryptedFieldSubschema(), required: true },
      rating: { type: Number, required: true, min: 1, max: 5 },
    },
    { _id: false },
  );
}

/** Mongoose schema of {@link ThreatDocument}. */
export const threatSchema = new Schema<ThreatDocument>(
  {
    _id: { type: String, required: true },
    engagementId: { type: String, required: true, index: true },
    organisationId: { type: String, required: true, index: true },
    unitId: { type: String, required: true, index: true },
    threatType: { type: String, required: true },
    likelihood: { type: Number, required: true, min: 1, max: 5 },
    impact: { type: Number, required: true, min: 1, max: 5 },
    steps: {
      type: new Schema(Object.fromEntries(THREAT_STEPS.map((s) => [s, { type: stepSchema() }])), {
        _id: false,
      }),
      default: {},
    },
    vulnerabilities: { type: [factorSchema()], default: [] },
    capacities: { type: [factorSchema()], default: [] },
  },
  versionedSchemaOptions,
);
threatSchema.plugin(outboxPlugin);

// ---------------------------------------------------------------------------------------------
// HTTP contracts

/** `POST /threats`: a threat of a known engagement, optionally with its facts (step 1). */
export const CreateThreatSchema = z.strictObject({
  ...RecordOwnerShape,
  threatType: ThreatTypeSchema,
  likelihood: RatingSchema,
  impact: RatingSchema,
  facts: NarrativeSchema.optional(),
});
export type CreateThreat = z.infer<typeof CreateThreatSchema>;

/** The body of `PUT /threats/:threatId/steps/:step`, per step. */
export const STEP_BODY_SCHEMAS = {
  facts: z.strictObject({ version: VersionSchema, narrative: NarrativeSchema }),
  pattern: z.strictObject({
    version: VersionSchema,
    narrative: NarrativeSchema,
    isPattern: z.boolean(),
    incidentIds: uniqueList(IdSchema).max(100).default([]),
  }),
  objective: z.strictObject({ version: VersionSchema, narrative: NarrativeSchema }),
  author: z.strictObject({
    version: VersionSchema,
    narrative: NarrativeSchema,
    sourceActorType: ThreatSourceActorTypeSchema,
  }),
  conclusion: z.strictObject({
    version: VersionSchema,
    narrative: NarrativeSchema,
    canBeCarriedOut: z.boolean(),
  }),
} as const satisfies Record<ThreatStep, z.ZodType>;

/** Any step body (after validation with its step's schema). */
export type RecordStep = z.infer<(typeof STEP_BODY_SCHEMAS)[ThreatStep]>;

/** Path parameter `step`. */
export const ThreatStepSchema = z.enum(THREAT_STEPS);

/** `PUT /threats/:threatId/rating`. */
export const RateThreatSchema = z.strictObject({
  version: VersionSchema,
  likelihood: RatingSchema,
  impact: RatingSchema,
});
export type RateThreat = z.infer<typeof RateThreatSchema>;

/** `POST /threats/:threatId/vulnerabilities` and `.../capacities`. */
export const AddFactorSchema = z.strictObject({
  version: VersionSchema,
  category: VulnerabilityCategorySchema,
  description: NarrativeSchema,
  rating: RatingSchema,
});
export type AddFactor = z.infer<typeof AddFactorSchema>;

/** Path parameter `kind` of a factor: `vulnerabilities` or `capacities`. */
export const FactorKindSchema = z.enum(['vulnerabilities', 'capacities']);

/** A recorded step as the API returns it (decrypted). */
export interface StepView {
  narrative: string;
  isPattern?: boolean;
  incidentIds?: string[];
  sourceActorType?: ThreatSourceActorType;
  canBeCarriedOut?: boolean;
  recordedAt: string;
  recordedBy: string;
}

/** A vulnerability or capacity as the API returns it. */
export interface FactorView {
  id: string;
  category: VulnerabilityCategory;
  description: string;
  rating: number;
}

/** A threat as the API returns it, with its current risk. */
export interface ThreatView {
  id: string;
  engagementId: string;
  organisationId: string;
  unitId: string;
  threatType: ThreatType;
  likelihood: number;
  impact: number;
  steps: Partial<Record<ThreatStep, StepView>>;
  nextStep?: ThreatStep;
  concluded: boolean;
  vulnerabilities: FactorView[];
  capacities: FactorView[];
  risk: ThreatRiskResult;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Path parameter ids. */
export const ThreatIdParamSchema = IdSchema;
