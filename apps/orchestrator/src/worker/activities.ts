import { ApplicationFailure } from '@temporalio/common';
import {
  createEvent,
  eventKey,
  EscalationRaisedV1,
  INTERNAL_ENGAGEMENT_PHASE_PATH,
  ObligationCancelledV1,
  ObligationFulfilledV1,
  ObligationOpenedV1,
  ObligationRescheduledV1,
  ReminderDueV1,
  TOPICS,
  type AnyEventDefinition,
} from '@trellis/contracts';
import type { EventProducer } from '@trellis/platform-kafka';
import type {
  ReminderEventInput,
  SetEngagementPhaseInput,
  WorkflowActivities,
} from '@trellis/workflows';

/** Who the orchestrator's events are from. */
const ACTOR = { kind: 'service', id: 'orchestrator' } as const;

/** Calls the engagement service's internal phase endpoint (service token). */
export interface EngagementPhaseClient {
  setPhase(input: SetEngagementPhaseInput): Promise<void>;
}

export interface ActivityDeps {
  producer: Pick<EventProducer, 'publish'>;
  phases: EngagementPhaseClient;
  /** Topic name prefix (tests isolate themselves with it); empty in production. */
  topicPrefix?: string;
}

const OBLIGATION_EVENTS: Record<string, AnyEventDefinition> = {
  [ObligationOpenedV1.type]: ObligationOpenedV1,
  [ObligationFulfilledV1.type]: ObligationFulfilledV1,
  [ObligationCancelledV1.type]: ObligationCancelledV1,
  [ObligationRescheduledV1.type]: ObligationRescheduledV1,
};

/**
 * The activities the workflows proxy (`ACTIVITY_NAMES` of libs/workflows). Every event gets
 * the deterministic id the workflow derived, so a retried activity or a replayed workflow task
 * produces the same event and consumers drop the duplicate by id.
 */
export function createActivities(deps: ActivityDeps): WorkflowActivities {
  const topic = `${deps.topicPrefix ?? ''}${TOPICS.reminders}`;
  const publish = async (definition: AnyEventDefinition, input: ReminderEventInput<unknown>) => {
    const event = createEvent(definition, {
      id: input.eventId,
      occurredAt: input.occurredAt,
      engagementId: input.engagementId,
      organisationId: input.organisationId,
      unitId: input.unitId,
      actor: ACTOR,
      payload: input.payload,
    } as never);
    await deps.producer.publish(topic, { key: eventKey(event), event });
  };
  return {
    publishReminder: (input) => publish(ReminderDueV1, input),
    publishEscalation: (input) => publish(EscalationRaisedV1, input),
    publishObligationEvent: (input) => {
      const definition = OBLIGATION_EVENTS[input.type];
      if (!definition) {
        throw ApplicationFailure.nonRetryable(
          `unknown obligation event ${input.type}`,
          'UNKNOWN_EVENT',
        );
      }
      return publish(definition, input);
    },
    setEngagementPhase: (input) => deps.phases.setPhase(input),
  };
}

/**
 * HTTP client of `PUT /internal/engagements/:engagementId/phase` with a service token. A 409
 * (the engagement is not in the expected phase) or another 4xx will not succeed on retry:
 * non-retryable; 5xx and network errors are retried by Temporal.
 */
export function httpEngagementPhaseClient(
  baseUrl: string,
  token: () => Promise<string>,
): EngagementPhaseClient {
  return {
    async setPhase({ engagementId, request }) {
      const url = new URL(
        INTERNAL_ENGAGEMENT_PHASE_PATH.replace(':engagementId', encodeURIComponent(engagementId)),
        baseUrl,
      );
      const res = await fetch(url, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await token()}` },
        body: JSON.stringify(request),
      });
      if (res.ok) return;
      const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
      const code = body.error?.code ?? `HTTP_${res.status}`;
      const message = `engagement service answered ${res.status} ${code} for phase ${request.phase}`;
      if (res.status >= 400 && res.status < 500 && res.status !== 429) {
        throw ApplicationFailure.nonRetryable(message, code);
      }
      throw new Error(message);
    },
  };
}
