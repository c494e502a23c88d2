import { createHash } from 'node:crypto';
import {
  createEvent,
  eventKey,
  OrganisationPurgedV1,
  TOPICS,
  type TrellisEvent,
} from '@trellis/contracts';
import type { EventProducer } from '@trellis/platform-kafka';
import type { Logger } from '@trellis/platform-logging';
import {
  Projection,
  purgedRecords,
  tombstoneOf,
  type ProjectionOutcome,
  type Pseudonymiser,
} from '@trellis/reporting-domain';
import { SERVICE_NAME } from '../config';
import type { FreshnessTracker } from './freshness';
import type { MongoReadModelStore } from './read-model.store';

/** Namespace of the deterministic ids of this service's purge reports (UUID v5). */
export const PURGE_REPORT_NAMESPACE = '6f1d7c2a-3b8e-4f5a-9c1d-2e7b8a4c6d10';

/** A name-based UUID (version 5, SHA-1) in `namespace`: the same name gives the same id. */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The id of this service's purged report for an erasure request. */
export function purgeReportId(erasureRequestId: string): string {
  return uuidV5(`${erasureRequestId}/${SERVICE_NAME}`, PURGE_REPORT_NAMESPACE);
}

/**
 * Applies events to the MongoDB read models (the domain {@link Projection}), answers erasure
 * requests with `identity.organisation.purged` (deterministic id and content, so a retry
 * publishes the same event), and records freshness. Shared by the live consumer and the
 * rebuild (which publishes nothing).
 */
export class ProjectionApplier {
  private readonly projection: Projection;

  constructor(
    private readonly store: MongoReadModelStore,
    pseudonyms: Pseudonymiser,
    private readonly freshness: FreshnessTracker,
    private readonly publisher?: { producer: EventProducer; topicPrefix: string; logger?: Logger },
  ) {
    this.projection = new Projection(store, pseudonyms);
  }

  async apply(event: TrellisEvent): Promise<ProjectionOutcome> {
    const outcome = await this.projection.apply(event);
    if (outcome.kind === 'erased' && outcome.report && outcome.erasureRequestId && this.publisher) {
      await this.publishPurged(outcome.organisationId, outcome.erasureRequestId);
    }
    this.freshness.record(event);
    return outcome;
  }

  private async publishPurged(organisationId: string, erasureRequestId: string): Promise<void> {
    const publisher = this.publisher;
    if (!publisher) return;
    const tombstone = tombstoneOf(organisationId);
    const record = await this.store.purgeRecord(tombstone, erasureRequestId, {
      engagementFacts: 0,
      organisationFacts: 0,
    });
    const event = createEvent(OrganisationPurgedV1, {
      id: purgeReportId(erasureRequestId),
      occurredAt: record.purgedAt,
      actor: { kind: 'service', id: SERVICE_NAME },
      organisationId,
      payload: {
        erasureRequestId,
        organisationId,
        service: SERVICE_NAME,
        keyErased: false,
        removed: purgedRecords(record),
      },
    });
    await publisher.producer.publish(`${publisher.topicPrefix}${TOPICS.identity}`, {
      key: eventKey(event),
      event,
    });
    publisher.logger?.info(
      { eventId: event.id, erasureRequestId, removed: event.payload.removed },
      'organisation purged from the read models',
    );
  }
}
