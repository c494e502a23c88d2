import type {
  AgreementTerms,
  AutonomyLevel,
  CapacityBuildingInput,
  EngagementStatus,
  ObligationKind,
  Phase,
  RiskLevel,
} from '@trellis/contracts';
import { RISK_LEVELS, formatIsoDuration, parseIsoDuration } from '@trellis/contracts/core';
import type { DeadlineStage } from './obligation-deadline.workflow';

/*
 * The state of one engagement's `capacityBuildingWorkflow`: plain JSON (it is carried across
 * continue-as-new), and the pure rules over it — cadence adaptation, message deduplication,
 * the status view. No Temporal import, so it is unit-testable and replay-safe.
 */

/** Phases a pause can resume into (progress made while paused may reach `autonomous`). */
export type ResumablePhase = Exclude<Phase, 'paused' | 'terminated'>;

/** An open obligation tracked by the workflow (its deadline child runs the reminders). */
export interface ObligationState {
  obligationId: string;
  kind: ObligationKind;
  subjectId?: string;
  assigneeId: string;
  /** Due instant, ISO-8601 UTC. */
  dueAt: string;
  /** When it was opened (workflow time, epoch ms): a pause shifts it from max(pausedAt, openedAt). */
  openedAt: number;
  /** Schedule revision (bumped on every change sent to the child). */
  revision: number;
  /** Workflow id of its deadline child. */
  childWorkflowId: string;
  /** Rehearsal cadence of an emergency protocol (ISO-8601), for `protocol-rehearsal`. */
  recurrence?: string;
  /** Set only across continue-as-new: stages the handed-over child already sent. */
  sentStages?: DeadlineStage[];
}

/** One autonomy review in the trend. */
export interface AutonomyPoint {
  reviewId: string;
  reviewedAt: string;
  level: AutonomyLevel;
}

/** Everything `capacityBuildingWorkflow` knows; carried over on continue-as-new. */
export interface EngagementState {
  input: CapacityBuildingInput;
  phase: Phase;
  pausedFromPhase?: ResumablePhase;
  /** Epoch ms the current pause started at. */
  pausedAt?: number;
  programManagerId: string;
  leadOfficerId?: string;
  agreement: { agreementId: string; agreementVersion: number } | null;
  terms: AgreementTerms | null;
  /** Current (adapted) follow-up interval in ms; null before activation. */
  cadenceMs: number | null;
  riskLevel: RiskLevel | null;
  /** Open obligations by id. */
  obligations: Record<string, ObligationState>;
  /** Counter for obligation ids and phase-change request ids. */
  sequence: number;
  autonomyTrend: AutonomyPoint[];
  consecutiveReviewsAtGoal: number;
  knowledgeTransfer: { verifiedCascades: number; reach: number };
  phases: Array<{ phase: Phase; since: string }>;
  /** Ids of applied events/commands/updates, oldest first (bounded). */
  appliedIds: string[];
  appliedMessageCount: number;
  continuedAsNewCount: number;
  lastMessageAt: string | null;
  /** Set when the engagement is closed: the run ends once this obligation is settled. */
  postClosureObligationId?: string;
}

/** How many applied message ids are remembered for deduplication. */
export const APPLIED_ID_LIMIT = 2_000;
/** How many reviews the status trend keeps. */
export const AUTONOMY_TREND_LIMIT = 12;

/**
 * The agreement-signature obligation exists before any terms do, so its durations are
 * workflow defaults (the only durations not taken from the agreement).
 */
export const AGREEMENT_SIGNATURE_DEFAULTS = {
  signWithin: 'P30D',
  reminderLeadTime: 'P7D',
  escalationGracePeriod: 'P7D',
} as const;

/** The state a new engagement starts with. */
export function initialState(input: CapacityBuildingInput, now: Date): EngagementState {
  return {
    input,
    phase: 'agreement',
    programManagerId: input.programManagerId,
    ...(input.leadOfficerId !== undefined ? { leadOfficerId: input.leadOfficerId } : {}),
    agreement: null,
    terms: null,
    cadenceMs: null,
    riskLevel: null,
    obligations: {},
    sequence: 0,
    autonomyTrend: [],
    consecutiveReviewsAtGoal: 0,
    knowledgeTransfer: { verifiedCascades: 0, reach: 0 },
    phases: [{ phase: 'agreement', since: now.toISOString() }],
    appliedIds: [],
    appliedMessageCount: 0,
    continuedAsNewCount: 0,
    lastMessageAt: null,
  };
}

/** The default assignee of obligations: the lead officer, else the program manager. */
export function defaultAssignee(state: EngagementState): string {
  return state.leadOfficerId ?? state.programManagerId;
}

/**
 * Records a message id; false when it was already seen (the message must be ignored).
 * Keeps the last {@link APPLIED_ID_LIMIT} ids.
 */
export function markApplied(state: EngagementState, id: string): boolean {
  if (state.appliedIds.includes(id)) return false;
  state.appliedIds.push(id);
  if (state.appliedIds.length > APPLIED_ID_LIMIT) {
    state.appliedIds.splice(0, state.appliedIds.length - APPLIED_ID_LIMIT);
  }
  return true;
}

/** Counts a message as applied (status history). */
export function countApplied(state: EngagementState, at: Date): void {
  state.appliedMessageCount += 1;
  state.lastMessageAt = at.toISOString();
}

/** The cadence bounds of the terms in ms. */
export function cadenceBounds(terms: AgreementTerms): { shortest: number; longest: number } {
  return {
    shortest: parseIsoDuration(terms.coachingCadenceBounds.shortest),
    longest: parseIsoDuration(terms.coachingCadenceBounds.longest),
  };
}

/** A serious incident or a higher risk level halves the follow-up interval (not below the bound). */
export function shortenedCadence(cadenceMs: number, terms: AgreementTerms): number {
  return Math.max(cadenceBounds(terms).shortest, Math.round(cadenceMs / 2));
}

/** A rising autonomy level lengthens the interval by half (not above the bound). */
export function lengthenedCadence(cadenceMs: number, terms: AgreementTerms): number {
  return Math.min(cadenceBounds(terms).longest, Math.round(cadenceMs * 1.5));
}

/** Keeps a cadence within the bounds of (new) terms. */
export function clampCadence(cadenceMs: number, terms: AgreementTerms): number {
  const { shortest, longest } = cadenceBounds(terms);
  return Math.min(longest, Math.max(shortest, cadenceMs));
}

/** True when `next` is a higher risk band than `previous`. */
export function riskRose(previous: RiskLevel | null, next: RiskLevel): boolean {
  return previous !== null && RISK_LEVELS.indexOf(next) > RISK_LEVELS.indexOf(previous);
}

/** The phase the engagement works in (while paused: the phase to resume in). */
export function workingPhase(state: EngagementState): Phase {
  return state.phase === 'paused' ? (state.pausedFromPhase ?? 'agreement') : state.phase;
}

/** Open obligations of some kinds, oldest due first. */
export function openOfKind(state: EngagementState, ...kinds: ObligationKind[]): ObligationState[] {
  return Object.values(state.obligations)
    .filter((o) => kinds.includes(o.kind))
    .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
}

/** The `status.v1` query result at workflow time `now`. */
export function statusOf(state: EngagementState, now: Date): EngagementStatus {
  const nowMs = now.getTime();
  const graceMs = parseIsoDuration(
    state.terms?.escalationGracePeriod ?? AGREEMENT_SIGNATURE_DEFAULTS.escalationGracePeriod,
  );
  const paused = state.phase === 'paused';
  const openObligations = Object.values(state.obligations)
    .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))
    .map((o) => {
      const due = Date.parse(o.dueAt);
      return {
        obligationId: o.obligationId,
        kind: o.kind,
        ...(o.subjectId !== undefined ? { subjectId: o.subjectId } : {}),
        assigneeId: o.assigneeId,
        dueAt: o.dueAt,
        overdue: !paused && nowMs > due,
        escalated: !paused && nowMs >= due + graceMs,
      };
    });
  const goal = state.terms?.autonomyGoals;
  return {
    engagementId: state.input.engagementId,
    phase: state.phase,
    ...(state.pausedFromPhase !== undefined && paused
      ? { pausedFromPhase: state.pausedFromPhase }
      : {}),
    asOf: now.toISOString(),
    agreement: state.agreement,
    coachingCadence: state.cadenceMs === null ? null : formatIsoDuration(state.cadenceMs),
    openObligations,
    overdueCount: openObligations.filter((o) => o.overdue).length,
    autonomy: {
      goalLevel: goal?.targetLevel ?? null,
      consecutiveReviewsAtGoal: state.consecutiveReviewsAtGoal,
      trend: state.autonomyTrend.map((p) => ({ ...p })),
    },
    knowledgeTransfer: { ...state.knowledgeTransfer },
    history: {
      phases: state.phases.map((p) => ({ ...p })),
      appliedMessageCount: state.appliedMessageCount,
      continuedAsNewCount: state.continuedAsNewCount,
      lastMessageAt: state.lastMessageAt,
    },
  };
}
