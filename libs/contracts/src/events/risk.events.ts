import { z } from 'zod';
import {
  CountSchema,
  IdSchema,
  IncidentTypeSchema,
  IsoDateTimeSchema,
  MaturityMeanSchema,
  OrganisationRoleSchema,
  PlanItemStatusSchema,
  RatingSchema,
  RiskLevelSchema,
  SecurityPlanItemKindSchema,
  SeveritySchema,
  ThreatSourceActorTypeSchema,
  ThreatTypeSchema,
  VulnerabilityCategorySchema,
  spokeRecord,
  uniqueList,
  SECURITY_PLAN_ITEM_KINDS,
} from '../domain-values';
import { PositiveIsoDurationSchema } from '../durations.schema';
import { defineEvent } from '../event-definition';
import { TOPICS } from '../topics';

/*
 * Risk context (risk-service): threats (NPM five-step assessment), vulnerabilities and
 * capacities, risk assessments, security wheel, security plans, incidents. Threat facts,
 * descriptions and incident narratives are encrypted in the risk service and never leave it:
 * these payloads carry types, ratings, scores and levels only.
 */

const topic = TOPICS.risk;
const producer = 'risk-service';
const aggregate = 'engagementId';

export const ThreatAssessedV1 = defineEvent({
  type: 'risk.threat.assessed',
  version: 1,
  topic,
  aggregate,
  producer,
  description:
    'The five-step assessment of a threat was concluded (or re-concluded): its type, source actor type, likelihood and impact 1–5, whether it can be carried out, and the categories of its vulnerabilities and capacities.',
  payload: z.strictObject({
    threatId: IdSchema,
    threatType: ThreatTypeSchema,
    sourceActorType: ThreatSourceActorTypeSchema,
    likelihood: RatingSchema,
    impact: RatingSchema,
    canBeCarriedOut: z.boolean(),
    vulnerabilityCategories: uniqueList(VulnerabilityCategorySchema),
    capacityCategories: uniqueList(VulnerabilityCategorySchema),
  }),
});

/** What led to a risk assessment. */
export const RISK_ASSESSMENT_TRIGGERS = [
  'initial',
  'periodic',
  'update',
  'after-incident',
] as const;
export const RiskAssessmentTriggerSchema = z.enum(RISK_ASSESSMENT_TRIGGERS);

/** The computed risk of one threat in an assessment (risk = threats × vulnerabilities / capacities). */
export const ThreatRiskSchema = z.strictObject({
  threatId: IdSchema,
  threatType: ThreatTypeSchema,
  score: z.number().min(0),
  level: RiskLevelSchema,
});

export const RiskAssessmentCompletedV1 = defineEvent({
  type: 'risk.assessment.completed',
  version: 1,
  topic,
  aggregate,
  producer,
  description:
    'A dated risk assessment was completed: the computed risk score and level band per threat and overall. An after-incident assessment names the incidents it answers; the orchestrator closes the matching obligations.',
  payload: z
    .strictObject({
      riskAssessmentId: IdSchema,
      trigger: RiskAssessmentTriggerSchema,
      triggeringIncidentIds: uniqueList(IdSchema),
      previousRiskAssessmentId: IdSchema.optional(),
      threats: z.array(ThreatRiskSchema),
      overallScore: z.number().min(0),
      overallLevel: RiskLevelSchema,
    })
    .superRefine((p, ctx) => {
      if (p.trigger === 'after-incident' && p.triggeringIncidentIds.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['triggeringIncidentIds'],
          message: 'must name at least one incident when trigger is after-incident',
        });
      }
      if (new Set(p.threats.map((t) => t.threatId)).size !== p.threats.length) {
        ctx.addIssue({ code: 'custom', path: ['threats'], message: 'threatId must be unique' });
      }
    }),
});

export const SecurityWheelRoundCompletedV1 = defineEvent({
  type: 'risk.security-wheel.round-completed',
  version: 1,
  topic,
  aggregate,
  producer,
  description:
    'A round of the security wheel closed: how many participants scored, and the mean maturity (0–4) per spoke.',
  payload: z.strictObject({
    wheelRoundId: IdSchema,
    roundNumber: z.int().min(1),
    previousWheelRoundId: IdSchema.optional(),
    participantCount: z.int().min(1),
    spokeMeans: spokeRecord(MaturityMeanSchema),
  }),
});

/** An emergency protocol of an adopted plan and how often it must be rehearsed. */
export const EmergencyProtocolRefSchema = z.strictObject({
  itemId: IdSchema,
  rehearsalCadence: PositiveIsoDurationSchema,
});

export const SecurityPlanAdoptedV1 = defineEvent({
  type: 'risk.security-plan.adopted',
  version: 1,
  topic,
  aggregate,
  producer,
  description:
    "The organisation's leadership adopted a version of the security plan: item counts per kind, who adopted it (organisation role) and its emergency protocols with their rehearsal cadence (the orchestrator opens rehearsal obligations).",
  payload: z
    .strictObject({
      securityPlanId: IdSchema,
      planVersion: z.int().min(1),
      riskAssessmentId: IdSchema,
      itemCount: CountSchema,
      itemCountsByKind: z.record(SecurityPlanItemKindSchema, CountSchema),
      adoptedByRole: OrganisationRoleSchema,
      emergencyProtocols: z.array(EmergencyProtocolRefSchema),
    })
    .superRefine((p, ctx) => {
      const sum = SECURITY_PLAN_ITEM_KINDS.reduce((s, k) => s + (p.itemCountsByKind[k] ?? 0), 0);
      if (sum !== p.itemCount) {
        ctx.addIssue({
          code: 'custom',
          path: ['itemCount'],
          message: 'must equal the sum of itemCountsByKind',
        });
      }
      if (p.emergencyProtocols.length !== p.itemCountsByKind['emergency-protocol']) {
        ctx.addIssue({
          code: 'custom',
          path: ['emergencyProtocols'],
          message: 'must list every emergency protocol of the plan',
        });
      }
    }),
});

export const SecurityPlanItemStatusChangedV1 = defineEvent({
  type: 'risk.security-plan.item-status-changed',
  version: 1,
  topic,
  aggregate,
  producer,
  description: 'An item of the security plan moved between planned, in progress and implemented.',
  payload: z
    .strictObject({
      securityPlanId: IdSchema,
      itemId: IdSchema,
      itemKind: SecurityPlanItemKindSchema,
      from: PlanItemStatusSchema,
      to: PlanItemStatusSchema,
    })
    .refine((p) => p.from !== p.to, { path: ['to'], message: 'must differ from from' }),
});

export const EmergencyProtocolRehearsedV1 = defineEvent({
  type: 'risk.emergency-protocol.rehearsed',
  version: 1,
  topic,
  aggregate,
  producer,
  description:
    'The organisation rehearsed an emergency protocol; the orchestrator closes the rehearsal obligation and opens the next one.',
  payload: z.strictObject({
    securityPlanId: IdSchema,
    itemId: IdSchema,
    rehearsedAt: IsoDateTimeSchema,
  }),
});

export const IncidentReportedV1 = defineEvent({
  type: 'risk.incident.reported',
  version: 1,
  topic,
  aggregate,
  producer,
  description:
    'A security incident was entered in the register: type, severity 1–5, whether it is serious, when it happened (payload occurredAt; the envelope occurredAt is when it was reported). No narrative, no location. A serious incident makes the orchestrator demand a re-assessment and tighten the coaching cadence.',
  payload: z.strictObject({
    incidentId: IdSchema,
    incidentType: IncidentTypeSchema,
    severity: SeveritySchema,
    serious: z.boolean(),
    /** When the incident happened. */
    occurredAt: IsoDateTimeSchema,
    linkedThreatIds: uniqueList(IdSchema),
  }),
});

/** Every risk-context event definition. */
export const riskEvents = [
  ThreatAssessedV1,
  RiskAssessmentCompletedV1,
  SecurityWheelRoundCompletedV1,
  SecurityPlanAdoptedV1,
  SecurityPlanItemStatusChangedV1,
  EmergencyProtocolRehearsedV1,
  IncidentReportedV1,
] as const;
