import { z } from 'zod';
import { RISK_LEVELS } from './core';

/*
 * Values every context shares (DESIGN.md §2). Identifiers are stable kebab-case strings: they
 * are stored in databases, sent in events and workflow histories, so never rename one; add a
 * new value instead and keep accepting the old one.
 */

// ---------------------------------------------------------------------------------------------
// Identifiers, dates

/**
 * An entity or user id: 1–128 characters of letters, digits and `._:-`, starting with a letter
 * or digit (UUIDs, ObjectIds, slugs). No spaces, so free text cannot travel as an "id".
 */
export const IdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be an id (letters, digits and ._:- only)');

/** The unit id of the Training and Research Unit, which takes organisations no desk covers. */
export const TRU_UNIT_ID = 'tru';

/** A unit: a desk id, or {@link TRU_UNIT_ID}. Officers see the engagements of their unit. */
export const UnitIdSchema = IdSchema;

/**
 * A catalogue item id (`libs/catalogue`): lowercase letters and digits in groups joined by
 * `-`, `.`, `_` or `:` (`npm-early-warning-system`).
 */
export const CatalogueRefSchema = z
  .string()
  .regex(/^[a-z0-9]+(?:[-._:][a-z0-9]+)*$/, 'must be a catalogue item id (lowercase kebab-case)')
  .max(128);

/** An instant in UTC, ISO-8601 with the `Z` suffix (`2026-03-01T09:30:00.000Z`). */
export const IsoDateTimeSchema = z.iso.datetime({
  error: 'must be an ISO-8601 UTC date-time (…Z)',
});

/** A calendar date, ISO-8601 `YYYY-MM-DD` (an existing date). */
export const IsoDateSchema = z.iso.date({ error: 'must be an ISO-8601 date (YYYY-MM-DD)' });

/** Processes that produce events or call other services (`actor.kind = 'service'`). */
export const SERVICE_IDS = [
  'engagement-service',
  'training-service',
  'risk-service',
  'coaching-service',
  'orchestrator',
  'gateway',
  'reporting-service',
] as const;
export const ServiceIdSchema = z.enum(SERVICE_IDS);
export type ServiceId = (typeof SERVICE_IDS)[number];

// ---------------------------------------------------------------------------------------------
// People and engagements

/** Roles of Trellis users (JWT `roles`). */
export const ROLES = [
  'admin',
  'program-manager',
  'protection-officer',
  'analyst',
  'defender',
] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = (typeof ROLES)[number];

/**
 * Phases of an engagement. The orchestrator moves an engagement between them; `paused` and
 * `terminated` can be entered from any active phase, `autonomous` is the closed, graduated state.
 */
export const PHASES = [
  'agreement',
  'implementation',
  'follow-up',
  'knowledge-transfer',
  'autonomous',
  'paused',
  'terminated',
] as const;
export const PhaseSchema = z.enum(PHASES);
export type Phase = (typeof PHASES)[number];

/** Why an engagement changed phase (reported with `engagement.engagement.phase-changed`). */
export const PHASE_CHANGE_REASONS = [
  'agreement-activated',
  'implementation-completed',
  'autonomy-goal-reached',
  'knowledge-transfer-completed',
  'paused',
  'resumed',
  'terminated',
] as const;
export const PhaseChangeReasonSchema = z.enum(PHASE_CHANGE_REASONS);
export type PhaseChangeReason = (typeof PHASE_CHANGE_REASONS)[number];

/** Why an engagement was paused. */
export const PAUSE_REASONS = [
  'security-situation',
  'organisation-request',
  'staff-unavailable',
  'funding',
  'force-majeure',
  'other',
] as const;
export const PauseReasonSchema = z.enum(PAUSE_REASONS);
export type PauseReason = (typeof PAUSE_REASONS)[number];

/** Why an engagement was terminated before graduation. */
export const TERMINATION_REASONS = [
  'organisation-withdrew',
  'organisation-dissolved',
  'organisation-erased',
  'security-situation',
  'funding',
  'duplicate',
  'other',
] as const;
export const TerminationReasonSchema = z.enum(TERMINATION_REASONS);
export type TerminationReason = (typeof TERMINATION_REASONS)[number];

/** The two parties that sign an agreement. */
export const SIGNATORY_PARTIES = ['protection-organisation', 'defender-organisation'] as const;
export const SignatoryPartySchema = z.enum(SIGNATORY_PARTIES);
export type SignatoryParty = (typeof SIGNATORY_PARTIES)[number];

// ---------------------------------------------------------------------------------------------
// Organisations

/** Thematic focus areas of a defender organisation (controlled list, used for filtering). */
export const FOCUS_AREAS = [
  'lgbti',
  'land-environment',
  'indigenous',
  'journalism',
  'women-hrd',
  'labour',
  'migrants-refugees',
  'disability',
  'children-youth',
  'anti-corruption',
  'legal-aid',
  'religious-freedom',
  'civil-political-rights',
  'other',
] as const;
export const FocusAreaSchema = z.enum(FOCUS_AREAS);
export type FocusArea = (typeof FOCUS_AREAS)[number];

/** Where the organisation works: rural or urban (the rural defenders guide applies to `rural`). */
export const SETTINGS = ['rural', 'urban'] as const;
export const SettingSchema = z.enum(SETTINGS);
export type Setting = (typeof SETTINGS)[number];

/**
 * Organisation size as a band of people (staff and volunteers), never an exact count:
 * `small` 1–10, `medium` 11–50, `large` more than 50.
 */
export const ORGANISATION_SIZES = ['small', 'medium', 'large'] as const;
export const OrganisationSizeSchema = z.enum(ORGANISATION_SIZES);
export type OrganisationSize = (typeof ORGANISATION_SIZES)[number];

/** Roles inside the defender organisation (plan owners, plan adoption). */
export const ORGANISATION_ROLES = [
  'leadership',
  'board',
  'security-focal-point',
  'staff',
  'volunteers',
] as const;
export const OrganisationRoleSchema = z.enum(ORGANISATION_ROLES);
export type OrganisationRole = (typeof ORGANISATION_ROLES)[number];

// ---------------------------------------------------------------------------------------------
// Catalogue, agreement, training

/** Kinds of intervention an agreement chooses (DESIGN.md §1). */
export const INTERVENTION_KINDS = ['method', 'measure', 'topic'] as const;
export const InterventionKindSchema = z.enum(INTERVENTION_KINDS);
export type InterventionKind = (typeof INTERVENTION_KINDS)[number];

/** Kinds of catalogue item: the intervention kinds plus training modules. */
export const CATALOGUE_ITEM_KINDS = [...INTERVENTION_KINDS, 'training-module'] as const;
export const CatalogueItemKindSchema = z.enum(CATALOGUE_ITEM_KINDS);
export type CatalogueItemKind = (typeof CATALOGUE_ITEM_KINDS)[number];

/** Reference manuals each catalogue item cites. */
export const SOURCE_MANUALS = [
  'new-protection-manual',
  'lgbti-protection-manual',
  'rural-defenders-guide',
] as const;
export const SourceManualSchema = z.enum(SOURCE_MANUALS);
export type SourceManual = (typeof SOURCE_MANUALS)[number];

/** Levels of complexity of training (and of the suggested starting level). */
export const TRAINING_LEVELS = ['basic', 'intermediate', 'advanced'] as const;
export const TrainingLevelSchema = z.enum(TRAINING_LEVELS);
export type TrainingLevel = (typeof TRAINING_LEVELS)[number];

/** Priority of an intervention in the agreement. */
export const PRIORITIES = ['high', 'medium', 'low'] as const;
export const PrioritySchema = z.enum(PRIORITIES);
export type Priority = (typeof PRIORITIES)[number];

/** How a training session is delivered. */
export const SESSION_MODES = ['in-person', 'remote'] as const;
export const SessionModeSchema = z.enum(SESSION_MODES);
export type SessionMode = (typeof SESSION_MODES)[number];

/** Who a cascade training reached. */
export const CASCADE_AUDIENCE_TYPES = [
  'other-defenders',
  'other-organisations',
  'beneficiaries',
  'community-members',
] as const;
export const CascadeAudienceTypeSchema = z.enum(CASCADE_AUDIENCE_TYPES);
export type CascadeAudienceType = (typeof CASCADE_AUDIENCE_TYPES)[number];

/**
 * Average knowledge gain of a session in percentage points: knowledge checks are scored 0–100,
 * gain = post − pre, so −100 … 100.
 */
export const KnowledgeGainSchema = z.number().min(-100).max(100);

// ---------------------------------------------------------------------------------------------
// Risk

/** Risk level bands (the risk service documents the score → band mapping). */
export const RiskLevelSchema = z.enum(RISK_LEVELS);
export type RiskLevel = (typeof RISK_LEVELS)[number];

/**
 * Threat types (controlled list, after the New Protection Manual, the LGBTI manual and the
 * rural guide). Shared by risk assessments and the catalogue (what an item addresses).
 * `social-rejection` covers rejection, expulsion or violence from family and community.
 */
export const THREAT_TYPES = [
  'surveillance',
  'intimidation',
  'harassment',
  'online-harassment',
  'smear-campaign',
  'stigmatisation',
  'social-rejection',
  'judicial-harassment',
  'arbitrary-detention',
  'physical-attack',
  'death-threat',
  'sexual-violence',
  'kidnapping-disappearance',
  'raid-break-in',
  'digital-attack',
  'forced-displacement',
  'threats-to-family',
  'other',
] as const;
export const ThreatTypeSchema = z.enum(THREAT_TYPES);
export type ThreatType = (typeof THREAT_TYPES)[number];

/** Who is behind a threat, by type of actor (never a named person). */
export const THREAT_SOURCE_ACTOR_TYPES = [
  'state-security-forces',
  'state-authorities',
  'judiciary',
  'paramilitary-group',
  'armed-group',
  'organised-crime',
  'private-company',
  'private-security',
  'political-actor',
  'religious-actor',
  'community-members',
  'family-members',
  'unknown',
  'other',
] as const;
export const ThreatSourceActorTypeSchema = z.enum(THREAT_SOURCE_ACTOR_TYPES);
export type ThreatSourceActorType = (typeof THREAT_SOURCE_ACTOR_TYPES)[number];

/** Vulnerability and capacity categories (New Protection Manual). */
export const VULNERABILITY_CATEGORIES = [
  'geographical-physical-technical',
  'conflict-related',
  'legal-political',
  'information-management',
  'social-organisational',
  'psychological',
  'work-security-resources',
] as const;
export const VulnerabilityCategorySchema = z.enum(VULNERABILITY_CATEGORIES);
export type VulnerabilityCategory = (typeof VULNERABILITY_CATEGORIES)[number];

/** A 1–5 rating (likelihood, impact, vulnerability and capacity ratings). */
export const RatingSchema = z.int().min(1).max(5);

/** Incident severity 1 (minor) – 5 (life-threatening). */
export const SeveritySchema = z.int().min(1).max(5);

/** Types of security incident in the organisation's register. */
export const INCIDENT_TYPES = [
  'threat-received',
  'surveillance',
  'harassment',
  'defamation',
  'judicial-action',
  'arbitrary-detention',
  'physical-attack',
  'sexual-violence',
  'kidnapping-disappearance',
  'killing',
  'raid-break-in',
  'theft-loss-of-information',
  'digital-attack',
  'security-breach',
  'accident',
  'other',
] as const;
export const IncidentTypeSchema = z.enum(INCIDENT_TYPES);
export type IncidentType = (typeof INCIDENT_TYPES)[number];

/** Kinds of security-plan item. */
export const SECURITY_PLAN_ITEM_KINDS = [
  'policy',
  'preventive-protocol',
  'emergency-protocol',
  'measure',
] as const;
export const SecurityPlanItemKindSchema = z.enum(SECURITY_PLAN_ITEM_KINDS);
export type SecurityPlanItemKind = (typeof SECURITY_PLAN_ITEM_KINDS)[number];

/** Status of a security-plan item. */
export const PLAN_ITEM_STATUSES = ['planned', 'in-progress', 'implemented'] as const;
export const PlanItemStatusSchema = z.enum(PLAN_ITEM_STATUSES);
export type PlanItemStatus = (typeof PLAN_ITEM_STATUSES)[number];

// ---------------------------------------------------------------------------------------------
// Security wheel, autonomy

/** The eight spokes of the security wheel, in the order of DESIGN.md §2. */
export const SECURITY_WHEEL_SPOKES = [
  'on-the-job-experience',
  'training',
  'awareness-attitude',
  'security-planning',
  'responsibilities',
  'rules-compliance',
  'incident-response',
  'evaluation',
] as const;
export const SpokeIdSchema = z.enum(SECURITY_WHEEL_SPOKES);
export type SpokeId = (typeof SECURITY_WHEEL_SPOKES)[number];

/** English titles of the spokes (for UIs and reports). */
export const SPOKE_TITLES: Readonly<Record<SpokeId, string>> = {
  'on-the-job-experience': 'On-the-job experience',
  training: 'Training',
  'awareness-attitude': 'Awareness and attitude',
  'security-planning': 'Security planning',
  responsibilities: 'Assignment of responsibilities',
  'rules-compliance': 'Ownership of and compliance with rules',
  'incident-response': 'Analysis of and response to incidents',
  evaluation: 'Evaluation of security management',
};

/** Maturity of one spoke as scored by one participant or a review: integer 0–4. */
export const MaturitySchema = z.int().min(0).max(4);

/** A mean of maturity scores: 0–4, fractional. */
export const MaturityMeanSchema = z.number().min(0).max(4);

/** A value for every spoke of the wheel (all eight keys required, no others). */
export function spokeRecord<S extends z.ZodType>(value: S) {
  return z.record(SpokeIdSchema, value);
}

/** The autonomy milestones (DESIGN.md §2), ids stable. */
export const AUTONOMY_MILESTONES = [
  'focal-point-designated',
  'risk-assessment-with-support',
  'plan-adopted-by-leadership',
  'risk-assessment-updated-independently',
  'incident-register-kept',
  'plan-reviewed-independently',
  'staff-trained-internally',
  'others-trained',
] as const;
export const MilestoneIdSchema = z.enum(AUTONOMY_MILESTONES);
export type MilestoneId = (typeof AUTONOMY_MILESTONES)[number];

/** English titles of the milestones. */
export const MILESTONE_TITLES: Readonly<Record<MilestoneId, string>> = {
  'focal-point-designated': 'Security focal point designated',
  'risk-assessment-with-support': 'Risk assessment done with support',
  'plan-adopted-by-leadership': 'Security plan adopted by leadership',
  'risk-assessment-updated-independently': 'Risk assessment updated without support',
  'incident-register-kept': 'Incident register kept and analysed by the organisation',
  'plan-reviewed-independently': 'Security plan reviewed without support',
  'staff-trained-internally': 'Staff trained internally',
  'others-trained': 'Other defenders or beneficiaries trained',
};

/**
 * Status of a milestone in a review: not started, in progress, claimed (evidence given) or
 * verified (by a second person; only verified milestones count).
 */
export const MILESTONE_STATUSES = ['not-started', 'in-progress', 'claimed', 'verified'] as const;
export const MilestoneStatusSchema = z.enum(MILESTONE_STATUSES);
export type MilestoneStatus = (typeof MILESTONE_STATUSES)[number];

/** Autonomy level names; the index is the level: 0 dependent … 4 multiplier. */
export const AUTONOMY_LEVEL_NAMES = [
  'dependent',
  'assisted',
  'practising',
  'autonomous',
  'multiplier',
] as const;
export type AutonomyLevelName = (typeof AUTONOMY_LEVEL_NAMES)[number];

/** Autonomy levels 0–4 with their names. */
export const AUTONOMY_LEVELS: ReadonlyArray<{ level: AutonomyLevel; name: AutonomyLevelName }> =
  AUTONOMY_LEVEL_NAMES.map((name, level) => ({ level: level as AutonomyLevel, name }));

/** An autonomy level: integer 0 (dependent) – 4 (multiplier). */
export const AutonomyLevelSchema = z.literal([0, 1, 2, 3, 4], {
  error: 'must be an autonomy level, an integer from 0 to 4',
});
export type AutonomyLevel = z.infer<typeof AutonomyLevelSchema>;

/** The name of an autonomy level (`3` → `autonomous`). */
export function autonomyLevelName(level: AutonomyLevel): AutonomyLevelName {
  const name = AUTONOMY_LEVEL_NAMES[level];
  if (name === undefined) throw new RangeError('An autonomy level is an integer from 0 to 4');
  return name;
}

// ---------------------------------------------------------------------------------------------
// Follow-ups, obligations, reminders

/** Kinds of follow-up (long-term support, DESIGN.md §1.4). */
export const FOLLOW_UP_KINDS = [
  'coaching-session',
  'leadership-meeting',
  'staff-debate',
  'consultation',
  'site-visit',
] as const;
export const FollowUpKindSchema = z.enum(FOLLOW_UP_KINDS);
export type FollowUpKind = (typeof FOLLOW_UP_KINDS)[number];

/** Observed behaviour change at a follow-up (the narrative stays in the coaching service). */
export const BEHAVIOUR_CHANGES = ['none', 'some', 'significant'] as const;
export const BehaviourChangeSchema = z.enum(BEHAVIOUR_CHANGES);
export type BehaviourChange = (typeof BEHAVIOUR_CHANGES)[number];

/** Why a planned session or follow-up was cancelled. */
export const CANCELLATION_REASONS = [
  'security-situation',
  'organisation-request',
  'facilitator-unavailable',
  'replaced',
  'engagement-paused',
  'engagement-terminated',
  'other',
] as const;
export const CancellationReasonSchema = z.enum(CANCELLATION_REASONS);
export type CancellationReason = (typeof CANCELLATION_REASONS)[number];

/**
 * Obligations the orchestrator tracks with a deadline: each has an assignee, is reminded
 * before (`lead`) and on (`due`) its due date, and escalated to the program manager after the
 * agreed grace period unless fulfilled.
 */
export const OBLIGATION_KINDS = [
  'agreement-signature',
  'training-session',
  'risk-assessment',
  'security-plan-adoption',
  'follow-up',
  'autonomy-review',
  'incident-reassessment',
  'protocol-rehearsal',
  'site-visit-check-in',
  'cascade-verification',
  'post-closure-check-in',
] as const;
export const ObligationKindSchema = z.enum(OBLIGATION_KINDS);
export type ObligationKind = (typeof OBLIGATION_KINDS)[number];

/** Reminder stages: `lead` = the agreed lead time before the due date, `due` = on it. */
export const REMINDER_STAGES = ['lead', 'due'] as const;
export const ReminderStageSchema = z.enum(REMINDER_STAGES);
export type ReminderStage = (typeof REMINDER_STAGES)[number];

/** Why an obligation was cancelled without being fulfilled. */
export const OBLIGATION_CANCELLATION_REASONS = [
  'engagement-terminated',
  'agreement-amended',
  'superseded',
  'not-applicable',
  'subject-cancelled',
] as const;
export const ObligationCancellationReasonSchema = z.enum(OBLIGATION_CANCELLATION_REASONS);
export type ObligationCancellationReason = (typeof OBLIGATION_CANCELLATION_REASONS)[number];

/** Why a person rescheduled an obligation (workflow update `rescheduleObligation.v1`). */
export const RESCHEDULE_REASONS = [
  'organisation-request',
  'security-situation',
  'officer-unavailable',
  'dependency-delayed',
  'other',
] as const;
export const RescheduleReasonSchema = z.enum(RESCHEDULE_REASONS);
export type RescheduleReason = (typeof RESCHEDULE_REASONS)[number];

// ---------------------------------------------------------------------------------------------
// Helpers

/** An array of `item` without duplicates (ids, codes, enum values). */
export function uniqueList<S extends z.ZodType>(item: S) {
  return z
    .array(item)
    .refine((list) => new Set(list).size === list.length, 'must not contain duplicates');
}

/** A non-negative integer count. */
export const CountSchema = z.int().min(0);
