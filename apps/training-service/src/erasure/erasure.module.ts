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
import { CALENDAR_FEED_MODEL } from '../calendar/calendar.schema';
import { CASCADE_MODEL } from '../cascades/cascades.schema';
import { TRAINING_MODELS } from '../common/models';
import { SERVICE_NAME, type TrainingConfig } from '../config';
import { KNOWN_ENGAGEMENT_MODEL } from '../engagements/known-engagements.schema';
import { TRAINING_PLAN_MODEL } from '../plans/training-plans.schema';
import { SESSION_MODEL } from '../sessions/sessions.schema';

/**
 * The training service's part in organisation erasure (`@trellis/platform-erasure`): on
 * `identity.organisation.erasure-requested` (or `-completed`) from `IDENTITY_TOPIC`, it
 * shreds its data key of the organisation (facilitator notes become unreadable), deletes the
 * organisation's training plans, sessions (with their pseudonymous attendance), cascade
 * trainings, its calendar feed and its engagement projection, and reports
 * `identity.organisation.purged` through the erasure record's outbox. Officers' own calendar
 * feeds are not the organisation's and stay.
 */
export const TrainingErasureModule = ErasureModule.forRootAsync({
  imports: [TRAINING_MODELS],
  inject: [
    CONFIG,
    MONGO_CONNECTION,
    FieldCipher,
    KEY_STORE,
    getModelToken(TRAINING_PLAN_MODEL),
    getModelToken(SESSION_MODEL),
    getModelToken(CASCADE_MODEL),
    getModelToken(CALENDAR_FEED_MODEL),
    getModelToken(KNOWN_ENGAGEMENT_MODEL),
  ],
  useFactory: (
    c: TrainingConfig,
    connection: Connection,
    cipher: FieldCipher,
    store: KeyStore,
    plans: CollectionSource,
    sessions: CollectionSource,
    cascades: CollectionSource,
    feeds: CollectionSource,
    engagements: CollectionSource,
  ) => {
    const byOrganisation = { organisationField: 'organisationId' };
    return {
      service: SERVICE_NAME,
      ledger: new MongoErasureLedger(erasureRecordModel(connection)),
      keys: { cipher, store },
      purgers: [
        collectionPurger({ kind: 'training-plans', model: plans, match: byOrganisation }),
        collectionPurger({ kind: 'sessions', model: sessions, match: byOrganisation }),
        collectionPurger({ kind: 'cascades', model: cascades, match: byOrganisation }),
        collectionPurger({
          kind: 'calendar-feeds',
          model: feeds,
          match: ({ organisationId }) => ({ kind: 'organisation', subjectId: organisationId }),
        }),
        collectionPurger({ kind: 'known-engagements', model: engagements, match: byOrganisation }),
      ],
      consumer: {
        groupId: c.IDENTITY_EVENTS_GROUP_ID,
        topic: c.IDENTITY_TOPIC,
        autoStart: c.CONSUME_IDENTITY_EVENTS,
      },
    };
  },
});
