import { z } from 'zod';
import { IdSchema } from '../domain-values';
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
 * 2. `identity.organisation.erasure-completed`: the gateway has removed the organisation's users
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

/** Every identity-context event definition. */
export const identityEvents = [
  OrganisationErasureRequestedV1,
  OrganisationErasureCompletedV1,
] as const;
