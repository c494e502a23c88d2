import { z } from 'zod';
import {
  AutonomyLevelSchema,
  CatalogueRefSchema,
  CountSchema,
  FollowUpKindSchema,
  IdSchema,
  IncidentTypeSchema,
  IsoDateTimeSchema,
  ObligationKindSchema,
  PauseReasonSchema,
  PhaseSchema,
  RescheduleReasonSchema,
  RiskLevelSchema,
  SeveritySchema,
  TerminationReasonSchema,
  TrainingLevelSchema,
  UnitIdSchema,
  uniqueList,
  MilestoneIdSchema,
} from './domain-values';
import { WORKFLOW_QUERY_NAMES, WORKFLOW_SIGNAL_NAMES, WORKFLOW_UPDATE_NAMES } from './core';
import { IsoDurationSchema } from './durations.schema';
import { ActorSchema } from './envelope';
import { parseContract } from './errors';
import type { AnyEventDefinition } from './event-definition';
import {
  AgreementActivatedV1,
  AgreementAmendedV1,
  AgreementTermsSchema,
  EngagementCreatedV1,
  LeadOfficerAssignedV1,
  ProgramManagerAssignedV1,
} from './events/engagement.events';
import { CascadeVerifiedV1, SessionHeldV1 } from './events/training.events';
import {
  EmergencyProtocolRefSchema,
  EmergencyProtocolRehearsedV1,
  IncidentReportedV1,
  RiskAssessmentCompletedV1,
  RiskAssessmentTriggerSchema,
  SecurityPlanAdoptedV1,
} from './events/risk.events';
import {
  FollowUpHeldV1,
  SiteVisitCheckInConfirmedV1,
  SiteVisitCheckInDueV1,
} from './events/coaching.events';
import { AutonomyReviewRecordedV1 } from './events/autonomy.events';
import type { TrellisEvent } from './registry';

/*
 * Messages of the long-running `capacityBuildingWorkflow` (one per engagement): its start
 * input, signals, queries and update — names (versioned: `<name>.v<n>`) and zod schemas only.
 * No Temporal import here: `libs/workflows` calls `defineSignal(WORKFLOW_SIGNALS.x.name)` etc.,
 * the orchestrator's bridge and the gateway send them by the same names.
 *
 * Workflow histories are stored by Temporal unencrypted: the privacy rule of the events
 * (ids, enums, numbers, dates only — see event-definition.ts) applies to every message here,
 * and `privacy.spec.ts` checks these schemas too.
 *
 * Every signal mapped from a domain event carries the source `eventId`; the workflow ignores an
 * event id it has already applied (Kafka delivers at least once). Commands carry a
 * `commandId` for the same reason.
 */

/** The workflow type name registered on the worker. */
export const CAPACITY_BUILDING_WORKFLOW_TYPE = 'capacityBuildingWorkflow';

/** The task queue the orchestrator's worker polls for capacity-building workflows. */
export const CAPACITY_BUILDING_TASK_QUEUE = 'trellis-capacity-building';

const WORKFLOW_ID_PREFIX = 'capacity-building-';

/** The workflow id of an engagement's workflow: `capacity-building-<engagementId>`. */
export function workflowIdForEngagement(engagementId: string): string {
  return `${WORKFLOW_ID_PREFIX}${parseContract(IdSchema, engagementId, 'engagementId')}`;
}

/** The engagement id of a capacity-building workflow id, or undefined for any other id. */
export function engagementIdFromWorkflowId(workflowId: string): string | undefined {
  if (!workflowId.startsWith(WORKFLOW_ID_PREFIX)) return undefined;
  const id = workflowId.slice(WORKFLOW_ID_PREFIX.length);
  return IdSchema.safeParse(id).success ? id : undefined;
}

// ---------------------------------------------------------------------------------------------
// Start input

/** The input the bridge starts an engagement's workflow with (from `engagement.engagement.created`). */
export const CapacityBuildingInputSchema = z.strictObject({
  engagementId: IdSchema,
  organisationId: IdSchema,
  unitId: UnitIdSchema,
  programManagerId: IdSchema,
  leadOfficerId: IdSchema.optional(),
  /** The engagement-created event the workflow was started from. */
  eventId: z.uuid(),
  createdAt: IsoDateTimeSchema,
});
export type CapacityBuildingInput = z.infer<typeof CapacityBuildingInputSchema>;

// ---------------------------------------------------------------------------------------------
// Signals

/** A named, versioned workflow message with its argument schema. */
export interface WorkflowSignalContract<
  N extends string = string,
  S extends z.ZodType = z.ZodType,
> {
  readonly name: N;
  readonly args: S;
  readonly description: string;
  /** The domain events (type@version) the bridge maps to this signal; empty for commands. */
  readonly sources: readonly string[];
}

function signal<const N extends string, S extends z.ZodType>(
  name: N,
  args: S,
  description: string,
  sources: readonly AnyEventDefinition[] = [],
): WorkflowSignalContract<N, S> {
  return Object.freeze({ name, args, description, sources: sources.map((d) => d.key) });
}

/** Fields of every signal mapped from a domain event. */
const fromEvent = {
  /** The source event's id: the workflow applies each event once. */
  eventId: z.uuid(),
  /** The source event's occurredAt. */
  eventOccurredAt: IsoDateTimeSchema,
};

/** Fields of every command (pause, resume, terminate). */
const command = {
  /** Unique per command (UUID); a retried command is applied once. */
  commandId: z.uuid(),
  actor: ActorSchema,
  requestedAt: IsoDateTimeSchema,
};

/** Why a paused engagement was resumed. */
export const RESUME_REASONS = [
  'situation-improved',
  'organisation-ready',
  'staff-available',
  'other',
] as const;

/** Signals of `capacityBuildingWorkflow`: domain events mapped by the bridge, and commands. */
export const WORKFLOW_SIGNALS = {
  agreementActivated: signal(
    WORKFLOW_SIGNAL_NAMES.agreementActivated,
    z.strictObject({
      ...fromEvent,
      agreementId: IdSchema,
      agreementVersion: z.int().min(1),
      terms: AgreementTermsSchema,
    }),
    'The agreement is signed by both parties and in force: fulfil the signature obligation, move to implementation, open the obligations of the terms.',
    [AgreementActivatedV1],
  ),
  agreementAmended: signal(
    WORKFLOW_SIGNAL_NAMES.agreementAmended,
    z.strictObject({
      ...fromEvent,
      agreementId: IdSchema,
      agreementVersion: z.int().min(2),
      previousVersion: z.int().min(1),
      terms: AgreementTermsSchema,
    }),
    'New agreement terms are in force: reconcile open obligations and cadences with them.',
    [AgreementAmendedV1],
  ),
  assigneesChanged: signal(
    WORKFLOW_SIGNAL_NAMES.assigneesChanged,
    z
      .strictObject({
        ...fromEvent,
        leadOfficerId: IdSchema.optional(),
        programManagerId: IdSchema.optional(),
      })
      .refine((a) => a.leadOfficerId !== undefined || a.programManagerId !== undefined, {
        message: 'must change the lead officer or the program manager',
      }),
    'The lead officer (default assignee) or the program manager (escalations) changed.',
    [LeadOfficerAssignedV1, ProgramManagerAssignedV1],
  ),
  trainingSessionHeld: signal(
    WORKFLOW_SIGNAL_NAMES.trainingSessionHeld,
    z.strictObject({
      ...fromEvent,
      sessionId: IdSchema,
      planItemId: IdSchema.optional(),
      heldAt: IsoDateTimeSchema,
      level: TrainingLevelSchema,
      moduleIds: uniqueList(CatalogueRefSchema),
    }),
    'A training session was held: fulfil the obligation of its plan item.',
    [SessionHeldV1],
  ),
  riskAssessmentCompleted: signal(
    WORKFLOW_SIGNAL_NAMES.riskAssessmentCompleted,
    z.strictObject({
      ...fromEvent,
      riskAssessmentId: IdSchema,
      trigger: RiskAssessmentTriggerSchema,
      triggeringIncidentIds: uniqueList(IdSchema),
      overallScore: z.number().min(0),
      overallLevel: RiskLevelSchema,
    }),
    'A risk assessment was completed: fulfil the risk-assessment or incident re-assessment obligations; a higher level shortens the follow-up cadence.',
    [RiskAssessmentCompletedV1],
  ),
  securityPlanAdopted: signal(
    WORKFLOW_SIGNAL_NAMES.securityPlanAdopted,
    z.strictObject({
      ...fromEvent,
      securityPlanId: IdSchema,
      planVersion: z.int().min(1),
      emergencyProtocols: z.array(EmergencyProtocolRefSchema),
    }),
    'The leadership adopted the security plan: fulfil the adoption obligation, open rehearsal obligations for its emergency protocols.',
    [SecurityPlanAdoptedV1],
  ),
  emergencyProtocolRehearsed: signal(
    WORKFLOW_SIGNAL_NAMES.emergencyProtocolRehearsed,
    z.strictObject({
      ...fromEvent,
      securityPlanId: IdSchema,
      itemId: IdSchema,
      rehearsedAt: IsoDateTimeSchema,
    }),
    'An emergency protocol was rehearsed: fulfil its rehearsal obligation and open the next one.',
    [EmergencyProtocolRehearsedV1],
  ),
  followUpHeld: signal(
    WORKFLOW_SIGNAL_NAMES.followUpHeld,
    z.strictObject({
      ...fromEvent,
      followUpId: IdSchema,
      kind: FollowUpKindSchema,
      obligationId: IdSchema.optional(),
      heldAt: IsoDateTimeSchema,
    }),
    'A follow-up was held: fulfil its obligation and plan the next one at the (adapted) cadence.',
    [FollowUpHeldV1],
  ),
  incidentReported: signal(
    WORKFLOW_SIGNAL_NAMES.incidentReported,
    z.strictObject({
      ...fromEvent,
      incidentId: IdSchema,
      incidentType: IncidentTypeSchema,
      severity: SeveritySchema,
      serious: z.boolean(),
      occurredAt: IsoDateTimeSchema,
    }),
    'An incident was reported: a serious one opens an incident re-assessment obligation and shortens the follow-up cadence.',
    [IncidentReportedV1],
  ),
  autonomyReviewRecorded: signal(
    WORKFLOW_SIGNAL_NAMES.autonomyReviewRecorded,
    z.strictObject({
      ...fromEvent,
      reviewId: IdSchema,
      reviewedAt: IsoDateTimeSchema,
      level: AutonomyLevelSchema,
      /** Milestones verified as of this review (only verified milestones count). */
      verifiedMilestoneIds: uniqueList(MilestoneIdSchema),
    }),
    'An autonomy review was recorded: fulfil the review obligation; graduation after two consecutive reviews at the goal level; a rising level lengthens the cadence.',
    [AutonomyReviewRecordedV1],
  ),
  cascadeTrainingVerified: signal(
    WORKFLOW_SIGNAL_NAMES.cascadeTrainingVerified,
    z.strictObject({
      ...fromEvent,
      cascadeId: IdSchema,
      generation: z.int().min(2),
      reachCount: z.int().min(1),
    }),
    'A cascade training was verified: count it towards the knowledge-transfer target.',
    [CascadeVerifiedV1],
  ),
  siteVisitCheckInDue: signal(
    WORKFLOW_SIGNAL_NAMES.siteVisitCheckInDue,
    z.strictObject({
      ...fromEvent,
      followUpId: IdSchema,
      checkInId: IdSchema,
      officerId: IdSchema,
      checkInDueAt: IsoDateTimeSchema,
    }),
    'An officer left for a site visit: open a check-in obligation that escalates to the program manager when missed.',
    [SiteVisitCheckInDueV1],
  ),
  siteVisitCheckInConfirmed: signal(
    WORKFLOW_SIGNAL_NAMES.siteVisitCheckInConfirmed,
    z.strictObject({
      ...fromEvent,
      followUpId: IdSchema,
      checkInId: IdSchema,
      confirmedAt: IsoDateTimeSchema,
    }),
    'The officer confirmed safe return: fulfil the check-in obligation.',
    [SiteVisitCheckInConfirmedV1],
  ),
  pause: signal(
    WORKFLOW_SIGNAL_NAMES.pause,
    z.strictObject({ ...command, reason: PauseReasonSchema }),
    'Command: pause the engagement. Deadlines stop; on resume they shift by the time spent paused.',
  ),
  resume: signal(
    WORKFLOW_SIGNAL_NAMES.resume,
    z.strictObject({ ...command, reason: z.enum(RESUME_REASONS) }),
    'Command: resume a paused engagement in the phase it was paused in.',
  ),
  terminate: signal(
    WORKFLOW_SIGNAL_NAMES.terminate,
    z.strictObject({ ...command, reason: TerminationReasonSchema }),
    'Command: end the engagement before graduation; every open obligation is cancelled.',
  ),
} as const;

/** Keys of {@link WORKFLOW_SIGNALS}. */
export type WorkflowSignalKey = keyof typeof WORKFLOW_SIGNALS;

/** The argument type of a signal. */
export type WorkflowSignalArgs<K extends WorkflowSignalKey> = z.output<
  (typeof WORKFLOW_SIGNALS)[K]['args']
>;

/** A signal to send: its key, its versioned name and its validated arguments. */
export type WorkflowSignalCall = {
  [K in WorkflowSignalKey]: {
    signal: K;
    name: (typeof WORKFLOW_SIGNALS)[K]['name'];
    args: WorkflowSignalArgs<K>;
  };
}[WorkflowSignalKey];

// ---------------------------------------------------------------------------------------------
// Query and update

/** One open obligation as the status query reports it. */
export const OpenObligationSchema = z.strictObject({
  obligationId: IdSchema,
  kind: ObligationKindSchema,
  subjectId: IdSchema.optional(),
  assigneeId: IdSchema,
  dueAt: IsoDateTimeSchema,
  overdue: z.boolean(),
  escalated: z.boolean(),
});
export type OpenObligation = z.infer<typeof OpenObligationSchema>;

/** The result of the `status.v1` query. */
export const EngagementStatusSchema = z.strictObject({
  engagementId: IdSchema,
  phase: PhaseSchema,
  /** While paused: the phase to resume in. */
  pausedFromPhase: PhaseSchema.optional(),
  /** Workflow time the status was computed at. */
  asOf: IsoDateTimeSchema,
  agreement: z.strictObject({ agreementId: IdSchema, agreementVersion: z.int().min(1) }).nullable(),
  /** The current (possibly adapted) follow-up interval; null before the agreement is active. */
  coachingCadence: IsoDurationSchema.nullable(),
  openObligations: z.array(OpenObligationSchema),
  overdueCount: CountSchema,
  autonomy: z.strictObject({
    goalLevel: AutonomyLevelSchema.nullable(),
    consecutiveReviewsAtGoal: CountSchema,
    /** Latest reviews, oldest first (bounded). */
    trend: z.array(
      z.strictObject({
        reviewId: IdSchema,
        reviewedAt: IsoDateTimeSchema,
        level: AutonomyLevelSchema,
      }),
    ),
  }),
  knowledgeTransfer: z.strictObject({ verifiedCascades: CountSchema, reach: CountSchema }),
  history: z.strictObject({
    phases: z.array(z.strictObject({ phase: PhaseSchema, since: IsoDateTimeSchema })),
    /** Domain events and commands applied (after deduplication). */
    appliedMessageCount: CountSchema,
    /** How many times the workflow continued as new. */
    continuedAsNewCount: CountSchema,
    lastMessageAt: IsoDateTimeSchema.nullable(),
  }),
});
export type EngagementStatus = z.infer<typeof EngagementStatusSchema>;

/** Queries of `capacityBuildingWorkflow`. */
export const WORKFLOW_QUERIES = {
  status: Object.freeze({
    name: WORKFLOW_QUERY_NAMES.status,
    result: EngagementStatusSchema,
    description:
      'Phase, open obligations with due dates (overdue and escalated flagged), autonomy trend and a history summary.',
  }),
} as const;

/**
 * Codes an update validator rejects with (as the ApplicationFailure type); they are HTTP error
 * codes (`ERROR_CODES`), so the gateway answers with the matching status.
 */
export const WORKFLOW_REJECTION_CODES = [
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'INVALID_STATE_TRANSITION',
  'DATE_IN_THE_PAST',
] as const;
export type WorkflowRejectionCode = (typeof WORKFLOW_REJECTION_CODES)[number];

/** Updates of `capacityBuildingWorkflow`. */
export const WORKFLOW_UPDATES = {
  rescheduleObligation: Object.freeze({
    name: WORKFLOW_UPDATE_NAMES.rescheduleObligation,
    args: z.strictObject({
      /** Unique per request (UUID); also the Temporal update id, so a retry is applied once. */
      requestId: z.uuid(),
      obligationId: IdSchema,
      dueAt: IsoDateTimeSchema,
      actor: ActorSchema,
      reason: RescheduleReasonSchema,
    }),
    result: z.strictObject({
      obligationId: IdSchema,
      previousDueAt: IsoDateTimeSchema,
      dueAt: IsoDateTimeSchema,
    }),
    description:
      'Move the due date of an open obligation. Rejected with NOT_FOUND (no such open obligation), INVALID_STATE_TRANSITION (engagement paused or ended), DATE_IN_THE_PAST (dueAt not after workflow time) or VALIDATION_FAILED.',
  }),
} as const;

export type RescheduleObligationArgs = z.infer<typeof WORKFLOW_UPDATES.rescheduleObligation.args>;
export type RescheduleObligationResult = z.infer<
  typeof WORKFLOW_UPDATES.rescheduleObligation.result
>;

// ---------------------------------------------------------------------------------------------
// Event → workflow mapping (used by the orchestrator's bridge)

/** How the bridge starts an engagement's workflow. */
export interface WorkflowStart {
  workflowId: string;
  workflowType: typeof CAPACITY_BUILDING_WORKFLOW_TYPE;
  taskQueue: typeof CAPACITY_BUILDING_TASK_QUEUE;
  input: CapacityBuildingInput;
}

/** The workflow start for an `engagement.engagement.created` event; undefined for any other event. */
export function workflowStartFromEvent(event: TrellisEvent): WorkflowStart | undefined {
  if (event.type !== EngagementCreatedV1.type) return undefined;
  const p = event.payload;
  const input = parseContract(
    CapacityBuildingInputSchema,
    {
      engagementId: p.engagementId,
      organisationId: p.organisationId,
      unitId: p.unitId,
      programManagerId: p.programManagerId,
      ...(p.leadOfficerId !== undefined ? { leadOfficerId: p.leadOfficerId } : {}),
      eventId: event.id,
      createdAt: event.occurredAt,
    },
    CAPACITY_BUILDING_WORKFLOW_TYPE,
  );
  return {
    workflowId: workflowIdForEngagement(p.engagementId),
    workflowType: CAPACITY_BUILDING_WORKFLOW_TYPE,
    taskQueue: CAPACITY_BUILDING_TASK_QUEUE,
    input,
  };
}

function call<K extends WorkflowSignalKey>(key: K, args: unknown): WorkflowSignalCall {
  const contract = WORKFLOW_SIGNALS[key];
  return {
    signal: key,
    name: contract.name,
    args: parseContract(contract.args, args, contract.name),
  } as WorkflowSignalCall;
}

/**
 * The signal an event maps to, with validated arguments, or undefined when the workflow does
 * not care about the event. The target workflow is `workflowIdForEngagement(event.engagementId)`.
 */
export function signalFromEvent(event: TrellisEvent): WorkflowSignalCall | undefined {
  const source = { eventId: event.id, eventOccurredAt: event.occurredAt };
  switch (event.type) {
    case 'engagement.agreement.activated': {
      const { agreementId, agreementVersion, terms } = event.payload;
      return call('agreementActivated', { ...source, agreementId, agreementVersion, terms });
    }
    case 'engagement.agreement.amended': {
      const { agreementId, agreementVersion, previousVersion, terms } = event.payload;
      return call('agreementAmended', {
        ...source,
        agreementId,
        agreementVersion,
        previousVersion,
        terms,
      });
    }
    case 'engagement.engagement.lead-officer-assigned':
      return call('assigneesChanged', { ...source, leadOfficerId: event.payload.leadOfficerId });
    case 'engagement.engagement.program-manager-assigned':
      return call('assigneesChanged', {
        ...source,
        programManagerId: event.payload.programManagerId,
      });
    case 'training.session.held': {
      const { sessionId, planItemId, heldAt, level, moduleIds } = event.payload;
      return call('trainingSessionHeld', {
        ...source,
        sessionId,
        ...(planItemId !== undefined ? { planItemId } : {}),
        heldAt,
        level,
        moduleIds,
      });
    }
    case 'risk.assessment.completed': {
      const { riskAssessmentId, trigger, triggeringIncidentIds, overallScore, overallLevel } =
        event.payload;
      return call('riskAssessmentCompleted', {
        ...source,
        riskAssessmentId,
        trigger,
        triggeringIncidentIds,
        overallScore,
        overallLevel,
      });
    }
    case 'risk.security-plan.adopted': {
      const { securityPlanId, planVersion, emergencyProtocols } = event.payload;
      return call('securityPlanAdopted', {
        ...source,
        securityPlanId,
        planVersion,
        emergencyProtocols,
      });
    }
    case 'risk.emergency-protocol.rehearsed': {
      const { securityPlanId, itemId, rehearsedAt } = event.payload;
      return call('emergencyProtocolRehearsed', { ...source, securityPlanId, itemId, rehearsedAt });
    }
    case 'risk.incident.reported': {
      const { incidentId, incidentType, severity, serious, occurredAt } = event.payload;
      return call('incidentReported', {
        ...source,
        incidentId,
        incidentType,
        severity,
        serious,
        occurredAt,
      });
    }
    case 'coaching.follow-up.held': {
      const { followUpId, kind, obligationId, heldAt } = event.payload;
      return call('followUpHeld', {
        ...source,
        followUpId,
        kind,
        ...(obligationId !== undefined ? { obligationId } : {}),
        heldAt,
      });
    }
    case 'coaching.site-visit.check-in-due': {
      const { followUpId, checkInId, officerId, checkInDueAt } = event.payload;
      return call('siteVisitCheckInDue', {
        ...source,
        followUpId,
        checkInId,
        officerId,
        checkInDueAt,
      });
    }
    case 'coaching.site-visit.check-in-confirmed': {
      const { followUpId, checkInId, confirmedAt } = event.payload;
      return call('siteVisitCheckInConfirmed', { ...source, followUpId, checkInId, confirmedAt });
    }
    case 'autonomy.review.recorded': {
      const { reviewId, reviewedAt, level, milestones } = event.payload;
      const verifiedMilestoneIds = Object.entries(milestones)
        .filter(([, status]) => status === 'verified')
        .map(([id]) => id);
      return call('autonomyReviewRecorded', {
        ...source,
        reviewId,
        reviewedAt,
        level,
        verifiedMilestoneIds,
      });
    }
    case 'training.cascade.verified': {
      const { cascadeId, generation, reachCount } = event.payload;
      return call('cascadeTrainingVerified', { ...source, cascadeId, generation, reachCount });
    }
    default:
      return undefined;
  }
}

/** Validates a signal's arguments inside the workflow (throws ContractViolationError). */
export function parseSignalArgs<K extends WorkflowSignalKey>(
  key: K,
  args: unknown,
): WorkflowSignalArgs<K> {
  const contract = WORKFLOW_SIGNALS[key];
  return parseContract(contract.args, args, contract.name) as WorkflowSignalArgs<K>;
}
