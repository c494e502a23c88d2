import { z } from 'zod';
import { CountryCodeSchema, RegionCodeSchema, regionBelongsToCountry } from '../country-codes';
import {
  AutonomyLevelSchema,
  CatalogueRefSchema,
  FocusAreaSchema,
  IdSchema,
  InterventionKindSchema,
  IsoDateSchema,
  IsoDateTimeSchema,
  MaturityMeanSchema,
  MilestoneIdSchema,
  OrganisationSizeSchema,
  PhaseChangeReasonSchema,
  PhaseSchema,
  PrioritySchema,
  SettingSchema,
  SignatoryPartySchema,
  TrainingLevelSchema,
  TRU_UNIT_ID,
  UnitIdSchema,
  CountSchema,
  spokeRecord,
  uniqueList,
} from '../domain-values';
import { parseIsoDuration } from '../durations';
import { PositiveIsoDurationSchema } from '../durations.schema';
import { defineEvent } from '../event-definition';
import { TOPICS } from '../topics';

/*
 * Engagement context (engagement-service): desks, organisations, engagements, needs
 * assessments, agreements, routing. Names and contacts of organisations, intervention
 * rationales and every other text stay encrypted in the engagement service; these payloads
 * carry ids, codes, enums, numbers and dates only (see the privacy rule in event-definition.ts).
 */

const topic = TOPICS.engagement;
const producer = 'engagement-service';

// ---------------------------------------------------------------------------------------------
// Shared shapes

/** Where an engagement is routed: the desk covering the organisation's country, or the TRU. */
export const RoutedToSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('desk'), deskId: IdSchema }),
  z.strictObject({ kind: z.literal('tru') }),
]);
export type RoutedTo = z.infer<typeof RoutedToSchema>;

/** The unit id an engagement routed to `routedTo` belongs to (the desk id, or `tru`). */
export function unitIdOf(routedTo: RoutedTo): string {
  return routedTo.kind === 'desk' ? routedTo.deskId : TRU_UNIT_ID;
}

/** Countries of a desk: assigned ISO codes, no duplicates. */
const CountryListSchema = uniqueList(CountryCodeSchema);

/** The organisation's non-sensitive profile: what reports may filter on. No name, no contacts. */
const organisationProfile = {
  organisationId: IdSchema,
  country: CountryCodeSchema,
  /** ISO 3166-2 subdivision code within `country`, when known. */
  region: RegionCodeSchema.optional(),
  setting: SettingSchema,
  focusAreas: uniqueList(FocusAreaSchema),
  size: OrganisationSizeSchema,
};

function regionInCountry(
  value: { country: string; region?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (value.region !== undefined && !regionBelongsToCountry(value.region, value.country)) {
    ctx.addIssue({ code: 'custom', path: ['region'], message: 'must be a region of country' });
  }
}

const OrganisationProfileSchema = z.strictObject(organisationProfile).superRefine(regionInCountry);

/** One intervention of an agreement (its rationale is text and stays in the service). */
export const AgreementInterventionSchema = z.strictObject({
  interventionId: IdSchema,
  kind: InterventionKindSchema,
  catalogueRef: CatalogueRefSchema,
  priority: PrioritySchema,
  targetDate: IsoDateSchema,
});
export type AgreementIntervention = z.infer<typeof AgreementInterventionSchema>;

/**
 * One planned training session: modules, level and the instant it is due by (absolute, so
 * the orchestrator opens a `training-session` obligation for it).
 */
export const TrainingPlanItemSchema = z.strictObject({
  planItemId: IdSchema,
  moduleIds: uniqueList(CatalogueRefSchema).min(1),
  level: TrainingLevelSchema,
  dueAt: IsoDateTimeSchema,
});
export type TrainingPlanItem = z.infer<typeof TrainingPlanItemSchema>;

/** Planned training items, each planItemId once. */
export const TrainingPlanItemsSchema = z
  .array(TrainingPlanItemSchema)
  .refine(
    (items) => new Set(items.map((i) => i.planItemId)).size === items.length,
    'planItemId must be unique',
  );

/**
 * What graduation means for this engagement: the autonomy level to reach (in two consecutive
 * reviews), the milestones expected, and the knowledge-transfer target (verified cascades and
 * people reached) that closes the knowledge-transfer phase.
 */
export const AutonomyGoalsSchema = z.strictObject({
  targetLevel: AutonomyLevelSchema,
  milestoneIds: uniqueList(MilestoneIdSchema),
  cascadeTarget: z.strictObject({
    verifiedCascades: CountSchema,
    reach: CountSchema,
  }),
});
export type AutonomyGoals = z.infer<typeof AutonomyGoalsSchema>;

/** Bounds within which the orchestrator may adapt the coaching cadence. */
export const CadenceBoundsSchema = z.strictObject({
  shortest: PositiveIsoDurationSchema,
  longest: PositiveIsoDurationSchema,
});

/**
 * The agreement terms the orchestrator runs an engagement by (carried by
 * `engagement.agreement.activated` and `engagement.agreement.amended`, and by the
 * `agreementActivated.v1` / `agreementAmended.v1` signals).
 *
 * One-off deadlines are absolute instants (`dueAt`, `…DueAt`); everything recurring or
 * relative is an ISO-8601 duration (`parseIsoDuration`: 1M = 30 days, 1Y = 365 days):
 * - `coachingCadence`: interval between follow-ups, adapted within `coachingCadenceBounds`;
 * - `autonomyReviewCadence`: interval between autonomy reviews;
 * - `reminderLeadTime`: how long before a due date the assignee gets the `lead` reminder;
 * - `escalationGracePeriod`: how long after a due date an open obligation is escalated to the
 *   program manager;
 * - `reassessmentAfterSeriousIncident`: a serious incident demands a risk re-assessment within
 *   this time;
 * - `plannedDuration`: planned length of the engagement from activation;
 * - `postClosureCheckInAfter`: the check-in after graduation comes this long after closing.
 */
export const AgreementTermsSchema = z
  .strictObject({
    programManagerId: IdSchema,
    leadOfficerId: IdSchema,
    interventions: z.array(AgreementInterventionSchema).min(1),
    trainingPlan: z.strictObject({ items: TrainingPlanItemsSchema }),
    riskAssessmentDueAt: IsoDateTimeSchema,
    securityPlanDueAt: IsoDateTimeSchema,
    coachingCadence: PositiveIsoDurationSchema,
    coachingCadenceBounds: CadenceBoundsSchema,
    autonomyReviewCadence: PositiveIsoDurationSchema,
    reminderLeadTime: PositiveIsoDurationSchema,
    escalationGracePeriod: PositiveIsoDurationSchema,
    reassessmentAfterSeriousIncident: PositiveIsoDurationSchema,
    plannedDuration: PositiveIsoDurationSchema,
    postClosureCheckInAfter: PositiveIsoDurationSchema,
    autonomyGoals: AutonomyGoalsSchema,
  })
  .superRefine((terms, ctx) => {
    const ids = terms.interventions.map((i) => i.interventionId);
    if (new Set(ids).size !== ids.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['interventions'],
        message: 'interventionId must be unique',
      });
    }
    try {
      const cadence = parseIsoDuration(terms.coachingCadence);
      const { shortest, longest } = terms.coachingCadenceBounds;
      if (parseIsoDuration(shortest) > cadence || cadence > parseIsoDuration(longest)) {
        ctx.addIssue({
          code: 'custom',
          path: ['coachingCadenceBounds'],
          message: 'must satisfy shortest ≤ coachingCadence ≤ longest',
        });
      }
    } catch {
      // Invalid durations are already reported by their own schemas.
    }
  });
export type AgreementTerms = z.infer<typeof AgreementTermsSchema>;

/** Sections of the terms an amendment may change. */
export const AGREEMENT_SECTIONS = [
  'interventions',
  'training-plan',
  'deadlines',
  'cadences',
  'autonomy-goals',
  'assignees',
  'planned-duration',
] as const;
export const AgreementSectionSchema = z.enum(AGREEMENT_SECTIONS);

/** Why an engagement was re-routed. */
export const REROUTE_REASONS = ['desk-coverage-changed', 'organisation-moved', 'manual'] as const;

// ---------------------------------------------------------------------------------------------
// Desks

export const DeskCreatedV1 = defineEvent({
  type: 'engagement.desk.created',
  version: 1,
  topic,
  aggregate: 'unitId',
  producer,
  links: { unitId: 'deskId' },
  description:
    'An admin created a Protection Desk covering these countries (its name is not in the event).',
  payload: z.strictObject({ deskId: IdSchema, countries: CountryListSchema }),
});

export const DeskUpdatedV1 = defineEvent({
  type: 'engagement.desk.updated',
  version: 1,
  topic,
  aggregate: 'unitId',
  producer,
  links: { unitId: 'deskId' },
  description:
    'The countries a desk covers changed. Existing engagements stay where they are unless re-routed explicitly.',
  payload: z.strictObject({
    deskId: IdSchema,
    countries: CountryListSchema,
    addedCountries: CountryListSchema,
    removedCountries: CountryListSchema,
  }),
});

// ---------------------------------------------------------------------------------------------
// Organisations

export const OrganisationRegisteredV1 = defineEvent({
  type: 'engagement.organisation.registered',
  version: 1,
  topic,
  aggregate: 'organisationId',
  producer,
  description:
    'A defender organisation was registered: ids, country, region, setting, focus areas and size band only (name and contacts stay encrypted).',
  payload: OrganisationProfileSchema,
});

export const OrganisationUpdatedV1 = defineEvent({
  type: 'engagement.organisation.updated',
  version: 1,
  topic,
  aggregate: 'organisationId',
  producer,
  description:
    'The organisation profile changed; the payload is the full new profile (also emitted, unchanged, when only encrypted fields changed).',
  payload: OrganisationProfileSchema,
});

export const OrganisationErasedV1 = defineEvent({
  type: 'engagement.organisation.erased',
  version: 1,
  topic,
  aggregate: 'organisationId',
  producer,
  description:
    "The engagement service destroyed the organisation's data key (crypto-shredding): its encrypted fields are unreadable everywhere, backups included.",
  payload: z.strictObject({
    organisationId: IdSchema,
    /** The identity-context erasure request this answers, when there was one. */
    erasureRequestId: IdSchema.optional(),
  }),
});

// ---------------------------------------------------------------------------------------------
// Engagements

export const EngagementCreatedV1 = defineEvent({
  type: 'engagement.engagement.created',
  version: 1,
  topic,
  aggregate: 'engagementId',
  producer,
  description:
    "A program manager opened an engagement with an organisation, routed to the desk covering its country or to the TRU. The orchestrator starts the engagement's workflow on it.",
  payload: z
    .strictObject({
      engagementId: IdSchema,
      organisationId: IdSchema,
      unitId: UnitIdSchema,
      routedTo: RoutedToSchema,
      country: CountryCodeSchema,
      region: RegionCodeSchema.optional(),
      setting: SettingSchema,
      focusAreas: uniqueList(FocusAreaSchema),
      programManagerId: IdSchema,
      /** Set when a lead officer is known at creation; otherwise see `lead-officer-assigned`. */
      leadOfficerId: IdSchema.optional(),
    })
    .superRefine((p, ctx) => {
      regionInCountry(p, ctx);
      if (p.unitId !== unitIdOf(p.routedTo)) {
        ctx.addIssue({
          code: 'custom',
          path: ['unitId'],
          message: 'must be the routed desk id, or tru',
        });
      }
    }),
});

export const EngagementReroutedV1 = defineEvent({
  type: 'engagement.engagement.rerouted',
  version: 1,
  topic,
  aggregate: 'engagementId',
  producer,
  links: { unitId: 'toUnitId' },
  description:
    "An engagement was explicitly moved to another unit. The envelope's unitId is the new unit.",
  payload: z
    .strictObject({
      fromUnitId: UnitIdSchema,
      toUnitId: UnitIdSchema,
      routedTo: RoutedToSchema,
      reason: z.enum(REROUTE_REASONS),
    })
    .superRefine((p, ctx) => {
      if (p.toUnitId !== unitIdOf(p.routedTo)) {
        ctx.addIssue({
          code: 'custom',
          path: ['toUnitId'],
          message: 'must be the routed desk id, or tru',
        });
      }
      if (p.fromUnitId === p.toUnitId) {
        ctx.addIssue({
          code: 'custom',
          path: ['toUnitId'],
          message: 'must differ from fromUnitId',
        });
      }
    }),
});

export const LeadOfficerAssignedV1 = defineEvent({
  type: 'engagement.engagement.lead-officer-assigned',
  version: 1,
  topic,
  aggregate: 'engagementId',
  producer,
  description:
    'A protection officer became the lead officer (the default assignee of obligations).',
  payload: z.strictObject({
    leadOfficerId: IdSchema,
    previousLeadOfficerId: IdSchema.optional(),
  }),
});

export const ProgramManagerAssignedV1 = defineEvent({
  type: 'engagement.engagement.program-manager-assigned',
  version: 1,
  topic,
  aggregate: 'engagementId',
  producer,
  description:
    'Another program manager took over the engagement (escalations go to them from now on).',
  payload: z.strictObject({
    programManagerId: IdSchema,
    previousProgramManagerId: IdSchema,
  }),
});

export const EngagementPhaseChangedV1 = defineEvent({
  type: 'engagement.engagement.phase-changed',
  version: 1,
  topic,
  aggregate: 'engagementId',
  producer,
  description:
    "The engagement moved to another phase. Set only by the orchestrator through the engagement service's internal endpoint.",
  payload: z
    .strictObject({ from: PhaseSchema, to: PhaseSchema, reason: PhaseChangeReasonSchema })
    .refine((p) => p.from !== p.to, { path: ['to'], message: 'must differ from from' }),
});

export const NeedsAssessmentRecordedV1 = defineEvent({
  type: 'engagement.needs-assessment.recorded',
  version: 1,
  topic,
  aggregate: 'engagementId',
  producer,
  description:
    'The baseline needs assessment was recorded: self-assessed maturity per security-wheel spoke (mean 0–4), the suggested training level and catalogue items.',
  payload: z.strictObject({
    needsAssessmentId: IdSchema,
    spokeScores: spokeRecord(MaturityMeanSchema),
    suggestedLevel: TrainingLevelSchema,
    suggestedCatalogueIds: uniqueList(CatalogueRefSchema),
  }),
});

// ---------------------------------------------------------------------------------------------
// Agreements

const agreementRef = {
  agreementId: IdSchema,
  /** Version of the agreement (1 = original, then one per amendment). */
  agreementVersion: z.int().min(1),
};

export const AgreementDraftedV1 = defineEvent({
  type: 'engagement.agreement.drafted',
  version: 1,
  topic,
  aggregate: 'engagementId',
  producer,
  description:
    'A version of the agreement was drafted: version 1, or an amendment based on the version in force.',
  payload: z
    .strictObject({ ...agreementRef, basedOnVersion: z.int().min(1).optional() })
    .refine((p) => p.basedOnVersion === undefined || p.basedOnVersion < p.agreementVersion, {
      path: ['basedOnVersion'],
      message: 'must be lower than agreementVersion',
    }),
});

export const AgreementRevisedV1 = defineEvent({
  type: 'engagement.agreement.revised',
  version: 1,
  topic,
  aggregate: 'engagementId',
  producer,
  description:
    "A draft agreement version's terms were edited before being proposed; lists the sections whose terms changed (empty when only the intervention rationales, kept in the service, changed).",
  payload: z.strictObject({ ...agreementRef, changedSections: uniqueList(AgreementSectionSchema) }),
});

export const AgreementWithdrawnV1 = defineEvent({
  type: 'engagement.agreement.withdrawn',
  version: 1,
  topic,
  aggregate: 'engagementId',
  producer,
  description:
    'A proposed agreement version was withdrawn before both parties signed: it is a draft again and its signatures are void.',
  payload: z.strictObject(agreementRef),
});

export const AgreementProposedV1 = defineEvent({
  type: 'engagement.agreement.proposed',
  version: 1,
  topic,
  aggregate: 'engagementId',
  producer,
  description: 'A drafted agreement version was proposed to both parties for signature.',
  payload: z.strictObject(agreementRef),
});

export const AgreementSignedV1 = defineEvent({
  type: 'engagement.agreement.signed',
  version: 1,
  topic,
  aggregate: 'engagementId',
  producer,
  description:
    'One party signed a proposed agreement version; fullySigned is true once both have. Activation follows as its own event.',
  payload: z.strictObject({
    ...agreementRef,
    party: SignatoryPartySchema,
    signerId: IdSchema,
    fullySigned: z.boolean(),
  }),
});

export const AgreementActivatedV1 = defineEvent({
  type: 'engagement.agreement.activated',
  version: 1,
  topic,
  aggregate: 'engagementId',
  producer,
  description:
    'The first agreement version, signed by both parties, came into force with its terms. The orchestrator moves the engagement to implementation and opens the obligations.',
  payload: z.strictObject({ ...agreementRef, terms: AgreementTermsSchema }),
});

export const AgreementAmendedV1 = defineEvent({
  type: 'engagement.agreement.amended',
  version: 1,
  topic,
  aggregate: 'engagementId',
  producer,
  description:
    'An amendment (a new immutable version, signed by both parties) came into force; its terms replace the previous version.',
  payload: z
    .strictObject({
      ...agreementRef,
      previousVersion: z.int().min(1),
      changedSections: uniqueList(AgreementSectionSchema).min(1),
      terms: AgreementTermsSchema,
    })
    .refine((p) => p.previousVersion < p.agreementVersion, {
      path: ['previousVersion'],
      message: 'must be lower than agreementVersion',
    }),
});

/** Every engagement-context event definition. */
export const engagementEvents = [
  DeskCreatedV1,
  DeskUpdatedV1,
  OrganisationRegisteredV1,
  OrganisationUpdatedV1,
  OrganisationErasedV1,
  EngagementCreatedV1,
  EngagementReroutedV1,
  LeadOfficerAssignedV1,
  ProgramManagerAssignedV1,
  EngagementPhaseChangedV1,
  NeedsAssessmentRecordedV1,
  AgreementDraftedV1,
  AgreementProposedV1,
  AgreementRevisedV1,
  AgreementWithdrawnV1,
  AgreementSignedV1,
  AgreementActivatedV1,
  AgreementAmendedV1,
] as const;
