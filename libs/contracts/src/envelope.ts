import { z } from 'zod';
import {
  IdSchema,
  IsoDateTimeSchema,
  RoleSchema,
  ServiceIdSchema,
  UnitIdSchema,
  type Role,
  type ServiceId,
} from './domain-values';

/*
 * The envelope every Trellis event travels in (DESIGN.md §3). On Kafka:
 *   - topic: one per context (`TOPICS`), named by the event's definition;
 *   - key:   the aggregate id (`eventKey(envelope)`): the engagement id for everything that
 *            happens within an engagement, the organisation id for organisation and identity
 *            events, the unit (desk) id for desk events — so the events of one aggregate stay in
 *            order on one partition;
 *   - value: the envelope as JSON (`encodeEvent`);
 *   - headers: `EVENT_HEADERS`.
 * Consumers are idempotent by `id`: a relay may publish the same event twice.
 */

/** Who caused an event: a signed-in user (with the role they acted in) or a service. */
export const ActorSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('user'), id: IdSchema, role: RoleSchema }),
  z.strictObject({ kind: z.literal('service'), id: ServiceIdSchema }),
]);
export type Actor = { kind: 'user'; id: string; role: Role } | { kind: 'service'; id: ServiceId };

/** An event type: `<context>.<aggregate>.<what-happened>` in kebab-case (`engagement.agreement.signed`). */
export const EventTypeSchema = z
  .string()
  .regex(
    /^[a-z]+\.[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/,
    'must be an event type <context>.<aggregate>.<event> in kebab-case',
  );

/** A correlation id carried from the HTTP request through Kafka headers and envelopes. */
export const CorrelationIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1–128 characters of letters, digits and ._:-');

/**
 * The envelope of any event, with the payload unchecked (an object). `parseEvent` checks the
 * payload against the definition of the exact type@version. Unknown envelope fields are
 * rejected: the envelope changes only with a new topic version.
 */
export const EventEnvelopeSchema = z.strictObject({
  /** Unique event id (UUID); consumers deduplicate by it. */
  id: z.uuid(),
  type: EventTypeSchema,
  /** Version of the payload schema of this type, from 1. */
  version: z.int().min(1),
  /** When the change happened (UTC); set by the producer when the state changed. */
  occurredAt: IsoDateTimeSchema,
  engagementId: IdSchema.optional(),
  organisationId: IdSchema.optional(),
  /** The desk or `tru` responsible at the time of the event. */
  unitId: UnitIdSchema.optional(),
  actor: ActorSchema,
  correlationId: CorrelationIdSchema.optional(),
  payload: z.record(z.string(), z.unknown()),
});

/** An event envelope with a typed payload. */
export interface EventEnvelope<T extends string = string, V extends number = number, P = unknown> {
  id: string;
  type: T;
  version: V;
  occurredAt: string;
  engagementId?: string;
  organisationId?: string;
  unitId?: string;
  actor: Actor;
  correlationId?: string;
  payload: P;
}

/**
 * The envelope field holding the aggregate id, which is also the Kafka key:
 * - `engagementId`: the event happened within an engagement; the envelope must also carry the
 *   `organisationId` and the `unitId` (so every consumer can scope and purge without a lookup);
 * - `organisationId`: an organisation-level event (registration, erasure);
 * - `unitId`: a desk-level event.
 */
export const AGGREGATE_FIELDS = ['engagementId', 'organisationId', 'unitId'] as const;
export type AggregateField = (typeof AGGREGATE_FIELDS)[number];

/** Envelope fields an event with aggregate `A` always carries. */
export type ScopeOf<A extends AggregateField> = A extends 'engagementId'
  ? { engagementId: string; organisationId: string; unitId: string }
  : A extends 'organisationId'
    ? { organisationId: string }
    : { unitId: string };

/** The envelope fields required for an aggregate field (see {@link AggregateField}). */
export function requiredScopeFields(aggregate: AggregateField): readonly AggregateField[] {
  return aggregate === 'engagementId' ? AGGREGATE_FIELDS : [aggregate];
}

/** Serialises an event for Kafka (the message value). */
export function encodeEvent(event: EventEnvelope): string {
  return JSON.stringify(event);
}
