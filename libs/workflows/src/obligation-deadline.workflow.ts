import {
  condition,
  defineQuery,
  defineSignal,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  ObligationCancellationReason,
  ObligationKind,
  RescheduleReason,
  ReminderStage,
} from '@trellis/contracts';
import { parseIsoDuration } from '@trellis/contracts/core';
import type { ReminderEventInput, WorkflowActivities } from './activities';
import { deterministicUuid } from './ids';

/*
 * `obligationDeadlineWorkflow`: one child workflow per obligation with a deadline. It reminds
 * the assignee `reminderLeadTime` before the due instant (`lead`) and on it (`due`), escalates
 * to the program manager `escalationGracePeriod` after it, and stops as soon as the parent
 * closes the obligation (fulfilled or cancelled). The parent moves the deadline (reschedule,
 * pause/resume shift, assignee change) with a revision-numbered signal.
 *
 * A child never outlives the run that started it: before the parent continues as new it hands
 * every open obligation over (signal `handed-over`: the child returns the stages it already
 * sent, without an event) and the new run starts a fresh child under the same workflow id
 * with those stages (`handedOver`, `alreadySent`), so no reminder is repeated or lost and the
 * deterministic event ids stay the same.
 */

/** Stages of a deadline: the two reminder stages and the escalation. */
export type DeadlineStage = ReminderStage | 'escalation';

/** Patch ids of this workflow (see README.md, "Changing running workflows"). */
export const DEADLINE_PATCHES = {
  /** Since this patch a `lead` reminder whose moment passed after the due instant is skipped. */
  skipLateLeadReminder: 'obligation-deadline.skip-late-lead-reminder',
} as const;

/** Start input of {@link obligationDeadlineWorkflow}. */
export interface ObligationDeadlineInput {
  engagementId: string;
  organisationId: string;
  unitId: string;
  obligationId: string;
  obligationKind: ObligationKind;
  subjectId?: string;
  assigneeId: string;
  programManagerId: string;
  /** The due instant (ISO-8601 UTC). */
  dueAt: string;
  /** ISO-8601 durations from the agreement terms. */
  reminderLeadTime: string;
  escalationGracePeriod: string;
  /** Schedule revision the child starts at (the parent's obligation revision). */
  revision: number;
  /** Start without reminders (the engagement is paused); a schedule change un-suspends. */
  suspended?: boolean;
  /** Taken over from the previous run of the parent: no `opened` event. */
  handedOver?: boolean;
  /** Stages already sent for `dueAt` (by the child of the previous run). */
  alreadySent?: DeadlineStage[];
}

/** Why a deadline moved (the `reminders.obligation.rescheduled` reasons). */
export type DeadlineChangeReason = RescheduleReason | 'engagement-paused' | 'engagement-resumed';

/** Signal arguments: a new schedule (applied only when `revision` is newer than the current). */
export interface ScheduleChangedArgs {
  revision: number;
  dueAt: string;
  assigneeId: string;
  programManagerId: string;
  suspended: boolean;
  /** Present when the due instant moved for a reason worth an event. */
  reason?: DeadlineChangeReason;
}

/**
 * Signal arguments: the obligation is closed (fulfilled or cancelled: with an event), or handed
 * over to the parent's next run (silently).
 */
export type ObligationClosedArgs =
  | { outcome: 'fulfilled'; fulfilledAt: string; sourceEventId?: string }
  | { outcome: 'cancelled'; reason: ObligationCancellationReason }
  | { outcome: 'handed-over' };

/** What the deadline query returns. */
export interface DeadlineState {
  obligationId: string;
  dueAt: string;
  revision: number;
  suspended: boolean;
  /** Stages already sent for the current due instant. */
  sent: DeadlineStage[];
  closed: ObligationClosedArgs['outcome'] | null;
}

/** Result of {@link obligationDeadlineWorkflow}. */
export interface ObligationDeadlineResult {
  outcome: ObligationClosedArgs['outcome'];
  /** Every stage sent during the run, with the due instant it was sent for. */
  sent: Array<{ stage: DeadlineStage; dueAt: string }>;
  /** The final due instant and the stages sent for it (what a successor must not repeat). */
  dueAt: string;
  sentForDueAt: DeadlineStage[];
}

/** Parent → child: the deadline changed. */
export const scheduleChangedSignal = defineSignal<[ScheduleChangedArgs]>(
  'obligationScheduleChanged.v1',
);
/** Parent → child: the obligation is fulfilled or cancelled; stop. */
export const obligationClosedSignal = defineSignal<[ObligationClosedArgs]>('obligationClosed.v1');
/** The child's current schedule. */
export const deadlineQuery = defineQuery<DeadlineState>('deadline.v1');

const activities = proxyActivities<
  Pick<WorkflowActivities, 'publishReminder' | 'publishEscalation' | 'publishObligationEvent'>
>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** The deadline child workflow of one obligation (see the file comment). */
export async function obligationDeadlineWorkflow(
  input: ObligationDeadlineInput,
): Promise<ObligationDeadlineResult> {
  const workflowId = workflowInfo().workflowId;
  const leadMs = parseIsoDuration(input.reminderLeadTime);
  const graceMs = parseIsoDuration(input.escalationGracePeriod);
  const state = {
    dueAt: input.dueAt,
    assigneeId: input.assigneeId,
    programManagerId: input.programManagerId,
    revision: input.revision,
    suspended: input.suspended ?? false,
    sent: [...(input.alreadySent ?? [])],
  };
  const history: ObligationDeadlineResult['sent'] = [];
  const pendingReschedules: Array<{
    revision: number;
    previousDueAt: string;
    dueAt: string;
    reason: DeadlineChangeReason;
  }> = [];
  let closed: ObligationClosedArgs | undefined;
  let changed = false;

  setHandler(scheduleChangedSignal, (args) => {
    if (args.revision <= state.revision) return; // stale or duplicate
    const previousDueAt = state.dueAt;
    state.revision = args.revision;
    state.assigneeId = args.assigneeId;
    state.programManagerId = args.programManagerId;
    state.suspended = args.suspended;
    if (args.dueAt !== previousDueAt) {
      state.dueAt = args.dueAt;
      state.sent = [];
      if (args.reason !== undefined) {
        pendingReschedules.push({
          revision: args.revision,
          previousDueAt,
          dueAt: args.dueAt,
          reason: args.reason,
        });
      }
    }
    changed = true;
  });
  setHandler(obligationClosedSignal, (args) => {
    closed ??= args;
  });
  setHandler(deadlineQuery, () => ({
    obligationId: input.obligationId,
    dueAt: state.dueAt,
    revision: state.revision,
    suspended: state.suspended,
    sent: [...state.sent],
    closed: closed?.outcome ?? null,
  }));

  const ref = {
    obligationId: input.obligationId,
    obligationKind: input.obligationKind,
    ...(input.subjectId !== undefined ? { subjectId: input.subjectId } : {}),
  };
  const envelope = <P>(key: string, payload: P): ReminderEventInput<P> => ({
    eventId: deterministicUuid(`${workflowId}:${key}:event`),
    occurredAt: new Date().toISOString(),
    engagementId: input.engagementId,
    organisationId: input.organisationId,
    unitId: input.unitId,
    payload,
  });

  if (input.handedOver !== true) {
    const due = Date.parse(state.dueAt);
    await activities.publishObligationEvent({
      type: 'reminders.obligation.opened',
      ...envelope('opened', {
        ...ref,
        assigneeId: state.assigneeId,
        programManagerId: state.programManagerId,
        dueAt: state.dueAt,
        remindAt: new Date(Math.min(due - leadMs, due)).toISOString(),
        escalateAt: new Date(due + graceMs).toISOString(),
      }),
    });
  }

  const nextStage = (): { stage: DeadlineStage; at: number } | undefined => {
    const dueMs = Date.parse(state.dueAt);
    const stages: Array<{ stage: DeadlineStage; at: number }> = [
      { stage: 'lead', at: dueMs - leadMs },
      { stage: 'due', at: dueMs },
      { stage: 'escalation', at: dueMs + graceMs },
    ];
    return stages.find((s) => !state.sent.includes(s.stage));
  };

  const fire = async (stage: DeadlineStage): Promise<void> => {
    const dueAt = state.dueAt;
    const key = `${Date.parse(dueAt)}:${stage}`;
    if (stage === 'escalation') {
      await activities.publishEscalation(
        envelope(key, {
          escalationId: deterministicUuid(`${workflowId}:${key}`),
          ...ref,
          programManagerId: state.programManagerId,
          assigneeId: state.assigneeId,
          dueAt,
          overdueSince: dueAt,
        }),
      );
    } else {
      await activities.publishReminder(
        envelope(key, {
          reminderId: deterministicUuid(`${workflowId}:${key}`),
          ...ref,
          stage,
          assigneeId: state.assigneeId,
          dueAt,
        }),
      );
    }
    history.push({ stage, dueAt });
  };

  while (closed === undefined) {
    for (const r of pendingReschedules.splice(0)) {
      await activities.publishObligationEvent({
        type: 'reminders.obligation.rescheduled',
        ...envelope(`rescheduled:${r.revision}`, {
          ...ref,
          previousDueAt: r.previousDueAt,
          dueAt: r.dueAt,
          reason: r.reason,
        }),
      });
    }
    changed = false;
    const next = state.suspended ? undefined : nextStage();
    if (next === undefined) {
      await condition(() => closed !== undefined || changed);
      continue;
    }
    const wait = next.at - Date.now();
    if (wait > 0 && (await condition(() => closed !== undefined || changed, wait))) continue;
    if (closed !== undefined) break;
    if (
      next.stage === 'lead' &&
      Date.now() >= Date.parse(state.dueAt) &&
      patched(DEADLINE_PATCHES.skipLateLeadReminder)
    ) {
      state.sent.push('lead'); // too late for a heads-up: the `due` reminder goes out now
      continue;
    }
    await fire(next.stage);
    state.sent.push(next.stage);
  }

  const outcome: ObligationClosedArgs = closed;
  if (outcome.outcome === 'fulfilled') {
    await activities.publishObligationEvent({
      type: 'reminders.obligation.fulfilled',
      ...envelope('closed', {
        ...ref,
        dueAt: state.dueAt,
        fulfilledAt: outcome.fulfilledAt,
        late: Date.parse(outcome.fulfilledAt) > Date.parse(state.dueAt),
        ...(outcome.sourceEventId !== undefined ? { sourceEventId: outcome.sourceEventId } : {}),
      }),
    });
  } else if (outcome.outcome === 'cancelled') {
    await activities.publishObligationEvent({
      type: 'reminders.obligation.cancelled',
      ...envelope('closed', { ...ref, reason: outcome.reason }),
    });
  }
  return {
    outcome: outcome.outcome,
    sent: history,
    dueAt: state.dueAt,
    sentForDueAt: [...state.sent],
  };
}
