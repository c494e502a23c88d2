import type {
  EscalationRaisedV1,
  ObligationCancelledV1,
  ObligationFulfilledV1,
  ObligationOpenedV1,
  ObligationRescheduledV1,
  PayloadOf,
  ReminderDueV1,
  SetEngagementPhaseRequest,
} from '@trellis/contracts';

/*
 * The activities the workflows of this library proxy: TYPES ONLY. The orchestrator app
 * implements them (producing contract events to the reminders topic, calling the engagement
 * service's internal phase endpoint) and registers every name of {@link ACTIVITY_NAMES}.
 *
 * Every input carries a deterministic id derived from the workflow id, the obligation and the
 * stage (see `ids.ts`), so an implementation is idempotent: a retried activity, or a workflow
 * task replayed after a worker crash, produces the same event id / request id.
 */

/**
 * A reminders-topic event the orchestrator produces: the envelope fields the workflow knows
 * plus the contract payload. The implementation adds `type`, `version` and `actor`
 * (`{ kind: 'service', id: 'orchestrator' }`) and validates with the contract definition.
 */
export interface ReminderEventInput<P> {
  /** Envelope id: a deterministic UUID (the same on every retry and replay). */
  eventId: string;
  /** Workflow time the event happened at (ISO-8601 UTC). */
  occurredAt: string;
  engagementId: string;
  organisationId: string;
  unitId: string;
  payload: P;
}

/** Input of `publishReminder`: a `reminders.reminder.due@1` event. */
export type PublishReminderInput = ReminderEventInput<PayloadOf<typeof ReminderDueV1>>;

/** Input of `publishEscalation`: a `reminders.escalation.raised@1` event. */
export type PublishEscalationInput = ReminderEventInput<PayloadOf<typeof EscalationRaisedV1>>;

/** Input of `publishObligationEvent`: one of the obligation lifecycle events. */
export type PublishObligationEventInput =
  | ({ type: typeof ObligationOpenedV1.type } & ReminderEventInput<
      PayloadOf<typeof ObligationOpenedV1>
    >)
  | ({ type: typeof ObligationFulfilledV1.type } & ReminderEventInput<
      PayloadOf<typeof ObligationFulfilledV1>
    >)
  | ({ type: typeof ObligationCancelledV1.type } & ReminderEventInput<
      PayloadOf<typeof ObligationCancelledV1>
    >)
  | ({ type: typeof ObligationRescheduledV1.type } & ReminderEventInput<
      PayloadOf<typeof ObligationRescheduledV1>
    >);

/**
 * Input of `setEngagementPhase`: `PUT INTERNAL_ENGAGEMENT_PHASE_PATH` (contracts, http.ts) for
 * `engagementId` with `request` (its `requestId` is deterministic; the service answers 409 when
 * `expectedPhase` differs — the implementation should make that non-retryable).
 */
export interface SetEngagementPhaseInput {
  engagementId: string;
  request: SetEngagementPhaseRequest;
}

/** The activity interface the workflows proxy (implemented and registered by the orchestrator). */
export interface WorkflowActivities {
  /** Produce a `reminders.reminder.due@1` event (idempotent by `eventId`). */
  publishReminder(input: PublishReminderInput): Promise<void>;
  /** Produce a `reminders.escalation.raised@1` event (idempotent by `eventId`). */
  publishEscalation(input: PublishEscalationInput): Promise<void>;
  /** Produce an obligation opened / fulfilled / cancelled / rescheduled event (idempotent by `eventId`). */
  publishObligationEvent(input: PublishObligationEventInput): Promise<void>;
  /** Set the engagement's phase through the engagement service (idempotent by `request.requestId`). */
  setEngagementPhase(input: SetEngagementPhaseInput): Promise<void>;
}

/** Every activity name the workflows proxy: the orchestrator's worker must register them all. */
export const ACTIVITY_NAMES = [
  'publishReminder',
  'publishEscalation',
  'publishObligationEvent',
  'setEngagementPhase',
] as const satisfies ReadonlyArray<keyof WorkflowActivities>;

/** One activity name. */
export type ActivityName = (typeof ACTIVITY_NAMES)[number];

/** Compile-time check: `true` only when ACTIVITY_NAMES lists every key of WorkflowActivities. */
export type AllActivitiesListed = [Exclude<keyof WorkflowActivities, ActivityName>] extends [never]
  ? true
  : false;
const _allActivitiesListed: AllActivitiesListed = true;
void _allActivitiesListed;
