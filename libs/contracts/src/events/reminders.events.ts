import { z } from 'zod';
import {
  IdSchema,
  IsoDateTimeSchema,
  ObligationCancellationReasonSchema,
  ObligationKindSchema,
  RescheduleReasonSchema,
  ReminderStageSchema,
} from '../domain-values';
import { defineEvent } from '../event-definition';
import { TOPICS } from '../topics';

/*
 * Reminders (emitted by the orchestrator, consumed by the coaching service's inbox and by
 * reporting). Each obligation has a deadline child workflow: `lead` reminder at dueAt minus
 * the agreed lead time, `due` reminder at dueAt, escalation to the program manager at dueAt
 * plus the grace period, stopped as soon as the obligation is fulfilled or cancelled.
 * `reminderId` and `escalationId` are deterministic (one per obligation and stage), so a
 * reminder delivered twice notifies once.
 */

const topic = TOPICS.reminders;
const producer = 'orchestrator';
const aggregate = 'engagementId';

const obligationRef = {
  obligationId: IdSchema,
  obligationKind: ObligationKindSchema,
  /** What the obligation is about: plan item, follow-up, incident, plan item, check-in, ... */
  subjectId: IdSchema.optional(),
};

export const ObligationOpenedV1 = defineEvent({
  type: 'reminders.obligation.opened',
  version: 1,
  topic,
  aggregate,
  producer,
  description:
    'The orchestrator opened an obligation with a deadline: assignee, due instant, when the lead reminder goes out and when it escalates.',
  payload: z
    .strictObject({
      ...obligationRef,
      assigneeId: IdSchema,
      programManagerId: IdSchema,
      dueAt: IsoDateTimeSchema,
      remindAt: IsoDateTimeSchema,
      escalateAt: IsoDateTimeSchema,
    })
    .superRefine((p, ctx) => {
      const due = Date.parse(p.dueAt);
      if (Date.parse(p.remindAt) > due) {
        ctx.addIssue({ code: 'custom', path: ['remindAt'], message: 'must not be after dueAt' });
      }
      if (Date.parse(p.escalateAt) < due) {
        ctx.addIssue({ code: 'custom', path: ['escalateAt'], message: 'must not be before dueAt' });
      }
    }),
});

export const ReminderDueV1 = defineEvent({
  type: 'reminders.reminder.due',
  version: 1,
  topic,
  aggregate,
  producer,
  description:
    'Remind the assignee of an open obligation: stage lead (the agreed lead time before the due date) or due (on it).',
  payload: z.strictObject({
    reminderId: IdSchema,
    ...obligationRef,
    stage: ReminderStageSchema,
    assigneeId: IdSchema,
    dueAt: IsoDateTimeSchema,
  }),
});

export const EscalationRaisedV1 = defineEvent({
  type: 'reminders.escalation.raised',
  version: 1,
  topic,
  aggregate,
  producer,
  description:
    'An obligation is still open after the grace period: the program manager is alerted. overdueSince is the due instant.',
  payload: z.strictObject({
    escalationId: IdSchema,
    ...obligationRef,
    programManagerId: IdSchema,
    assigneeId: IdSchema,
    dueAt: IsoDateTimeSchema,
    overdueSince: IsoDateTimeSchema,
  }),
});

export const ObligationFulfilledV1 = defineEvent({
  type: 'reminders.obligation.fulfilled',
  version: 1,
  topic,
  aggregate,
  producer,
  description:
    'An obligation was met (late when after its due instant); its reminders stop. sourceEventId is the domain event that fulfilled it.',
  payload: z.strictObject({
    ...obligationRef,
    dueAt: IsoDateTimeSchema,
    fulfilledAt: IsoDateTimeSchema,
    late: z.boolean(),
    sourceEventId: z.uuid().optional(),
  }),
});

export const ObligationCancelledV1 = defineEvent({
  type: 'reminders.obligation.cancelled',
  version: 1,
  topic,
  aggregate,
  producer,
  description:
    'An open obligation was dropped without being met (termination, amendment, ...); its reminders stop.',
  payload: z.strictObject({ ...obligationRef, reason: ObligationCancellationReasonSchema }),
});

export const ObligationRescheduledV1 = defineEvent({
  type: 'reminders.obligation.rescheduled',
  version: 1,
  topic,
  aggregate,
  producer,
  description:
    'An open obligation got a new due instant (workflow update rescheduleObligation.v1, or a pause/resume shifting deadlines).',
  payload: z.strictObject({
    ...obligationRef,
    previousDueAt: IsoDateTimeSchema,
    dueAt: IsoDateTimeSchema,
    reason: z.union([RescheduleReasonSchema, z.enum(['engagement-paused', 'engagement-resumed'])]),
  }),
});

/** Every reminders event definition. */
export const remindersEvents = [
  ObligationOpenedV1,
  ReminderDueV1,
  EscalationRaisedV1,
  ObligationFulfilledV1,
  ObligationCancelledV1,
  ObligationRescheduledV1,
] as const;
