import type { AnyEventDefinition, EventOf } from './event-definition';
import { IdSchema } from './domain-values';
import { EventEnvelopeSchema, EventTypeSchema, type EventEnvelope } from './envelope';
import {
  ContractViolationError,
  issuesFromZodError,
  type ContractViolationContext,
} from './errors';
import { autonomyEvents } from './events/autonomy.events';
import { coachingEvents } from './events/coaching.events';
import { engagementEvents } from './events/engagement.events';
import { identityEvents } from './events/identity.events';
import { remindersEvents } from './events/reminders.events';
import { riskEvents } from './events/risk.events';
import { trainingEvents } from './events/training.events';
import type { Topic } from './topics';

/** Every event definition of Trellis, all contexts, all versions. */
export const allEventDefinitions = [
  ...engagementEvents,
  ...trainingEvents,
  ...riskEvents,
  ...coachingEvents,
  ...autonomyEvents,
  ...remindersEvents,
  ...identityEvents,
] as const;

/** Any definition in {@link allEventDefinitions}. */
export type TrellisEventDefinition = (typeof allEventDefinitions)[number];

/** Any Trellis event, as returned by {@link parseEvent}: switch on `type` (and `version`). */
export type TrellisEvent = EventOf<TrellisEventDefinition>;

/** Any Trellis event type. */
export type TrellisEventType = TrellisEvent['type'];

/** The result of a safe parse: the event, or the violation. */
export type SafeParseEventResult<E> =
  { success: true; event: E } | { success: false; error: ContractViolationError };

/**
 * What can be read without trusting the message, for error reports only. Values are copied
 * only when they look like an event id / type, so no free text from a bad message reaches logs.
 */
function contextOf(value: unknown): ContractViolationContext {
  if (typeof value !== 'object' || value === null) return {};
  const v = value as Record<string, unknown>;
  const context: ContractViolationContext = {};
  if (IdSchema.safeParse(v['id']).success) context.eventId = v['id'] as string;
  if (EventTypeSchema.safeParse(v['type']).success) context.eventType = v['type'] as string;
  if (Number.isInteger(v['version'])) context.eventVersion = v['version'] as number;
  if (context.eventType !== undefined) {
    context.subject = `${context.eventType}@${context.eventVersion ?? '?'}`;
  }
  return context;
}

/**
 * A set of event definitions that validates incoming messages against the exact type@version.
 * The default registry of all Trellis events backs {@link parseEvent} and friends; tests and
 * tools can build their own (e.g. with a v2 next to a v1).
 */
export class EventRegistry<D extends AnyEventDefinition = AnyEventDefinition> {
  private readonly byKey = new Map<string, D>();
  private readonly versionsByType = new Map<string, number[]>();

  constructor(definitions: readonly D[]) {
    for (const definition of definitions) {
      if (this.byKey.has(definition.key)) {
        throw new Error(`Event ${definition.key} is defined twice`);
      }
      this.byKey.set(definition.key, definition);
      const versions = this.versionsByType.get(definition.type) ?? [];
      versions.push(definition.version);
      versions.sort((a, b) => a - b);
      this.versionsByType.set(definition.type, versions);
    }
  }

  /** Every definition, in registration order. */
  get definitions(): readonly D[] {
    return [...this.byKey.values()];
  }

  /** The definition of `type` at `version`, or undefined. */
  definition(type: string, version: number): D | undefined {
    return this.byKey.get(`${type}@${version}`);
  }

  /** The versions defined for `type`, ascending (empty when the type is unknown). */
  versionsOf(type: string): readonly number[] {
    return this.versionsByType.get(type) ?? [];
  }

  /** The latest version of `type`, or undefined. */
  latest(type: string): D | undefined {
    const versions = this.versionsOf(type);
    const last = versions[versions.length - 1];
    return last === undefined ? undefined : this.definition(type, last);
  }

  /** The definitions published on `topic`. */
  forTopic(topic: Topic): readonly D[] {
    return this.definitions.filter((d) => d.topic === topic);
  }

  /**
   * Validates an event: the envelope, then the payload and scope for its exact type@version.
   * Throws {@link ContractViolationError} (reasons INVALID_ENVELOPE, UNKNOWN_EVENT_TYPE,
   * UNKNOWN_EVENT_VERSION, INVALID_EVENT) listing every issue with its path.
   */
  parse(value: unknown): EventOf<D> {
    const context = contextOf(value);
    const envelope = EventEnvelopeSchema.safeParse(value);
    if (!envelope.success) {
      throw new ContractViolationError(
        'INVALID_ENVELOPE',
        issuesFromZodError(envelope.error),
        context,
      );
    }
    const { type, version } = envelope.data;
    const definition = this.definition(type, version);
    if (!definition) {
      const known = this.versionsOf(type);
      if (known.length === 0) {
        throw new ContractViolationError(
          'UNKNOWN_EVENT_TYPE',
          [{ path: 'type', message: 'is not a known event type', code: 'unknown_event_type' }],
          context,
        );
      }
      throw new ContractViolationError(
        'UNKNOWN_EVENT_VERSION',
        [
          {
            path: 'version',
            message: `is not a known version of ${type} (known: ${known.join(', ')})`,
            code: 'unknown_event_version',
          },
        ],
        context,
      );
    }
    const event = definition.schema.safeParse(value);
    if (!event.success) {
      throw new ContractViolationError('INVALID_EVENT', issuesFromZodError(event.error), context);
    }
    return event.data as EventOf<D>;
  }

  /** Like {@link parse}, but returns the violation instead of throwing. */
  safeParse(value: unknown): SafeParseEventResult<EventOf<D>> {
    try {
      return { success: true, event: this.parse(value) };
    } catch (error) {
      if (error instanceof ContractViolationError) return { success: false, error };
      throw error;
    }
  }

  /** Parses a Kafka message value (JSON text or bytes) into a validated event. */
  decode(message: string | Uint8Array | null | undefined): EventOf<D> {
    if (message === null || message === undefined || message.length === 0) {
      throw new ContractViolationError('MALFORMED_JSON', [
        { path: '', message: 'the message is empty', code: 'empty_message' },
      ]);
    }
    const text = typeof message === 'string' ? message : new TextDecoder().decode(message);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new ContractViolationError('MALFORMED_JSON', [
        { path: '', message: 'the message is not valid JSON', code: 'malformed_json' },
      ]);
    }
    return this.parse(value);
  }

  /**
   * The Kafka message key of an event: the value of its definition's aggregate field
   * (engagement id, organisation id or unit id).
   */
  key(event: EventEnvelope): string {
    const definition = this.definition(event.type, event.version);
    if (!definition) {
      throw new ContractViolationError(
        'UNKNOWN_EVENT_TYPE',
        [
          {
            path: 'type',
            message: 'is not a known event type@version',
            code: 'unknown_event_type',
          },
        ],
        contextOf(event),
      );
    }
    const key = event[definition.aggregate];
    if (key === undefined) {
      throw new ContractViolationError(
        'INVALID_EVENT',
        [
          {
            path: definition.aggregate,
            message: 'is required: it is the Kafka key',
            code: 'missing_key',
          },
        ],
        contextOf(event),
      );
    }
    return key;
  }
}

/** The registry of every Trellis event definition. */
export const eventRegistry = new EventRegistry<TrellisEventDefinition>(allEventDefinitions);

/**
 * Validates any value as a Trellis event (envelope + the payload of that exact type@version).
 * Throws {@link ContractViolationError}.
 */
export function parseEvent(value: unknown): TrellisEvent {
  return eventRegistry.parse(value);
}

/** Like {@link parseEvent}, without throwing. */
export function safeParseEvent(value: unknown): SafeParseEventResult<TrellisEvent> {
  return eventRegistry.safeParse(value);
}

/** Parses a Kafka message value (JSON text or bytes); MALFORMED_JSON when it is not JSON. */
export function decodeEvent(message: string | Uint8Array | null | undefined): TrellisEvent {
  return eventRegistry.decode(message);
}

/** The definition of `type` at `version`, or undefined. */
export function eventDefinition(type: string, version: number): TrellisEventDefinition | undefined {
  return eventRegistry.definition(type, version);
}

/**
 * The Kafka message key of an event = its aggregate id: `engagementId` for events within an
 * engagement, `organisationId` for organisation and identity events, `unitId` for desk events.
 */
export function eventKey(event: EventEnvelope): string {
  return eventRegistry.key(event);
}
