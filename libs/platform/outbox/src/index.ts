export { KafkaEventPublisher, type KafkaEventPublisherOptions } from './kafka.publisher';
export { OutboxModule, type OutboxModuleAsyncOptions } from './outbox.module';
export {
  backoffDelay,
  OutboxRelay,
  RelayAbortedError,
  toOutboxMessage,
  type EventPublisher,
  type OutboxLogger,
  type OutboxMessage,
  type OutboxRelayCounters,
  type OutboxRelayMetrics,
  type OutboxRelayOptions,
  type RetryPolicy,
} from './outbox.relay';
export {
  CORRELATION_HEADER,
  OUTBOX_FIELD,
  OUTBOX_LEASE_FIELD,
  outboxLeaseSchema,
  outboxPlugin,
  pendingEventSchema,
  type EventEnvelope,
  type OutboxLease,
  type PendingEvent,
  type WithOutbox,
} from './outbox.schema';
export { MongoOutboxStore, type OutboxSource, type OutboxStore } from './outbox.store';
export { documentWithOutbox, pendingEvents, withOutbox, type OutboxEvent } from './outbox.update';
export { currentCorrelationId, outboxEvent } from './outbox.events';
