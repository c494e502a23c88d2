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
import { RISK_ASSESSMENT_MODEL } from '../assessments/risk-assessments.schema';
import { RISK_MODELS } from '../common/models';
import { SERVICE_NAME, type RiskConfig } from '../config';
import { KNOWN_ENGAGEMENT_MODEL } from '../engagements/known-engagements.schema';
import { INCIDENT_MODEL } from '../incidents/incidents.schema';
import { SECURITY_PLAN_MODEL } from '../plans/security-plans.schema';
import { THREAT_MODEL } from '../threats/threats.schema';
import { WHEEL_ROUND_MODEL } from '../wheel/security-wheel.schema';

/** Every collection of the organisation's data, by reported kind (the projection last). */
const ERASED_COLLECTIONS = [
  ['threats', THREAT_MODEL],
  ['risk-assessments', RISK_ASSESSMENT_MODEL],
  ['incidents', INCIDENT_MODEL],
  ['security-wheel-rounds', WHEEL_ROUND_MODEL],
  ['security-plans', SECURITY_PLAN_MODEL],
  ['known-engagements', KNOWN_ENGAGEMENT_MODEL],
] as const;

/**
 * The risk service's part in organisation erasure (`@trellis/platform-erasure`): on
 * `identity.organisation.erasure-requested` (or `-completed`) from `IDENTITY_TOPIC`, it
 * shreds its data key of the organisation, deletes the organisation's threats, assessments,
 * incidents, wheel rounds, plans and engagement projection (all carry `organisationId`), and
 * reports `identity.organisation.purged` through the erasure record's outbox.
 */
export const RiskErasureModule = ErasureModule.forRootAsync({
  imports: [RISK_MODELS],
  inject: [
    CONFIG,
    MONGO_CONNECTION,
    FieldCipher,
    KEY_STORE,
    ...ERASED_COLLECTIONS.map(([, model]) => getModelToken(model)),
  ],
  useFactory: (
    c: RiskConfig,
    connection: Connection,
    cipher: FieldCipher,
    store: KeyStore,
    ...models: CollectionSource[]
  ) => ({
    service: SERVICE_NAME,
    ledger: new MongoErasureLedger(erasureRecordModel(connection)),
    keys: { cipher, store },
    purgers: ERASED_COLLECTIONS.map(([kind], i) =>
      collectionPurger({
        kind,
        model: models[i],
        match: { organisationField: 'organisationId' },
      }),
    ),
    consumer: {
      groupId: c.IDENTITY_EVENTS_GROUP_ID,
      topic: c.IDENTITY_TOPIC,
      autoStart: c.CONSUME_IDENTITY_EVENTS,
    },
  }),
});
