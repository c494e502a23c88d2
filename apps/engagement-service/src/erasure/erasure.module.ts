import { OrganisationErasedV1, type ServiceId } from '@trellis/contracts';
import { CONFIG } from '@trellis/platform-config';
import { FieldCipher, KEY_STORE, type KeyStore } from '@trellis/platform-crypto';
import {
  collectionPurger,
  ErasureModule,
  erasureEventId,
  erasureRecordModel,
  MongoErasureLedger,
  type CollectionSource,
  type ErasureRequest,
} from '@trellis/platform-erasure';
import { getModelToken, MONGO_CONNECTION } from '@trellis/platform-mongo';
import { outboxEvent, type OutboxEvent } from '@trellis/platform-outbox';
import type { Connection } from 'mongoose';
import { AGREEMENT_MODELS } from '../agreements/agreements.module';
import { AGREEMENT_MODEL } from '../agreements/agreements.schema';
import { SERVICE_NAME, type EngagementConfig } from '../config';
import { ENGAGEMENT_MODELS } from '../engagements/engagements.module';
import { ENGAGEMENT_MODEL } from '../engagements/engagements.schema';
import { NEEDS_ASSESSMENT_MODELS } from '../needs-assessment/needs-assessment.module';
import { NEEDS_ASSESSMENT_MODEL } from '../needs-assessment/needs-assessment.schema';
import { ORGANISATION_MODELS } from '../organisations/organisations.module';
import { ORGANISATION_MODEL } from '../organisations/organisations.schema';

/**
 * `engagement.organisation.erased`, published once the key is destroyed: every consumer learns
 * that the organisation's encrypted fields are unreadable (the coaching service shreds its own
 * key on it). Its id is derived from the request, so a retry publishes the same event.
 */
export function organisationErasedEvent(
  request: ErasureRequest,
  service: ServiceId,
): OutboxEvent[] {
  return [
    outboxEvent(OrganisationErasedV1, {
      id: erasureEventId(request.erasureRequestId, service, OrganisationErasedV1.key),
      actor: { kind: 'service', id: service },
      organisationId: request.organisationId,
      payload: {
        organisationId: request.organisationId,
        erasureRequestId: request.erasureRequestId,
      },
    }),
  ];
}

/**
 * The engagement service's part in organisation erasure (`@trellis/platform-erasure`): on
 * `identity.organisation.erasure-requested` (or `-completed`) from `IDENTITY_TOPIC`, it
 * shreds its data key of the organisation (name and contacts become unreadable), publishes
 * `engagement.organisation.erased`, deletes the organisation, its engagements, needs
 * assessments and agreements, and reports `identity.organisation.purged` through the
 * erasure record's outbox. Desks and their country claims are not the organisation's and stay.
 */
export const EngagementErasureModule = ErasureModule.forRootAsync({
  imports: [ORGANISATION_MODELS, ENGAGEMENT_MODELS, NEEDS_ASSESSMENT_MODELS, AGREEMENT_MODELS],
  inject: [
    CONFIG,
    MONGO_CONNECTION,
    FieldCipher,
    KEY_STORE,
    getModelToken(ORGANISATION_MODEL),
    getModelToken(ENGAGEMENT_MODEL),
    getModelToken(NEEDS_ASSESSMENT_MODEL),
    getModelToken(AGREEMENT_MODEL),
  ],
  useFactory: (
    c: EngagementConfig,
    connection: Connection,
    cipher: FieldCipher,
    store: KeyStore,
    organisations: CollectionSource,
    engagements: CollectionSource,
    needsAssessments: CollectionSource,
    agreements: CollectionSource,
  ) => {
    const byOrganisation = { organisationField: 'organisationId' };
    return {
      service: SERVICE_NAME,
      ledger: new MongoErasureLedger(erasureRecordModel(connection)),
      keys: { cipher, store },
      keyErasureEvents: organisationErasedEvent,
      purgers: [
        collectionPurger({ kind: 'agreements', model: agreements, match: byOrganisation }),
        collectionPurger({
          kind: 'needs-assessments',
          model: needsAssessments,
          match: byOrganisation,
        }),
        collectionPurger({ kind: 'engagements', model: engagements, match: byOrganisation }),
        // The organisation document itself: its id is the organisation id.
        collectionPurger({
          kind: 'organisations',
          model: organisations,
          match: { organisationField: '_id' },
        }),
      ],
      consumer: {
        groupId: c.IDENTITY_EVENTS_GROUP_ID,
        topic: c.IDENTITY_TOPIC,
        autoStart: c.CONSUME_IDENTITY_EVENTS,
      },
    };
  },
});
