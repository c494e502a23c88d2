import { TOPICS } from '@trellis/contracts';
import { CONFIG } from '@trellis/platform-config';
import { FieldCipher, KEY_STORE, type KeyStore } from '@trellis/platform-crypto';
import {
  collectionPurger,
  ErasureModule,
  erasureRecordModel,
  MongoErasureLedger,
  type CollectionSource,
} from '@trellis/platform-erasure';
import { getModelToken, MONGO_CONNECTION } from '@trellis/platform-mongo';
import type { Connection } from 'mongoose';
import { AUTONOMY_MODELS } from '../autonomy/autonomy.module';
import { AUTONOMY_REVIEW_MODEL } from '../autonomy/autonomy.schema';
import { SERVICE_NAME, type CoachingConfig } from '../config';
import { ENGAGEMENT_PROJECTION_MODELS } from '../engagements/engagements.module';
import { ENGAGEMENT_PROJECTION_MODEL } from '../engagements/engagement-projection.schema';
import { FOLLOW_UP_MODELS } from '../follow-ups/follow-ups.module';
import { FOLLOW_UP_MODEL } from '../follow-ups/follow-ups.schema';
import { NOTIFICATION_MODELS } from '../notifications/notifications.module';
import { NOTIFICATION_MODEL } from '../notifications/notifications.schema';

/**
 * The coaching service's part in organisation erasure (`@trellis/platform-erasure`): on
 * `identity.organisation.erasure-requested` (or `-completed`) from the identity topic (with
 * `TOPIC_PREFIX`), it shreds its data key of the organisation (if `engagement.organisation.erased`
 * has not done so already), deletes the organisation's follow-ups and check-ins, autonomy
 * reviews, inbox notifications and engagement projection, and reports
 * `identity.organisation.purged` through the erasure record's outbox.
 */
export const CoachingErasureModule = ErasureModule.forRootAsync({
  imports: [FOLLOW_UP_MODELS, AUTONOMY_MODELS, NOTIFICATION_MODELS, ENGAGEMENT_PROJECTION_MODELS],
  inject: [
    CONFIG,
    MONGO_CONNECTION,
    FieldCipher,
    KEY_STORE,
    getModelToken(FOLLOW_UP_MODEL),
    getModelToken(AUTONOMY_REVIEW_MODEL),
    getModelToken(NOTIFICATION_MODEL),
    getModelToken(ENGAGEMENT_PROJECTION_MODEL),
  ],
  useFactory: (
    c: CoachingConfig,
    connection: Connection,
    cipher: FieldCipher,
    store: KeyStore,
    followUps: CollectionSource,
    reviews: CollectionSource,
    notifications: CollectionSource,
    engagements: CollectionSource,
  ) => {
    const byOrganisation = { organisationField: 'organisationId' };
    return {
      service: SERVICE_NAME,
      ledger: new MongoErasureLedger(erasureRecordModel(connection)),
      keys: { cipher, store },
      purgers: [
        collectionPurger({ kind: 'follow-ups', model: followUps, match: byOrganisation }),
        collectionPurger({ kind: 'autonomy-reviews', model: reviews, match: byOrganisation }),
        collectionPurger({ kind: 'notifications', model: notifications, match: byOrganisation }),
        collectionPurger({
          kind: 'engagement-projections',
          model: engagements,
          match: byOrganisation,
        }),
      ],
      consumer: {
        groupId: c.IDENTITY_EVENTS_GROUP_ID,
        topic: `${c.TOPIC_PREFIX}${TOPICS.identity}`,
        autoStart: c.CONSUMER_AUTOSTART,
        maxAttempts: c.CONSUMER_MAX_ATTEMPTS,
      },
    };
  },
});
