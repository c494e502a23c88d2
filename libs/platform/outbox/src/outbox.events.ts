import {
  CorrelationIdSchema,
  createEvent,
  eventKey,
  type AnyEventDefinition,
  type CreateEventInput,
  type EventEnvelope,
} from '@trellis/contracts';
import { correlation } from '@trellis/platform-logging';
import type { OutboxEvent } from './outbox.update';

/** The current request's correlation id when it fits the event envelope's format. */
export function currentCorrelationId(): string | undefined {
  const id = correlation.id();
  return id !== undefined && CorrelationIdSchema.safeParse(id).success ? id : undefined;
}

/**
 * Builds (and validates) an event of `definition` with the request's correlation id and wraps
 * it for the outbox: topic of the definition, keyed by the aggregate id.
 */
export function outboxEvent<D extends AnyEventDefinition>(
  definition: D,
  input: CreateEventInput<D>,
): OutboxEvent {
  const correlationId = input.correlationId ?? currentCorrelationId();
  const event = createEvent(definition, {
    ...input,
    ...(correlationId ? { correlationId } : {}),
  }) as EventEnvelope;
  return {
    topic: definition.topic,
    key: eventKey(event),
    envelope: { ...event },
    ...(correlationId ? { correlationId } : {}),
  };
}
