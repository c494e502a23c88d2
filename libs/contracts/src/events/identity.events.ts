import { z } from 'zod';
import { CountSchema, IdSchema, ServiceIdSchema } from '../domain-values';
import { defineEvent } from '../event-definition';
import { TOPICS } from '../topics';

/*
 * Identity context (gateway): the erasure of an organisation (right to erasure; or a defender
 * organisation at risk asking to disappear from the system).
 *
 * 1. `identity.organisation.erasure-requested`: every service destroys its data key for the
 *    organisation (crypto-shredding: its encrypted fields become unreadable, backups included),
 *    deletes what it can, stops new work for it (the orchestrator terminates its workflows with
 *    reason organisation-erased) and drops it from read models. Idempotent.
 * 2. `identity.organisation.purged`: each participating service reports what it did (its key
 *    destroyed, how many records of each kind it deleted); the gateway collects the reports.
 * 3. `identity.organisation.erasure-completed`: the gateway has removed the organisation's users
 *    and closed the request; consumers that missed the request purge now.
 */

const topic = TOPICS.identity;
const producer = 'gateway';
const aggregate = 'organisationId';

const erasureRef = {
  erasureRequestId: IdSchema,
  organisationId: IdSchema,
};

export const OrganisationErasureRequestedV1 = defineEvent({
  type: 'identity.organisation.erasure-requested',
  version: 1,
  topic,
  aggregate,
  producer,
  description:
    "An admin requested the erasure of an organisation: every service crypto-shreds and purges the organisation's data.",
  payload: z.strictObject(erasureRef),
});

export const OrganisationErasureCompletedV1 = defineEvent({
  type: 'identity.organisation.erasure-completed',
  version: 1,
  topic,
  aggregate,
  producer,
  description:
    "The erasure request is closed: the organisation's users are removed; any consumer that still holds data on it purges it.",
  payload: z.strictObject(erasureRef),
});

/** A kind of record a service purged, e.g. `threats`, `sessions`, `workflows` (kebab-case). */
export const PurgedRecordKindSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be a kebab-case record kind');

export const OrganisationPurgedV1 = defineEvent({
  type: 'identity.organisation.purged',
  version: 1,
  topic,
  aggregate,
  producer: [
    'engagement-service',
    'training-service',
    'risk-service',
    'coaching-service',
    'orchestrator',
    'reporting-service',
  ],
  description:
    "A service's report on an erasure request: whether it destroyed its data key for the organisation and how many records of each kind it deleted (a repeated request reports zero).",
  payload: z.strictObject({
    ...erasureRef,
    service: ServiceIdSchema,
    /** This service held a data key for the organisation and destroyed it (now or before). */
    keyErased: z.boolean(),
    removed: z.array(z.strictObject({ kind: PurgedRecordKindSchema, count: CountSchema })),
  }),
});

/** Every identity-context event definition. */
export const identityEvents = [
  OrganisationErasureRequestedV1,
  OrganisationPurgedV1,
  OrganisationErasureCompletedV1,
] as const;
