import { isIsoDuration, parseIsoDuration, TOPICS } from '@trellis/contracts';
import {
  baseServiceEnv,
  checkSecuredServiceEnv,
  env,
  securedServiceEnvShape,
} from '@trellis/platform-config';
import { z } from 'zod';

/** The service's name: in logs, Kafka client ids, MongoDB `appName` and event actors. */
export const SERVICE_NAME = 'engagement-service';

/**
 * An ISO-8601 duration, parsed: `{ iso: 'P1D', ms: 86400000 }`. (Not contracts'
 * `IsoDurationSchema`, which also reports "is too long" for text that is no duration at all.)
 */
const durationVariable = (fallback: string) =>
  z
    .string()
    .trim()
    .default(fallback)
    .transform((iso, ctx) => {
      if (!isIsoDuration(iso)) {
        ctx.addIssue({
          code: 'custom',
          message: 'expected an ISO-8601 duration such as P1D, PT1H or PT1S',
        });
        return z.NEVER;
      }
      return { iso, ms: parseIsoDuration(iso) };
    });

/**
 * The engagement service's environment: the shared service settings plus
 * - `JWT_ISSUER`, `JWT_AUDIENCE` and one key source of `JWT_JWKS_URL` (the gateway's JWKS),
 *   `JWT_JWKS` (a JWKS as JSON) or `JWT_PUBLIC_KEY_PEM`;
 * - `MONGO_DB` (this service's database) and `KEYS_MONGO_DB` (the wrapped data keys; in
 *   production a database excluded from the data backups);
 * - `MASTER_KEYS` (`kid:base64,...`) and `MASTER_KEY_ID` (the active one; default the first);
 * - `MIN_CADENCE`: the shortest coaching cadence an agreement may set (ISO-8601, default
 *   `P1D`; lowered for demos and tests, e.g. `PT1S`);
 * - `IDENTITY_EVENTS_GROUP_ID`: the Kafka consumer group of the organisation erasure requests
 *   (`IDENTITY_TOPIC`, default `trellis.identity.v1`; default group
 *   `engagement-service.identity`); `CONSUME_IDENTITY_EVENTS=false` keeps this process from
 *   consuming them;
 * - `OUTBOX_POLL_MS`: how often the outbox relay polls when idle; `OUTBOX_AUTOSTART=false`
 *   keeps this process from relaying (events then wait in the documents' outboxes for a relay).
 */
export const engagementConfigSchema = baseServiceEnv
  .extend({
    ...securedServiceEnvShape,
    PORT: env.port(3101),
    MONGO_DB: env.string('trellis_engagement'),
    KEYS_MONGO_DB: env.string('trellis_engagement_keys'),
    MIN_CADENCE: durationVariable('P1D'),
    IDENTITY_EVENTS_GROUP_ID: env.string('engagement-service.identity'),
    IDENTITY_TOPIC: env.string(TOPICS.identity),
    CONSUME_IDENTITY_EVENTS: env.bool(true),
  })
  // Runs even when other variables failed, so every problem is reported at once.
  .superRefine(checkSecuredServiceEnv, { when: () => true });

/** The validated configuration. */
export type EngagementConfig = z.infer<typeof engagementConfigSchema>;

export { masterKeyConfig } from '@trellis/platform-config';
