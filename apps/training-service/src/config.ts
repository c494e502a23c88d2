import {
  baseServiceEnv,
  checkSecuredServiceEnv,
  env,
  securedServiceEnvShape,
} from '@trellis/platform-config';
import { TOPICS } from '@trellis/contracts';
import { z } from 'zod';

/** The service's name: in logs, Kafka client ids, MongoDB `appName` and event actors. */
export const SERVICE_NAME = 'training-service';

/**
 * The training service's environment: the shared service settings plus
 * - `JWT_ISSUER`, `JWT_AUDIENCE` and one key source of `JWT_JWKS_URL` (the gateway's JWKS),
 *   `JWT_JWKS` (a JWKS as JSON) or `JWT_PUBLIC_KEY_PEM`;
 * - `MONGO_DB` (this service's database) and `KEYS_MONGO_DB` (the wrapped data keys; in
 *   production a database excluded from the data backups);
 * - `MASTER_KEYS` (`kid:base64,...`) and `MASTER_KEY_ID` (the active one; default the first);
 * - `ENGAGEMENT_EVENTS_GROUP_ID`: the Kafka consumer group that builds the local projection
 *   of engagements from `trellis.engagement.v1` (default `training-service.engagements`);
 *   `CONSUME_ENGAGEMENT_EVENTS=false` keeps this process from consuming;
 * - `IDENTITY_EVENTS_GROUP_ID`: the Kafka consumer group of the organisation erasure requests
 *   (`IDENTITY_TOPIC`, default `trellis.identity.v1`; default group `training-service.identity`);
 *   `CONSUME_IDENTITY_EVENTS=false` keeps this process from consuming them;
 * - `OUTBOX_POLL_MS`: how often the outbox relay polls when idle; `OUTBOX_AUTOSTART=false`
 *   keeps this process from relaying (events then wait in the documents' outboxes for a relay);
 * - `CALENDAR_BASE_URL`: the public base URL calendar feed links are built on (through the
 *   gateway); without it the links are paths (`/calendar/feeds/<token>.ics`).
 */
export const trainingConfigSchema = baseServiceEnv
  .extend({
    ...securedServiceEnvShape,
    PORT: env.port(3102),
    MONGO_DB: env.string('trellis_training'),
    KEYS_MONGO_DB: env.string('trellis_training_keys'),
    ENGAGEMENT_EVENTS_GROUP_ID: env.string('training-service.engagements'),
    CONSUME_ENGAGEMENT_EVENTS: env.bool(true),
    IDENTITY_EVENTS_GROUP_ID: env.string('training-service.identity'),
    IDENTITY_TOPIC: env.string(TOPICS.identity),
    CONSUME_IDENTITY_EVENTS: env.bool(true),
    CALENDAR_BASE_URL: env.url(['http', 'https']).optional(),
  })
  // Runs even when other variables failed, so every problem is reported at once.
  .superRefine(checkSecuredServiceEnv, { when: () => true });

/** The validated configuration. */
export type TrainingConfig = z.infer<typeof trainingConfigSchema>;

export { masterKeyConfig } from '@trellis/platform-config';
