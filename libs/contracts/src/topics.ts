import { CORRELATION_ID_HEADER } from './http';

/**
 * Kafka topics of Trellis: one per bounded context, plus the dead-letter topic. They must equal
 * `infra/kafka/topics.json` (created up front; auto-creation is off) — `topics.spec.ts` checks.
 * A breaking change to the envelope means a new topic (`.v2`); a breaking change to one event
 * means a new event version on the same topic.
 */
export const TOPICS = {
  engagement: 'trellis.engagement.v1',
  training: 'trellis.training.v1',
  risk: 'trellis.risk.v1',
  coaching: 'trellis.coaching.v1',
  autonomy: 'trellis.autonomy.v1',
  reminders: 'trellis.reminders.v1',
  identity: 'trellis.identity.v1',
  deadLetter: 'trellis.dead-letter.v1',
} as const;

/** Any Trellis topic name. */
export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

/** The contexts that publish events (every topic except the dead-letter topic). */
export type EventContext = Exclude<keyof typeof TOPICS, 'deadLetter'>;

/** A topic that carries events (not the dead-letter topic). */
export type EventTopic = (typeof TOPICS)[EventContext];

/** Every topic that carries events, in a stable order. */
export const EVENT_TOPICS: readonly EventTopic[] = [
  TOPICS.engagement,
  TOPICS.training,
  TOPICS.risk,
  TOPICS.coaching,
  TOPICS.autonomy,
  TOPICS.reminders,
  TOPICS.identity,
];

/** Every topic, the dead-letter topic included. */
export const ALL_TOPICS: readonly Topic[] = [...EVENT_TOPICS, TOPICS.deadLetter];

/**
 * Kafka headers on every event message. The value is the JSON envelope and the key is the
 * aggregate id (`eventKey`); these headers repeat type, version and id so a consumer can skip
 * messages it does not handle without parsing them, and carry the correlation id.
 */
export const EVENT_HEADERS = {
  eventId: 'trellis-event-id',
  eventType: 'trellis-event-type',
  eventVersion: 'trellis-event-version',
  correlationId: CORRELATION_ID_HEADER,
} as const;

/**
 * Kafka headers a consumer adds when it moves a message to the dead-letter topic. The message
 * key and value are copied unchanged; the headers say where it came from and why it failed
 * (`reason` is a `ContractViolationReason` or `PROCESSING_FAILED`; `issues` is the JSON of the
 * contract issues — paths and messages only, never values).
 */
export const DEAD_LETTER_HEADERS = {
  reason: 'trellis-dlq-reason',
  issues: 'trellis-dlq-issues',
  error: 'trellis-dlq-error',
  sourceTopic: 'trellis-dlq-source-topic',
  sourcePartition: 'trellis-dlq-source-partition',
  sourceOffset: 'trellis-dlq-source-offset',
  consumerGroup: 'trellis-dlq-consumer-group',
  failedAt: 'trellis-dlq-failed-at',
} as const;
