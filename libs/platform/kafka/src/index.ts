export {
  AttemptTracker,
  DEAD_LETTER_HEADERS,
  DEAD_LETTER_TOPIC,
  DEFAULT_MAX_ATTEMPTS,
  deadLetterHeaders,
  decideAfterFailure,
  decodeMessageValue,
  readDeadLetterHeaders,
  summariseIssues,
  validateEvent,
  type DeadLetterCode,
  type DeadLetterInfo,
  type DecodedValue,
  type ValidatedEvent,
} from './dead-letter';
export {
  EventRetryError,
  KafkaEventConsumer,
  type ConsumeOptions,
  type ConsumedEventMeta,
  type EventHandler,
  type IncomingMessage,
} from './event.consumer';
export { EventProducer, type OutgoingEvent } from './event.producer';
export {
  EventInProgressError,
  IdempotentConsumer,
  PROCESSED_EVENTS_COLLECTION,
  isDuplicateKeyError,
  type HandleOnceResult,
  type ProcessedEventMarker,
} from './idempotent.consumer';
export {
  KAFKA_CLIENT_RETRY,
  checkKafka,
  createKafkaClient,
  ensureTopics,
  kafkaLogCreator,
  type KafkaClientOptions,
  type TopicSpec,
} from './kafka.client';
export {
  EVENT_HEADERS,
  decodeHeaders,
  eventHeaders,
  isEnvelopeLike,
  type EventEnvelopeLike,
  type RawHeaders,
} from './kafka.headers';
export {
  KafkaModule,
  kafkaMicroserviceOptions,
  type KafkaMicroserviceConfig,
  type KafkaModuleAsyncOptions,
} from './kafka.module';
export { KAFKA_CLIENT, KAFKA_OPTIONS, type KafkaModuleOptions } from './kafka.tokens';
