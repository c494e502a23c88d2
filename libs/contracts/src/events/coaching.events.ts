import { z } from 'zod';
import {
  BehaviourChangeSchema,
  CancellationReasonSchema,
  CountSchema,
  FollowUpKindSchema,
  IdSchema,
  IsoDateTimeSchema,
} from '../domain-values';
import { defineEvent } from '../event-definition';
import { TOPICS } from '../topics';

/*
 * Coaching context (coaching-service): follow-ups (coaching sessions, leadership meetings,
 * staff debates, consultations, site visits) and site-visit check-ins. Notes, observed
 * behaviour change, obstacles and next actions are text and stay in the service; the events
 * carry kinds, ids, dates and counts.
 */

const topic = TOPICS.coaching;
const producer = 'coaching-service';
const aggregate = 'engagementId';

const followUpRef = {
  followUpId: IdSchema,
  kind: FollowUpKindSchema,
  /** The orchestrator obligation this follow-up answers, when it was planned for one. */
  obligationId: IdSchema.optional(),
};

export const FollowUpPlannedV1 = defineEvent({
  type: 'coaching.follow-up.planned',
  version: 1,
  topic,
  aggregate,
  producer,
  description: 'A follow-up was planned for an officer, due by dueAt.',
  payload: z.strictObject({ ...followUpRef, assigneeId: IdSchema, dueAt: IsoDateTimeSchema }),
});

export const FollowUpHeldV1 = defineEvent({
  type: 'coaching.follow-up.held',
  version: 1,
  topic,
  aggregate,
  producer,
  description:
    'A follow-up took place: the observed behaviour change as a band and the number of agreed next actions. The orchestrator closes the obligation and plans the next follow-up at the cadence.',
  payload: z.strictObject({
    ...followUpRef,
    heldAt: IsoDateTimeSchema,
    behaviourChange: BehaviourChangeSchema,
    nextActionCount: CountSchema,
  }),
});

export const FollowUpMissedV1 = defineEvent({
  type: 'coaching.follow-up.missed',
  version: 1,
  topic,
  aggregate,
  producer,
  description: 'A planned follow-up did not take place by its due date.',
  payload: z.strictObject({ ...followUpRef, dueAt: IsoDateTimeSchema }),
});

export const FollowUpCancelledV1 = defineEvent({
  type: 'coaching.follow-up.cancelled',
  version: 1,
  topic,
  aggregate,
  producer,
  description: 'A planned follow-up was cancelled.',
  payload: z.strictObject({ ...followUpRef, reason: CancellationReasonSchema }),
});

const checkInRef = {
  /** The site visit (a follow-up of kind site-visit). */
  followUpId: IdSchema,
  checkInId: IdSchema,
  officerId: IdSchema,
};

export const SiteVisitCheckInDueV1 = defineEvent({
  type: 'coaching.site-visit.check-in-due',
  version: 1,
  topic,
  aggregate,
  producer,
  description:
    'An officer leaves for a site visit and must confirm safe return by checkInDueAt. The orchestrator opens a site-visit-check-in obligation that escalates to the program manager when missed.',
  payload: z.strictObject({ ...checkInRef, checkInDueAt: IsoDateTimeSchema }),
});

export const SiteVisitCheckInConfirmedV1 = defineEvent({
  type: 'coaching.site-visit.check-in-confirmed',
  version: 1,
  topic,
  aggregate,
  producer,
  description: 'The officer confirmed safe return from a site visit (late if after checkInDueAt).',
  payload: z.strictObject({
    ...checkInRef,
    checkInDueAt: IsoDateTimeSchema,
    confirmedAt: IsoDateTimeSchema,
    late: z.boolean(),
  }),
});

export const SiteVisitCheckInMissedV1 = defineEvent({
  type: 'coaching.site-visit.check-in-missed',
  version: 1,
  topic,
  aggregate,
  producer,
  description:
    'No safe-return confirmation arrived by the deadline; the program manager was alerted (through the reminders escalation).',
  payload: z.strictObject({
    ...checkInRef,
    checkInDueAt: IsoDateTimeSchema,
    programManagerId: IdSchema,
  }),
});

/** Every coaching-context event definition. */
export const coachingEvents = [
  FollowUpPlannedV1,
  FollowUpHeldV1,
  FollowUpMissedV1,
  FollowUpCancelledV1,
  SiteVisitCheckInDueV1,
  SiteVisitCheckInConfirmedV1,
  SiteVisitCheckInMissedV1,
] as const;
