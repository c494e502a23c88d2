import {
  AGREEMENT_SECTIONS,
  AgreementInterventionSchema,
  AgreementTermsSchema,
  IdSchema,
  SignatoryPartySchema,
  type AgreementTerms,
} from '@trellis/contracts';
import {
  AGREEMENT_STATUSES,
  diffTerms,
  type AgreementVersionState,
} from '@trellis/engagement-domain';
import type { EncryptedField } from '@trellis/platform-crypto';
import { versionedSchemaOptions } from '@trellis/platform-mongo';
import { outboxPlugin, type WithOutbox } from '@trellis/platform-outbox';
import { Schema } from 'mongoose';
import { z } from 'zod';

/** A section of the terms (as in `engagement.agreement.amended`). */
export type AgreementSection = (typeof AGREEMENT_SECTIONS)[number];

// ---------------------------------------------------------------------------------------------
// Stored documents

/** Model name of agreements (collection `agreements`). */
export const AGREEMENT_MODEL = 'Agreement';

/** Encryption context of the interventions' rationales (bound into the ciphertext). */
export const AGREEMENT_FIELD_CONTEXT = { rationales: 'agreement.rationales' } as const;

/**
 * One version of the agreement: the domain state (`@trellis/engagement-domain`) plus the
 * interventions' free-text rationales (`{ [interventionId]: text }` as JSON, encrypted with the
 * organisation's data key; never in events) and who drafted it.
 */
export interface StoredAgreementVersion extends AgreementVersionState<AgreementTerms> {
  rationales?: EncryptedField;
  createdAt: string;
  createdBy: string;
}

/**
 * The agreement of one engagement (`_id` = the engagement id) with ALL its versions, so that
 * every transition — including "activating v2 supersedes v1" — and its outbox events are one
 * single-document update at the expected `__v` (FerretDB has no multi-document transactions).
 */
export interface AgreementDocument extends WithOutbox {
  _id: string;
  agreementId: string;
  organisationId: string;
  unitId: string;
  versions: StoredAgreementVersion[];
  /** The version in force, if any. */
  activeVersion?: number;
  __v: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Mongoose schema of {@link AgreementDocument}. Versions are written whole, never patched. */
export const agreementSchema = new Schema<AgreementDocument>(
  {
    _id: { type: String, required: true },
    agreementId: { type: String, required: true },
    organisationId: { type: String, required: true, index: true },
    unitId: { type: String, required: true, index: true },
    versions: { type: Schema.Types.Mixed, required: true },
    activeVersion: { type: Number },
  },
  versionedSchemaOptions,
);
agreementSchema.plugin(outboxPlugin);

// ---------------------------------------------------------------------------------------------
// HTTP contracts

/** Free text explaining why an intervention was chosen (encrypted at rest, never in events). */
export const RationaleSchema = z.string().trim().min(1).max(4000);

/** An intervention as clients send and read it: the contract's fields plus `rationale`. */
export const InterventionInputSchema = AgreementInterventionSchema.extend({
  rationale: RationaleSchema.optional(),
});

/** The terms as clients send and read them (`AgreementTermsSchema` with rationales). */
export const TermsInputSchema = AgreementTermsSchema.safeExtend({
  interventions: z.array(InterventionInputSchema).min(1),
});
export type TermsInput = z.infer<typeof TermsInputSchema>;

/** `POST /engagements/:id/agreements` and `PUT .../versions/:version`. */
export const AgreementTermsBodySchema = z.strictObject({ terms: TermsInputSchema });
export type AgreementTermsBody = z.infer<typeof AgreementTermsBodySchema>;

/** `POST .../versions/:version/amendments`: optionally the new terms (else the active ones). */
export const AmendAgreementBodySchema = z.strictObject({ terms: TermsInputSchema.optional() });
export type AmendAgreementBody = z.infer<typeof AmendAgreementBodySchema>;

/** Path parameter `version`. */
export const AgreementVersionParamSchema = z.coerce.number().int().min(1).max(100_000);

/** `GET .../agreements/diff?from=1&to=2`. */
export const AgreementDiffQuerySchema = z.strictObject({
  from: AgreementVersionParamSchema,
  to: AgreementVersionParamSchema,
});
export type AgreementDiffQuery = z.infer<typeof AgreementDiffQuerySchema>;

/** Splits the rationales (kept in this service, encrypted) from the contract's terms. */
export function splitRationales(input: TermsInput): {
  terms: AgreementTerms;
  rationales: Record<string, string>;
} {
  const rationales: Record<string, string> = {};
  const interventions = input.interventions.map(({ rationale, ...intervention }) => {
    if (rationale !== undefined) rationales[intervention.interventionId] = rationale;
    return intervention;
  });
  return { terms: { ...input, interventions }, rationales };
}

/** The terms with each intervention's rationale put back (for readers). */
export function joinRationales(
  terms: AgreementTerms,
  rationales: Readonly<Record<string, string>>,
): TermsInput {
  return {
    ...terms,
    interventions: terms.interventions.map((i) =>
      rationales[i.interventionId] === undefined
        ? i
        : { ...i, rationale: rationales[i.interventionId] },
    ),
  };
}

/** The section of the terms each top-level field belongs to. */
const SECTION_OF: Readonly<Record<keyof AgreementTerms, AgreementSection>> = {
  programManagerId: 'assignees',
  leadOfficerId: 'assignees',
  interventions: 'interventions',
  trainingPlan: 'training-plan',
  riskAssessmentDueAt: 'deadlines',
  securityPlanDueAt: 'deadlines',
  coachingCadence: 'cadences',
  coachingCadenceBounds: 'cadences',
  autonomyReviewCadence: 'cadences',
  reminderLeadTime: 'cadences',
  escalationGracePeriod: 'cadences',
  reassessmentAfterSeriousIncident: 'cadences',
  postClosureCheckInAfter: 'cadences',
  plannedDuration: 'planned-duration',
  autonomyGoals: 'autonomy-goals',
};

/** The sections in which two versions' terms differ (in `AGREEMENT_SECTIONS` order). */
export function changedSections(before: AgreementTerms, after: AgreementTerms): AgreementSection[] {
  const touched = new Set(
    diffTerms(before, after).map(
      (c) => SECTION_OF[c.path.split(/[.[]/)[0] as keyof AgreementTerms],
    ),
  );
  return AGREEMENT_SECTIONS.filter((s) => touched.has(s));
}

const SignatureViewSchema = z.object({
  party: SignatoryPartySchema,
  signerId: IdSchema,
  signedAt: z.string(),
});

/** One version as listed: status and signatures, no terms. */
export const AgreementVersionSummarySchema = z.object({
  version: z.int(),
  status: z.enum(AGREEMENT_STATUSES),
  signatures: z.array(SignatureViewSchema),
  amendsVersion: z.int().optional(),
  proposedAt: z.string().optional(),
  activatedAt: z.string().optional(),
  supersededAt: z.string().optional(),
  createdAt: z.string(),
  createdBy: IdSchema,
});
export type AgreementVersionSummary = z.infer<typeof AgreementVersionSummarySchema>;

/** One version with its terms (rationales decrypted). */
export const AgreementVersionViewSchema = AgreementVersionSummarySchema.extend({
  agreementId: IdSchema,
  engagementId: IdSchema,
  terms: TermsInputSchema,
});
export type AgreementVersionView = z.infer<typeof AgreementVersionViewSchema>;

/** The agreement of an engagement: its versions, newest last. */
export const AgreementViewSchema = z.object({
  agreementId: IdSchema,
  engagementId: IdSchema,
  organisationId: IdSchema,
  unitId: IdSchema,
  activeVersion: z.int().optional(),
  latestVersion: z.int(),
  versions: z.array(AgreementVersionSummarySchema),
  revision: z.int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AgreementView = z.infer<typeof AgreementViewSchema>;

/** `GET .../agreements/diff`: field-level changes of the terms (rationales included). */
export const AgreementDiffViewSchema = z.object({
  from: z.int(),
  to: z.int(),
  changedSections: z.array(z.enum(AGREEMENT_SECTIONS)),
  changes: z.array(
    z.object({ path: z.string(), before: z.unknown().optional(), after: z.unknown().optional() }),
  ),
});
export type AgreementDiffView = z.infer<typeof AgreementDiffViewSchema>;

/**
 * `next` (computed by `@trellis/engagement-domain` from `from`) with the stored-only fields of
 * `from` carried over.
 */
export function carryOver(
  next: AgreementVersionState<AgreementTerms>,
  from: StoredAgreementVersion,
): StoredAgreementVersion {
  return {
    ...next,
    ...(from.rationales ? { rationales: from.rationales } : {}),
    createdAt: from.createdAt,
    createdBy: from.createdBy,
  };
}

/** The summary of a stored version. */
export function toVersionSummary(v: StoredAgreementVersion): AgreementVersionSummary {
  return {
    version: v.version,
    status: v.status,
    signatures: v.signatures.map((s) => ({ ...s })),
    ...(v.amendsVersion !== undefined ? { amendsVersion: v.amendsVersion } : {}),
    ...(v.proposedAt ? { proposedAt: v.proposedAt } : {}),
    ...(v.activatedAt ? { activatedAt: v.activatedAt } : {}),
    ...(v.supersededAt ? { supersededAt: v.supersededAt } : {}),
    createdAt: v.createdAt,
    createdBy: v.createdBy,
  };
}

/** The API view of a stored agreement (version summaries). */
export function toAgreementView(doc: AgreementDocument): AgreementView {
  return {
    agreementId: doc.agreementId,
    engagementId: doc._id,
    organisationId: doc.organisationId,
    unitId: doc.unitId,
    ...(doc.activeVersion !== undefined ? { activeVersion: doc.activeVersion } : {}),
    latestVersion: Math.max(0, ...doc.versions.map((v) => v.version)),
    versions: doc.versions.map(toVersionSummary),
    revision: doc.__v,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}
