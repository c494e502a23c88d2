import { z } from 'zod';
import type { ServiceId } from './domain-values';
import {
  AGGREGATE_FIELDS,
  EventEnvelopeSchema,
  requiredScopeFields,
  type Actor,
  type AggregateField,
  type EventEnvelope,
  type ScopeOf,
} from './envelope';
import { ContractViolationError, issuesFromZodError } from './errors';
import { TOPICS, type EventContext, type EventTopic } from './topics';

/*
 * PRIVACY RULE for every payload schema (DESIGN.md §5): payloads carry ids, enums, numbers,
 * booleans and dates only — never names, contacts, narratives, free text or locations finer
 * than country / ISO 3166-2 region. Sensitive data stays encrypted in the owning service; an
 * event says THAT something happened, not what anyone wrote. Every payload object is strict
 * (unknown keys are rejected, so a sensitive field cannot slip through by accident), and
 * `privacy.spec.ts` fails if any payload key is named like name, narrative, description, notes,
 * contact, email, phone, address or location, or if any string is unconstrained free text.
 */

/** A versioned event type: its payload schema, topic, aggregate and the full envelope schema. */
export interface EventDefinition<
  T extends string = string,
  V extends number = number,
  P extends z.ZodObject = z.ZodObject,
  A extends AggregateField = AggregateField,
> {
  /** `<context>.<aggregate>.<event>`, e.g. `engagement.agreement.signed`. */
  readonly type: T;
  /** Payload schema version, from 1. A breaking change adds a new definition with version + 1. */
  readonly version: V;
  /** `type@version`, e.g. `engagement.agreement.signed@1`. */
  readonly key: `${T}@${V}`;
  /** The topic of the event's context. */
  readonly topic: EventTopic;
  /** The envelope field whose value is the Kafka key (see `AggregateField`). */
  readonly aggregate: A;
  /** The service (context) that publishes the event; several for a report every service gives. */
  readonly producer: ServiceId | readonly ServiceId[];
  /** What the event means, in one or two sentences (for docs and the README). */
  readonly description: string;
  /** The payload schema (a strict zod object). */
  readonly payload: P;
  /** Envelope fields that must equal a payload key when both are present: envelope field → payload key. */
  readonly links: Readonly<Partial<Record<AggregateField, string>>>;
  /** The whole event: envelope with this type, version and payload, and the scope rules. */
  readonly schema: z.ZodType<EventEnvelope<T, V, z.output<P>> & ScopeOf<A>>;
}

/** Any event definition. */
export type AnyEventDefinition = EventDefinition<string, number, z.ZodObject, AggregateField>;

/** The event (envelope + payload) a definition describes. */
export type EventOf<D extends AnyEventDefinition> =
  D extends EventDefinition<infer T, infer V, infer P, infer A>
    ? EventEnvelope<T, V, z.output<P>> & ScopeOf<A>
    : never;

/** The payload type of a definition. */
export type PayloadOf<D extends AnyEventDefinition> = z.output<D['payload']>;

/** What {@link defineEvent} takes. */
export interface EventSpec<
  T extends string,
  V extends number,
  P extends z.ZodObject,
  A extends AggregateField,
> {
  type: T;
  version: V;
  topic: EventTopic;
  aggregate: A;
  producer: ServiceId | readonly ServiceId[];
  description: string;
  payload: P;
  /** Extra envelope-field → payload-key links; payload keys named like an aggregate field are linked automatically. */
  links?: Partial<Record<AggregateField, string>>;
}

function isStrict(schema: z.ZodObject): boolean {
  const catchall = schema.def.catchall as z.ZodType | undefined;
  return catchall?.def.type === 'never';
}

/**
 * Defines one version of one event type. Throws at module load if the definition is
 * inconsistent (payload not strict, topic not the one of the type's context, version < 1).
 */
export function defineEvent<
  const T extends string,
  const V extends number,
  P extends z.ZodObject,
  const A extends AggregateField,
>(spec: EventSpec<T, V, P, A>): EventDefinition<T, V, P, A> {
  const key = `${spec.type}@${spec.version}` as const;
  const context = spec.type.split('.')[0] as EventContext;
  if (TOPICS[context] !== spec.topic) {
    throw new Error(`${key}: topic ${spec.topic} is not the topic of context "${context}"`);
  }
  if (!Number.isInteger(spec.version) || spec.version < 1) {
    throw new Error(`${key}: version must be an integer from 1`);
  }
  if (!isStrict(spec.payload)) {
    throw new Error(`${key}: the payload schema must be strict (z.strictObject)`);
  }
  const shape = spec.payload.shape as Record<string, unknown>;
  const links: Partial<Record<AggregateField, string>> = {};
  for (const field of AGGREGATE_FIELDS) {
    if (field in shape) links[field] = field;
  }
  Object.assign(links, spec.links);

  const required = requiredScopeFields(spec.aggregate);
  const schema = EventEnvelopeSchema.extend({
    type: z.literal(spec.type),
    version: z.literal(spec.version),
    payload: spec.payload,
  }).superRefine((value, ctx) => {
    const event = value as unknown as EventEnvelope<string, number, Record<string, unknown>>;
    for (const field of required) {
      if (event[field] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `is required in the envelope of ${key} (aggregate ${spec.aggregate})`,
        });
      }
    }
    const payload = event.payload;
    for (const [field, payloadKey] of Object.entries(links) as [AggregateField, string][]) {
      const inPayload = payload[payloadKey];
      const inEnvelope = event[field];
      if (typeof inPayload === 'string' && inEnvelope !== undefined && inPayload !== inEnvelope) {
        ctx.addIssue({
          code: 'custom',
          path: ['payload', payloadKey],
          message: `must equal the envelope's ${field}`,
        });
      }
    }
  });

  return Object.freeze({
    type: spec.type,
    version: spec.version,
    key,
    topic: spec.topic,
    aggregate: spec.aggregate,
    producer: spec.producer,
    description: spec.description,
    payload: spec.payload,
    links: Object.freeze(links),
    schema: schema as unknown as EventDefinition<T, V, P, A>['schema'],
  });
}

/** Envelope fields {@link createEvent} takes; the aggregate's scope fields are required. */
export type CreateEventInput<D extends AnyEventDefinition> = {
  payload: z.input<D['payload']>;
  actor: Actor;
  correlationId?: string;
  /**
   * Event id. Defaults to `globalThis.crypto.randomUUID()`. Inside a Temporal workflow pass a
   * deterministic one (`uuid4()` from `@temporalio/workflow`).
   */
  id?: string;
  /** When it happened; defaults to now (in a workflow, workflow time is deterministic). */
  occurredAt?: string | Date;
  engagementId?: string;
  organisationId?: string;
  unitId?: string;
} & ScopeOf<D['aggregate']>;

interface RandomUuidSource {
  crypto?: { randomUUID?: () => string };
}

/** A new random UUID from `globalThis.crypto` (Node ≥ 19, browsers); no import of node:crypto. */
export function randomEventId(): string {
  const source = (globalThis as RandomUuidSource).crypto;
  if (typeof source?.randomUUID !== 'function') {
    throw new Error(
      'globalThis.crypto.randomUUID is not available here (e.g. inside a Temporal workflow): pass `id` to createEvent',
    );
  }
  return source.randomUUID();
}

/**
 * Builds an event of `definition`: fills `id` and `occurredAt` unless given, sets type and
 * version, and validates the whole event. Throws {@link ContractViolationError} when the
 * payload or the envelope does not match.
 */
export function createEvent<D extends AnyEventDefinition>(
  definition: D,
  input: CreateEventInput<D>,
): EventOf<D> {
  const { payload, actor, correlationId, id, occurredAt, engagementId, organisationId, unitId } =
    input as CreateEventInput<AnyEventDefinition> & Partial<Record<AggregateField, string>>;
  const candidate: Record<string, unknown> = {
    id: id ?? randomEventId(),
    type: definition.type,
    version: definition.version,
    occurredAt:
      occurredAt instanceof Date
        ? occurredAt.toISOString()
        : (occurredAt ?? new Date().toISOString()),
    ...(engagementId !== undefined ? { engagementId } : {}),
    ...(organisationId !== undefined ? { organisationId } : {}),
    ...(unitId !== undefined ? { unitId } : {}),
    actor,
    ...(correlationId !== undefined ? { correlationId } : {}),
    payload,
  };
  const result = definition.schema.safeParse(candidate);
  if (!result.success) {
    throw new ContractViolationError('INVALID_EVENT', issuesFromZodError(result.error), {
      subject: definition.key,
      eventType: definition.type,
      eventVersion: definition.version,
    });
  }
  return result.data as EventOf<D>;
}

/** Narrows a parsed event to one definition (same type and version). */
export function isEvent<D extends AnyEventDefinition>(
  event: EventEnvelope,
  definition: D,
): event is EventOf<D> {
  return event.type === definition.type && event.version === definition.version;
}
