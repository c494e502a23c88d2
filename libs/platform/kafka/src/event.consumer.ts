import { Inject, Injectable, IntrinsicException, Optional } from '@nestjs/common';
import type { KafkaContext } from '@nestjs/microservices';
import {
  CORRELATION_HEADER,
  LOGGER,
  correlation,
  createLogger,
  type Logger,
} from '@trellis/platform-logging';
import {
  AttemptTracker,
  DEAD_LETTER_TOPIC,
  DEFAULT_MAX_ATTEMPTS,
  deadLetterHeaders,
  decideAfterFailure,
  decodeMessageValue,
  summariseIssues,
  validateEvent,
  type DeadLetterCode,
} from './dead-letter';
import { EventProducer } from './event.producer';
import { EventInProgressError, IdempotentConsumer } from './idempotent.consumer';
import { decodeHeaders, type EventEnvelopeLike, type RawHeaders } from './kafka.headers';
import { KAFKA_OPTIONS, type KafkaModuleOptions } from './kafka.tokens';

/** A consumed message, as kafkajs's `eachMessage` or Nest's `KafkaContext` give it. */
export interface IncomingMessage {
  topic: string;
  partition: number;
  message: {
    key?: Buffer | string | null;
    /** Buffer (kafkajs, Nest with `keepBinary`), string, or what Nest's default parser made of it. */
    value: unknown;
    headers?: RawHeaders;
    offset: string;
  };
}

/** What a handler learns about the message besides the event. */
export interface ConsumedEventMeta {
  topic: string;
  partition: number;
  offset: string;
  key: string | undefined;
  headers: Record<string, string>;
  correlationId: string;
  /** 1 on the first delivery, 2 on the first retry, ... */
  attempt: number;
}

/** How one consumer handles one topic's events. */
export interface ConsumeOptions<T extends EventEnvelopeLike> {
  /**
   * Stable name of this consumer (e.g. `reporting.engagement-read-model`): the idempotency
   * key prefix in `processed_events`, and written on dead-letters. Renaming it makes every
   * event look new.
   */
  consumer: string;
  /** Validates and types the decoded JSON (e.g. `parseEvent` of `@trellis/contracts`); throws when invalid. */
  parse: (raw: unknown) => T;
  /** Skip events this consumer already handled (needs `mongoConnection`); true by default. */
  idempotent?: boolean;
  /** Overrides the module's `maxAttempts` for this consumer. */
  maxAttempts?: number;
}

/** The handler of one event; throw to have the message delivered again. */
export type EventHandler<T> = (event: T, meta: ConsumedEventMeta) => Promise<void> | void;

/**
 * Thrown to the Kafka transport so that the message is not committed and kafkajs delivers it
 * again (after its retry backoff). An `IntrinsicException`, so Nest does not log it a
 * second time.
 */
export class EventRetryError extends IntrinsicException {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: string,
    readonly attempt: number,
  ) {
    super(`handler failed on ${topic}[${partition}]@${offset} (attempt ${attempt}); will retry`);
    this.name = 'EventRetryError';
  }
}

/**
 * The consuming side: turns one Kafka message into one handler call, with
 * correlation, validation, dead-lettering, bounded retries and idempotency.
 *
 * ```ts
 * @Controller()
 * class EngagementEvents {
 *   constructor(private readonly events: KafkaEventConsumer) {}
 *
 *   @EventPattern(TOPICS.engagement)
 *   onEvent(@Ctx() context: KafkaContext): Promise<void> {
 *     return this.events.consume(context, { consumer: 'reporting.engagements', parse: parseEvent },
 *       (event) => this.readModel.apply(event));
 *   }
 * }
 * ```
 *
 * For each message:
 * 1. the correlation id is read from the `x-correlation-id` header (a new one when missing
 *    or invalid) and everything below runs inside `correlation.run()`;
 * 2. a value that is empty or not JSON is dead-lettered (`MALFORMED_JSON`), one the parser
 *    rejects is dead-lettered (`SCHEMA_INVALID`) — retrying cannot fix either, so they
 *    are not retried, and returning normally lets the offset be committed so the partition
 *    moves on;
 * 3. the handler runs, through `IdempotentConsumer.handleOnce` unless `idempotent: false`;
 *    an event already handled is skipped;
 * 4. if the handler throws, {@link EventRetryError} is thrown to the transport: the offset is
 *    not committed and kafkajs delivers the message again after its retry backoff. After
 *    `maxAttempts` failed deliveries of the same message, it is dead-lettered
 *    (`HANDLER_FAILED`) and committed instead. Attempts are counted in this process (see
 *    `AttemptTracker`); `EventInProgressError` (another delivery holds the event) is
 *    retried without counting.
 *
 * If writing to the dead-letter topic itself fails, the error goes to the transport and the
 * message is retried: a message is never committed without being handled or dead-lettered.
 * Logs name topic, partition, offset, event id and type, and the failure code, never the
 * payload.
 */
@Injectable()
export class KafkaEventConsumer {
  private readonly attempts = new AttemptTracker();
  private readonly deadLetterTopic: string;
  private readonly maxAttempts: number;
  private readonly logger: Logger;

  constructor(
    private readonly producer: EventProducer,
    @Inject(KAFKA_OPTIONS)
    options: Pick<KafkaModuleOptions, 'deadLetterTopic' | 'maxAttempts' | 'clientId'>,
    @Optional() private readonly idempotency?: IdempotentConsumer,
    @Optional() @Inject(LOGGER) logger?: Logger,
  ) {
    this.deadLetterTopic = options.deadLetterTopic ?? DEAD_LETTER_TOPIC;
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.logger = (logger ?? createLogger({ service: options.clientId })).child({
      component: 'KafkaEventConsumer',
    });
  }

  /** Handles the message of a Nest `@EventPattern` handler's `KafkaContext`. */
  consume<T extends EventEnvelopeLike>(
    context: KafkaContext,
    options: ConsumeOptions<T>,
    handler: EventHandler<T>,
  ): Promise<void> {
    return this.process(
      {
        topic: context.getTopic(),
        partition: context.getPartition(),
        message: context.getMessage(),
      },
      options,
      handler,
    );
  }

  /** Handles one message (from `consume`, or a plain kafkajs `eachMessage`). */
  process<T extends EventEnvelopeLike>(
    incoming: IncomingMessage,
    options: ConsumeOptions<T>,
    handler: EventHandler<T>,
  ): Promise<void> {
    const headers = decodeHeaders(incoming.message.headers);
    const correlationId = correlation.ensure(headers[CORRELATION_HEADER]);
    headers[CORRELATION_HEADER] = correlationId;
    return correlation.run(correlationId, () =>
      this.processInContext(incoming, headers, correlationId, options, handler),
    );
  }

  private async processInContext<T extends EventEnvelopeLike>(
    incoming: IncomingMessage,
    headers: Record<string, string>,
    correlationId: string,
    options: ConsumeOptions<T>,
    handler: EventHandler<T>,
  ): Promise<void> {
    const { topic, partition, message } = incoming;
    const where = { topic, partition, offset: message.offset, consumer: options.consumer };
    // A configuration error: fail every delivery (nothing committed, nothing dead-lettered).
    const idempotency =
      (options.idempotent ?? true) ? this.requireIdempotency(options.consumer) : undefined;

    const decoded = decodeMessageValue(message.value);
    if (!decoded.ok) {
      return this.deadLetter(incoming, headers, options.consumer, decoded.code, decoded.issues, 0);
    }
    const validated = validateEvent(decoded.value, options.parse);
    if (!validated.ok) {
      return this.deadLetter(
        incoming,
        headers,
        options.consumer,
        validated.code,
        validated.issues,
        0,
      );
    }
    const event = validated.event;
    const log = { ...where, eventId: event.id, eventType: event.type, eventVersion: event.version };
    const attemptKey = `${options.consumer}|${topic}|${partition}|${message.offset}`;
    const meta: ConsumedEventMeta = {
      topic,
      partition,
      offset: message.offset,
      key: message.key === null || message.key === undefined ? undefined : String(message.key),
      headers,
      correlationId,
      attempt: this.attempts.count(attemptKey) + 1,
    };

    try {
      if (idempotency) {
        const result = await idempotency.handleOnce(event.id, options.consumer, () =>
          handler(event, meta),
        );
        if (result.status === 'duplicate') {
          this.logger.debug(log, 'event already handled by this consumer; skipped');
        }
      } else {
        await handler(event, meta);
      }
      this.attempts.clear(attemptKey);
    } catch (error) {
      if (error instanceof EventInProgressError) {
        this.logger.info(log, 'event is being handled by another delivery; will retry');
        throw new EventRetryError(topic, partition, message.offset, meta.attempt);
      }
      const failures = this.attempts.fail(attemptKey);
      const maxAttempts = options.maxAttempts ?? this.maxAttempts;
      if (decideAfterFailure(failures, maxAttempts) === 'retry') {
        this.logger.warn(
          { ...log, attempt: failures, maxAttempts, err: error },
          'event handler failed; will retry',
        );
        throw new EventRetryError(topic, partition, message.offset, failures);
      }
      this.attempts.clear(attemptKey);
      this.logger.error(
        { ...log, attempt: failures, maxAttempts, err: error },
        'event handler failed; giving up',
      );
      await this.deadLetter(
        incoming,
        headers,
        options.consumer,
        'HANDLER_FAILED',
        summariseIssues(error),
        failures,
      );
    }
  }

  private requireIdempotency(consumer: string): IdempotentConsumer {
    if (!this.idempotency) {
      throw new Error(
        `consumer "${consumer}" is idempotent but no IdempotentConsumer is configured: ` +
          'give KafkaModule.forRoot({ mongoConnection }) or consume with { idempotent: false }',
      );
    }
    return this.idempotency;
  }

  /** Copies the message (key, raw value, headers) to the dead-letter topic with the reason. */
  private async deadLetter(
    incoming: IncomingMessage,
    headers: Record<string, string>,
    consumer: string,
    code: DeadLetterCode,
    issues: string,
    attempts: number,
  ): Promise<void> {
    const { topic, partition, message } = incoming;
    await this.producer.send(this.deadLetterTopic, [
      {
        key: message.key ?? null,
        value: rawValue(message.value),
        headers: deadLetterHeaders(headers, {
          originalTopic: topic,
          originalPartition: partition,
          originalOffset: message.offset,
          errorCode: code,
          issues,
          consumer,
          attempts,
        }),
      },
    ]);
    this.logger.warn(
      {
        topic,
        partition,
        offset: message.offset,
        consumer,
        code,
        deadLetterTopic: this.deadLetterTopic,
      },
      'message dead-lettered',
    );
  }
}

/** The value as bytes or text again (Nest's default parser may have turned it into an object). */
function rawValue(value: unknown): Buffer | string | null {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value) || typeof value === 'string') return value;
  return JSON.stringify(value);
}
