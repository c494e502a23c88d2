import {
  ApplicationFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
  type ChildWorkflowHandle,
  type SignalDefinition,
} from '@temporalio/workflow';
import type {
  CapacityBuildingInput,
  EngagementStatus,
  ObligationCancellationReason,
  ObligationKind,
  Phase,
  PhaseChangeReason,
  RescheduleObligationArgs,
  RescheduleObligationResult,
  WorkflowRejectionCode,
  WorkflowSignalArgs,
  WorkflowSignalKey,
} from '@trellis/contracts';
import {
  WORKFLOW_QUERY_NAMES,
  WORKFLOW_SIGNAL_NAMES,
  WORKFLOW_UPDATE_NAMES,
  parseIsoDuration,
} from '@trellis/contracts/core';
import type { WorkflowActivities } from './activities';
import {
  AGREEMENT_SIGNATURE_DEFAULTS,
  AUTONOMY_TREND_LIMIT,
  clampCadence,
  countApplied,
  defaultAssignee,
  initialState,
  lengthenedCadence,
  markApplied,
  openOfKind,
  riskRose,
  shortenedCadence,
  statusOf,
  workingPhase,
  type ResumablePhase,
  type EngagementState,
  type ObligationState,
} from './capacity-building.state';
import { deterministicUuid } from './ids';
import {
  obligationClosedSignal,
  obligationDeadlineWorkflow,
  scheduleChangedSignal,
  type DeadlineChangeReason,
  type DeadlineStage,
  type ObligationClosedArgs,
  type ObligationDeadlineInput,
} from './obligation-deadline.workflow';

/*
 * `capacityBuildingWorkflow`: one per engagement (id `workflowIdForEngagement(engagementId)`),
 * from agreement to autonomy (DESIGN.md §1, §3). Signals (domain events mapped by the bridge,
 * and commands) are validated, deduplicated by event/command id and queued; the main loop
 * applies them one at a time, so effects (phase changes, obligation children) happen in order.
 *
 * Phases: agreement → implementation → follow-up → knowledge-transfer → autonomous (closed),
 * plus paused (resumes into the phase it left) and terminated.
 */

/** A signal definition for every contract signal, keyed like `WORKFLOW_SIGNALS` (names only). */
export const capacityBuildingSignals = Object.fromEntries(
  (Object.keys(WORKFLOW_SIGNAL_NAMES) as WorkflowSignalKey[]).map((key) => [
    key,
    defineSignal(WORKFLOW_SIGNAL_NAMES[key]),
  ]),
) as {
  [K in WorkflowSignalKey]: SignalDefinition<
    [WorkflowSignalArgs<K>],
    (typeof WORKFLOW_SIGNAL_NAMES)[K]
  >;
};

/** `status.v1`: phase, open obligations, autonomy trend, history summary. */
export const statusQuery = defineQuery<EngagementStatus>(WORKFLOW_QUERY_NAMES.status);

/** `rescheduleObligation.v1`: move the due instant of an open obligation. */
export const rescheduleObligationUpdate = defineUpdate<
  RescheduleObligationResult,
  [RescheduleObligationArgs]
>(WORKFLOW_UPDATE_NAMES.rescheduleObligation);

/** History length at which a run continues as new (unless the server suggests it earlier). */
export const DEFAULT_HISTORY_LENGTH_LIMIT = 10_000;

/** Second argument of the workflow: what a continued run carries (absent on the first run). */
export interface CapacityBuildingCarry {
  state?: EngagementState;
  /** Override of {@link DEFAULT_HISTORY_LENGTH_LIMIT} (tests use a small one). */
  historyLengthLimit?: number;
  /** Messages received (and deduplicated) but not applied before the previous run ended. */
  pending?: CarriedMessage[];
}

/** A validated signal waiting to be applied (carried across continue-as-new). */
export type CarriedMessage = {
  [K in WorkflowSignalKey]: { key: K; args: WorkflowSignalArgs<K> };
}[WorkflowSignalKey];

/** Result of a finished engagement workflow. */
export interface CapacityBuildingResult {
  phase: Phase;
  status: EngagementStatus;
}

type QueuedMessage = CarriedMessage;

interface OpenSpec {
  kind: ObligationKind;
  dueAt: string;
  subjectId?: string;
  assigneeId?: string;
  recurrence?: string;
}

const activities = proxyActivities<Pick<WorkflowActivities, 'setEngagementPhase'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const ACTIVE_PHASES: readonly Phase[] = [
  'agreement',
  'implementation',
  'follow-up',
  'knowledge-transfer',
];
const IMPLEMENTATION_KINDS: ObligationKind[] = [
  'training-session',
  'risk-assessment',
  'security-plan-adoption',
];

function reject(code: WorkflowRejectionCode, message: string): never {
  throw ApplicationFailure.create({ type: code, message, nonRetryable: true });
}

/** The long-running workflow of one engagement (see the file comment). */
export async function capacityBuildingWorkflow(
  input: CapacityBuildingInput,
  carry: CapacityBuildingCarry = {},
): Promise<CapacityBuildingResult> {
  const workflowId = workflowInfo().workflowId;
  const state: EngagementState = carry.state ?? initialState(input, new Date());
  const historyLengthLimit = carry.historyLengthLimit ?? DEFAULT_HISTORY_LENGTH_LIMIT;
  const queue: QueuedMessage[] = [...(carry.pending ?? [])];
  /** Child starts and child signals of the message being applied, awaited together. */
  let effects: Array<Promise<unknown>> = [];
  /** Deadline children started by this run. */
  const children: Array<ChildWorkflowHandle<typeof obligationDeadlineWorkflow>> = [];

  // The message schemas (zod) are loaded here, in the engagement's own workflow, not by the
  // bundle's static imports: Temporal evaluates a bundle's modules once per workflow, and every
  // deadline child would otherwise evaluate every schema of the contracts (see
  // `@trellis/contracts/core`). The import resolves within this activation (one bundle).
  const { WORKFLOW_SIGNALS, WORKFLOW_UPDATES } = await import('@trellis/contracts');

  // ----------------------------------------------------------------------------- handlers
  for (const key of Object.keys(WORKFLOW_SIGNALS) as WorkflowSignalKey[]) {
    const contract = WORKFLOW_SIGNALS[key];
    setHandler(defineSignal<[unknown]>(contract.name), (raw: unknown) => {
      const parsed = contract.args.safeParse(raw);
      if (!parsed.success) {
        log.warn('Ignored an invalid signal', {
          signal: contract.name,
          issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
        });
        return;
      }
      const args = parsed.data as { eventId?: string; commandId?: string };
      const id = args.eventId ?? args.commandId;
      if (id === undefined || !markApplied(state, `${key}:${id}`)) return;
      queue.push({ key, args: parsed.data } as QueuedMessage);
    });
  }

  setHandler(statusQuery, () => statusOf(state, new Date()));

  setHandler(
    rescheduleObligationUpdate,
    async (args: RescheduleObligationArgs) => {
      const obligation = state.obligations[args.obligationId];
      if (obligation === undefined) reject('NOT_FOUND', 'No such open obligation');
      const previousDueAt = obligation.dueAt;
      if (markApplied(state, `rescheduleObligation:${args.requestId}`)) {
        countApplied(state, new Date());
        moveDeadline(obligation, args.dueAt, args.reason);
        await flushEffects();
      }
      return { obligationId: obligation.obligationId, previousDueAt, dueAt: obligation.dueAt };
    },
    {
      validator: (args: RescheduleObligationArgs) => {
        const parsed = WORKFLOW_UPDATES.rescheduleObligation.args.safeParse(args);
        if (!parsed.success) {
          reject('VALIDATION_FAILED', parsed.error.issues.map((i) => i.path.join('.')).join(', '));
        }
        if (!ACTIVE_PHASES.includes(state.phase)) {
          reject('INVALID_STATE_TRANSITION', `The engagement is ${state.phase}`);
        }
        if (state.obligations[args.obligationId] === undefined) {
          reject('NOT_FOUND', 'No such open obligation');
        }
        if (Date.parse(args.dueAt) <= Date.now()) {
          reject('DATE_IN_THE_PAST', 'dueAt must be after the current time');
        }
      },
    },
  );

  // ------------------------------------------------------------------------------ effects
  async function flushEffects(): Promise<void> {
    const pending = effects;
    effects = [];
    await Promise.all(pending);
  }

  function durations(): Pick<
    ObligationDeadlineInput,
    'reminderLeadTime' | 'escalationGracePeriod'
  > {
    return {
      reminderLeadTime:
        state.terms?.reminderLeadTime ?? AGREEMENT_SIGNATURE_DEFAULTS.reminderLeadTime,
      escalationGracePeriod:
        state.terms?.escalationGracePeriod ?? AGREEMENT_SIGNATURE_DEFAULTS.escalationGracePeriod,
    };
  }

  function openObligation(spec: OpenSpec): ObligationState {
    state.sequence += 1;
    const obligationId = `${spec.kind}-${state.sequence}`;
    const obligation: ObligationState = {
      obligationId,
      kind: spec.kind,
      ...(spec.subjectId !== undefined ? { subjectId: spec.subjectId } : {}),
      assigneeId: spec.assigneeId ?? defaultAssignee(state),
      dueAt: spec.dueAt,
      openedAt: Date.now(),
      revision: 1,
      childWorkflowId: `${workflowId}:${obligationId}`,
      ...(spec.recurrence !== undefined ? { recurrence: spec.recurrence } : {}),
    };
    state.obligations[obligationId] = obligation;
    startDeadline(obligation);
    return obligation;
  }

  /** Starts the deadline child of an obligation (new, or taken over from the previous run). */
  function startDeadline(obligation: ObligationState, alreadySent?: DeadlineStage[]): void {
    const childInput: ObligationDeadlineInput = {
      engagementId: state.input.engagementId,
      organisationId: state.input.organisationId,
      unitId: state.input.unitId,
      obligationId: obligation.obligationId,
      obligationKind: obligation.kind,
      ...(obligation.subjectId !== undefined ? { subjectId: obligation.subjectId } : {}),
      assigneeId: obligation.assigneeId,
      programManagerId: state.programManagerId,
      dueAt: obligation.dueAt,
      ...durations(),
      revision: obligation.revision,
      suspended: state.phase === 'paused',
      ...(alreadySent !== undefined ? { handedOver: true, alreadySent } : {}),
    };
    effects.push(
      startChild(obligationDeadlineWorkflow, {
        workflowId: obligation.childWorkflowId,
        args: [childInput],
        // A child never outlives its run: handed over before continue-as-new (see README).
        parentClosePolicy: ParentClosePolicy.TERMINATE,
      }).then((handle) => {
        children.push(handle);
      }),
    );
  }

  /** Waits for every child this run started (all closed or handed over) to complete. */
  async function awaitChildren(): Promise<Map<string, { dueAt: string; sent: DeadlineStage[] }>> {
    const sent = new Map<string, { dueAt: string; sent: DeadlineStage[] }>();
    const handles = children.splice(0);
    await Promise.all(
      handles.map(async (handle) => {
        try {
          const result = await handle.result();
          sent.set(handle.workflowId, { dueAt: result.dueAt, sent: result.sentForDueAt });
        } catch (err) {
          log.warn('A deadline workflow failed', {
            error: err instanceof Error ? err.name : 'unknown',
          });
        }
      }),
    );
    return sent;
  }

  function signalChild(obligation: ObligationState, send: () => Promise<void>): void {
    effects.push(
      send().catch((err: unknown) => {
        // The child may already be gone (e.g. terminated by an operator): nothing to stop.
        log.warn('Could not signal a deadline workflow', {
          obligationId: obligation.obligationId,
          error: err instanceof Error ? err.name : 'unknown',
        });
      }),
    );
  }

  function closeObligation(obligation: ObligationState, args: ObligationClosedArgs): void {
    delete state.obligations[obligation.obligationId];
    const handle = getExternalWorkflowHandle(obligation.childWorkflowId);
    signalChild(obligation, () => handle.signal(obligationClosedSignal, args));
  }

  function fulfil(obligation: ObligationState, eventId: string): void {
    closeObligation(obligation, {
      outcome: 'fulfilled',
      fulfilledAt: new Date().toISOString(),
      sourceEventId: eventId,
    });
  }

  function cancel(obligation: ObligationState, reason: ObligationCancellationReason): void {
    closeObligation(obligation, { outcome: 'cancelled', reason });
  }

  /** Sends the obligation's current schedule to its child (new revision). */
  function sendSchedule(obligation: ObligationState, reason?: DeadlineChangeReason): void {
    obligation.revision += 1;
    const handle = getExternalWorkflowHandle(obligation.childWorkflowId);
    const args = {
      revision: obligation.revision,
      dueAt: obligation.dueAt,
      assigneeId: obligation.assigneeId,
      programManagerId: state.programManagerId,
      suspended: state.phase === 'paused',
      ...(reason !== undefined ? { reason } : {}),
    };
    signalChild(obligation, () => handle.signal(scheduleChangedSignal, args));
  }

  function moveDeadline(obligation: ObligationState, dueAt: string, reason: DeadlineChangeReason) {
    if (obligation.dueAt === dueAt) return;
    obligation.dueAt = dueAt;
    sendSchedule(obligation, reason);
  }

  const inMs = (ms: number): string => new Date(Date.now() + ms).toISOString();

  async function changePhase(to: Phase, reason: PhaseChangeReason): Promise<void> {
    if (
      state.phase === 'paused' &&
      to !== 'paused' &&
      reason !== 'resumed' &&
      to !== 'terminated'
    ) {
      // Progress made while paused: resume into the new phase.
      state.pausedFromPhase = to;
      return;
    }
    const expectedPhase = state.phase;
    state.sequence += 1;
    const requestId = deterministicUuid(`${workflowId}:phase:${state.sequence}`);
    state.phase = to;
    state.phases.push({ phase: to, since: new Date().toISOString() });
    await activities.setEngagementPhase({
      engagementId: state.input.engagementId,
      request: { requestId, phase: to, expectedPhase, reason },
    });
  }

  // ---------------------------------------------------------------------- phase progress
  async function enterPhase(to: ResumablePhase | 'autonomous', reason: PhaseChangeReason) {
    const terms = state.terms;
    if (terms === null) return;
    if (to === 'follow-up') {
      openNextFollowUp();
      openObligation({
        kind: 'autonomy-review',
        dueAt: inMs(parseIsoDuration(terms.autonomyReviewCadence)),
      });
    } else if (to === 'knowledge-transfer') {
      for (const o of openOfKind(state, 'autonomy-review')) cancel(o, 'not-applicable');
      openObligation({
        kind: 'cascade-verification',
        dueAt: inMs(parseIsoDuration(terms.autonomyReviewCadence)),
      });
    } else if (to === 'autonomous') {
      for (const o of Object.values(state.obligations)) cancel(o, 'not-applicable');
      const checkIn = openObligation({
        kind: 'post-closure-check-in',
        dueAt: inMs(parseIsoDuration(terms.postClosureCheckInAfter)),
      });
      state.postClosureObligationId = checkIn.obligationId;
    }
    await changePhase(to, reason);
  }

  function cascadeTargetMet(): boolean {
    const target = state.terms?.autonomyGoals.cascadeTarget;
    return (
      target !== undefined &&
      state.knowledgeTransfer.verifiedCascades >= target.verifiedCascades &&
      state.knowledgeTransfer.reach >= target.reach
    );
  }

  /** Moves through every phase whose exit condition holds. */
  async function progress(): Promise<void> {
    for (;;) {
      const phase = workingPhase(state);
      if (phase === 'implementation' && openOfKind(state, ...IMPLEMENTATION_KINDS).length === 0) {
        await enterPhase('follow-up', 'implementation-completed');
      } else if (phase === 'follow-up' && state.consecutiveReviewsAtGoal >= 2) {
        await enterPhase('knowledge-transfer', 'autonomy-goal-reached');
      } else if (phase === 'knowledge-transfer' && cascadeTargetMet()) {
        for (const o of openOfKind(state, 'cascade-verification')) {
          fulfil(o, deterministicUuid(`${workflowId}:cascade-target`));
        }
        await enterPhase('autonomous', 'knowledge-transfer-completed');
      } else {
        return;
      }
    }
  }

  // --------------------------------------------------------------------------- cadence
  function openNextFollowUp(): void {
    if (state.cadenceMs === null) return;
    if (openOfKind(state, 'follow-up').length > 0) return;
    openObligation({ kind: 'follow-up', dueAt: inMs(state.cadenceMs) });
  }

  /** After the cadence shortened: pull open follow-ups in to the new interval. */
  function applyShorterCadence(): void {
    if (state.cadenceMs === null) return;
    const latest = Date.now() + state.cadenceMs;
    for (const o of openOfKind(state, 'follow-up')) {
      if (Date.parse(o.dueAt) > latest) {
        moveDeadline(o, new Date(latest).toISOString(), 'security-situation');
      }
    }
  }

  // ------------------------------------------------------------------------- messages
  async function apply(message: QueuedMessage): Promise<void> {
    countApplied(state, new Date());
    const phase = workingPhase(state);
    const closed = state.phase === 'terminated' || phase === 'autonomous';
    switch (message.key) {
      case 'agreementActivated': {
        const a = message.args;
        if (state.agreement !== null || phase !== 'agreement' || state.phase === 'terminated') {
          return;
        }
        state.agreement = { agreementId: a.agreementId, agreementVersion: a.agreementVersion };
        state.terms = a.terms;
        state.cadenceMs = parseIsoDuration(a.terms.coachingCadence);
        state.programManagerId = a.terms.programManagerId;
        state.leadOfficerId = a.terms.leadOfficerId;
        for (const o of openOfKind(state, 'agreement-signature')) fulfil(o, a.eventId);
        for (const item of a.terms.trainingPlan.items) {
          openObligation({
            kind: 'training-session',
            subjectId: item.planItemId,
            dueAt: item.dueAt,
          });
        }
        openObligation({ kind: 'risk-assessment', dueAt: a.terms.riskAssessmentDueAt });
        openObligation({ kind: 'security-plan-adoption', dueAt: a.terms.securityPlanDueAt });
        await changePhase('implementation', 'agreement-activated');
        break;
      }
      case 'agreementAmended': {
        const a = message.args;
        const previous = state.terms;
        if (closed || previous === null || state.agreement === null) return;
        if (a.agreementVersion <= state.agreement.agreementVersion) return;
        state.agreement = { agreementId: a.agreementId, agreementVersion: a.agreementVersion };
        state.terms = a.terms;
        reassign(a.terms.leadOfficerId, a.terms.programManagerId);
        const items = new Map(a.terms.trainingPlan.items.map((i) => [i.planItemId, i]));
        const before = new Set(previous.trainingPlan.items.map((i) => i.planItemId));
        for (const o of openOfKind(state, 'training-session')) {
          const item = o.subjectId === undefined ? undefined : items.get(o.subjectId);
          if (item === undefined) cancel(o, 'agreement-amended');
          else moveDeadline(o, item.dueAt, 'other');
        }
        for (const item of a.terms.trainingPlan.items) {
          if (!before.has(item.planItemId)) {
            openObligation({
              kind: 'training-session',
              subjectId: item.planItemId,
              dueAt: item.dueAt,
            });
          }
        }
        for (const o of openOfKind(state, 'risk-assessment')) {
          moveDeadline(o, a.terms.riskAssessmentDueAt, 'other');
        }
        for (const o of openOfKind(state, 'security-plan-adoption')) {
          moveDeadline(o, a.terms.securityPlanDueAt, 'other');
        }
        const cadence =
          a.terms.coachingCadence !== previous.coachingCadence
            ? parseIsoDuration(a.terms.coachingCadence)
            : clampCadence(state.cadenceMs ?? parseIsoDuration(a.terms.coachingCadence), a.terms);
        const shorter = state.cadenceMs !== null && cadence < state.cadenceMs;
        state.cadenceMs = cadence;
        if (shorter) applyShorterCadence();
        break;
      }
      case 'assigneesChanged':
        if (closed) return;
        reassign(message.args.leadOfficerId, message.args.programManagerId);
        break;
      case 'trainingSessionHeld': {
        const { planItemId, eventId } = message.args;
        for (const o of openOfKind(state, 'training-session')) {
          if (planItemId !== undefined && o.subjectId === planItemId) fulfil(o, eventId);
        }
        break;
      }
      case 'riskAssessmentCompleted': {
        const a = message.args;
        for (const o of openOfKind(state, 'risk-assessment')) fulfil(o, a.eventId);
        for (const o of openOfKind(state, 'incident-reassessment')) {
          if (o.subjectId !== undefined && a.triggeringIncidentIds.includes(o.subjectId)) {
            fulfil(o, a.eventId);
          }
        }
        const rose = riskRose(state.riskLevel, a.overallLevel);
        state.riskLevel = a.overallLevel;
        if (rose && state.terms !== null && state.cadenceMs !== null && !closed) {
          state.cadenceMs = shortenedCadence(state.cadenceMs, state.terms);
          applyShorterCadence();
        }
        break;
      }
      case 'securityPlanAdopted': {
        const a = message.args;
        for (const o of openOfKind(state, 'security-plan-adoption')) fulfil(o, a.eventId);
        if (closed) break;
        for (const protocol of a.emergencyProtocols) {
          for (const o of openOfKind(state, 'protocol-rehearsal')) {
            if (o.subjectId === protocol.itemId) cancel(o, 'superseded');
          }
          openObligation({
            kind: 'protocol-rehearsal',
            subjectId: protocol.itemId,
            dueAt: inMs(parseIsoDuration(protocol.rehearsalCadence)),
            recurrence: protocol.rehearsalCadence,
          });
        }
        break;
      }
      case 'emergencyProtocolRehearsed': {
        const a = message.args;
        for (const o of openOfKind(state, 'protocol-rehearsal')) {
          if (o.subjectId !== a.itemId) continue;
          fulfil(o, a.eventId);
          if (!closed && o.recurrence !== undefined) {
            openObligation({
              kind: 'protocol-rehearsal',
              subjectId: a.itemId,
              dueAt: inMs(parseIsoDuration(o.recurrence)),
              recurrence: o.recurrence,
            });
          }
        }
        break;
      }
      case 'followUpHeld': {
        const a = message.args;
        if (phase === 'autonomous' && state.postClosureObligationId !== undefined) {
          const checkIn = state.obligations[state.postClosureObligationId];
          if (checkIn !== undefined) fulfil(checkIn, a.eventId);
          break;
        }
        const open = openOfKind(state, 'follow-up');
        const match = open.find((o) => o.obligationId === a.obligationId) ?? open[0];
        if (match !== undefined) fulfil(match, a.eventId);
        if (phase === 'follow-up' || phase === 'knowledge-transfer') openNextFollowUp();
        break;
      }
      case 'incidentReported': {
        const a = message.args;
        const terms = state.terms;
        if (!a.serious || terms === null || closed) break;
        openObligation({
          kind: 'incident-reassessment',
          subjectId: a.incidentId,
          dueAt: inMs(parseIsoDuration(terms.reassessmentAfterSeriousIncident)),
        });
        if (state.cadenceMs !== null) {
          state.cadenceMs = shortenedCadence(state.cadenceMs, terms);
          applyShorterCadence();
        }
        break;
      }
      case 'autonomyReviewRecorded': {
        const a = message.args;
        const terms = state.terms;
        const [review] = openOfKind(state, 'autonomy-review');
        if (review !== undefined) fulfil(review, a.eventId);
        const previous = state.autonomyTrend[state.autonomyTrend.length - 1];
        state.autonomyTrend.push({
          reviewId: a.reviewId,
          reviewedAt: a.reviewedAt,
          level: a.level,
        });
        if (state.autonomyTrend.length > AUTONOMY_TREND_LIMIT) state.autonomyTrend.shift();
        if (terms === null || closed) break;
        state.consecutiveReviewsAtGoal =
          a.level >= terms.autonomyGoals.targetLevel ? state.consecutiveReviewsAtGoal + 1 : 0;
        if (previous !== undefined && a.level > previous.level && state.cadenceMs !== null) {
          state.cadenceMs = lengthenedCadence(state.cadenceMs, terms);
        }
        if (phase === 'follow-up' && state.consecutiveReviewsAtGoal < 2) {
          openObligation({
            kind: 'autonomy-review',
            dueAt: inMs(parseIsoDuration(terms.autonomyReviewCadence)),
          });
        }
        break;
      }
      case 'cascadeTrainingVerified':
        state.knowledgeTransfer.verifiedCascades += 1;
        state.knowledgeTransfer.reach += message.args.reachCount;
        break;
      case 'siteVisitCheckInDue': {
        const a = message.args;
        if (closed) break;
        if (openOfKind(state, 'site-visit-check-in').some((o) => o.subjectId === a.checkInId)) {
          break;
        }
        openObligation({
          kind: 'site-visit-check-in',
          subjectId: a.checkInId,
          assigneeId: a.officerId,
          dueAt: a.checkInDueAt,
        });
        break;
      }
      case 'siteVisitCheckInConfirmed':
        for (const o of openOfKind(state, 'site-visit-check-in')) {
          if (o.subjectId === message.args.checkInId) fulfil(o, message.args.eventId);
        }
        break;
      case 'pause':
        if (!ACTIVE_PHASES.includes(state.phase)) return;
        state.pausedFromPhase = state.phase as ResumablePhase;
        state.pausedAt = Date.now();
        await changePhase('paused', 'paused');
        for (const o of Object.values(state.obligations)) sendSchedule(o);
        break;
      case 'resume': {
        if (state.phase !== 'paused') return;
        const pausedAt = state.pausedAt ?? Date.now();
        const to = state.pausedFromPhase ?? 'agreement';
        delete state.pausedAt;
        delete state.pausedFromPhase;
        for (const o of Object.values(state.obligations)) {
          const shift = Date.now() - Math.max(pausedAt, o.openedAt);
          o.dueAt = new Date(Date.parse(o.dueAt) + shift).toISOString();
        }
        await changePhase(to, 'resumed');
        for (const o of Object.values(state.obligations)) sendSchedule(o, 'engagement-resumed');
        break;
      }
      case 'terminate':
        if (state.phase === 'terminated' || phase === 'autonomous') return;
        for (const o of Object.values(state.obligations)) cancel(o, 'engagement-terminated');
        delete state.pausedAt;
        delete state.pausedFromPhase;
        await changePhase('terminated', 'terminated');
        break;
    }
    await flushEffects();
    if (state.phase !== 'terminated') await progress();
    await flushEffects();
  }

  function reassign(leadOfficerId?: string, programManagerId?: string): void {
    const previousLead = defaultAssignee(state);
    const previousManager = state.programManagerId;
    if (leadOfficerId !== undefined) state.leadOfficerId = leadOfficerId;
    if (programManagerId !== undefined) state.programManagerId = programManagerId;
    const lead = defaultAssignee(state);
    for (const o of Object.values(state.obligations)) {
      const reassigned = o.assigneeId === previousLead && lead !== previousLead;
      if (reassigned) o.assigneeId = lead;
      if (reassigned || state.programManagerId !== previousManager) sendSchedule(o);
    }
  }

  // ------------------------------------------------------------------------- main loop
  if (carry.state === undefined) {
    openObligation({
      kind: 'agreement-signature',
      dueAt: inMs(parseIsoDuration(AGREEMENT_SIGNATURE_DEFAULTS.signWithin)),
    });
  } else {
    // Take over the obligations handed over by the previous run.
    for (const o of Object.values(state.obligations)) {
      const alreadySent = o.sentStages ?? [];
      delete o.sentStages;
      startDeadline(o, alreadySent);
    }
  }
  await flushEffects();

  const finished = (): boolean =>
    state.phase === 'terminated' ||
    (state.phase === 'autonomous' &&
      (state.postClosureObligationId === undefined ||
        state.obligations[state.postClosureObligationId] === undefined));
  const historyTooLong = (): boolean => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength >= historyLengthLimit;
  };

  /**
   * Milliseconds until the next due or escalation instant of an open obligation: the run wakes
   * then, so the workflow time a status query sees has overdue/escalated flags up to date.
   */
  const untilNextDeadlineEdge = (): number | undefined => {
    if (state.phase === 'paused') return undefined;
    const now = Date.now();
    const graceMs = parseIsoDuration(durations().escalationGracePeriod);
    const edges = Object.values(state.obligations)
      .flatMap((o) => [Date.parse(o.dueAt), Date.parse(o.dueAt) + graceMs])
      .filter((t) => t > now);
    return edges.length > 0 ? Math.min(...edges) - now : undefined;
  };

  for (;;) {
    const wake = (): boolean => queue.length > 0 || historyTooLong();
    const timeout = untilNextDeadlineEdge();
    if (timeout === undefined) await condition(wake);
    else await condition(wake, timeout + 1);
    for (let message = queue.shift(); message !== undefined; message = queue.shift()) {
      await apply(message);
    }
    if (finished()) break;
    if (historyTooLong()) {
      await condition(allHandlersFinished);
      if (queue.length > 0) continue;
      for (const o of Object.values(state.obligations)) {
        const handle = getExternalWorkflowHandle(o.childWorkflowId);
        signalChild(o, () => handle.signal(obligationClosedSignal, { outcome: 'handed-over' }));
      }
      await flushEffects();
      const sent = await awaitChildren();
      for (const o of Object.values(state.obligations)) {
        // Stages sent for another due instant (moved during the handover) do not count.
        const handedOver = sent.get(o.childWorkflowId);
        o.sentStages = handedOver?.dueAt === o.dueAt ? handedOver.sent : [];
      }
      state.continuedAsNewCount += 1;
      // Signals that arrived during the handover are applied by the next run.
      await continueAsNew<typeof capacityBuildingWorkflow>(input, {
        state,
        historyLengthLimit,
        pending: queue.splice(0),
      });
    }
  }
  await condition(allHandlersFinished);
  await awaitChildren();
  return { phase: state.phase, status: statusOf(state, new Date()) };
}
