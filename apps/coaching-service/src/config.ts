import {
  baseServiceEnv,
  checkSecuredServiceEnv,
  env,
  securedServiceEnvShape,
} from '@trellis/platform-config';
import { z } from 'zod';

/** The service's name: in logs, Kafka client ids, MongoDB `appName` and event actors. */
export const SERVICE_NAME = 'coaching-service';

/**
 * The coaching service's environment: the shared service settings plus
 * - `JWT_ISSUER`, `JWT_AUDIENCE` and one key source of `JWT_JWKS_URL`, `JWT_JWKS` or
 *   `JWT_PUBLIC_KEY_PEM`;
 * - `MONGO_DB` (this service's database) and `KEYS_MONGO_DB` (the wrapped data keys);
 * - `MASTER_KEYS` (`kid:base64,...`) and `MASTER_KEY_ID` (the active one; default the first);
 * - `SMTP_URL` (e-mail is sent only when set; `smtp://` or `smtps://`), `MAIL_FROM`,
 *   `APP_BASE_URL` (the links in e-mails), `MAIL_POLL_MS` (sender loop), `MAIL_RETRY_MS` /
 *   `MAIL_RETRY_MAX_MS` (backoff after a failed send), `MAIL_TIMEOUT_MS`, `MAIL_AUTOSTART`;
 * - `DIGEST_HOUR_UTC`: when the daily digest e-mails go out;
 * - `CHECK_IN_POLL_MS`, `CHECK_IN_AUTOSTART`: the watchdog of site-visit check-ins;
 * - `KAFKA_GROUP_ID`, `CONSUMER_AUTOSTART`, `CONSUMER_MAX_ATTEMPTS`, `TOPIC_PREFIX` (tests
 *   isolate the consumed topics with it; empty in production): the consumer of the engagement
 *   and reminders topics; `CONSUMER_CONCURRENCY`: how many partitions it handles at once (in
 *   order within each; default 6, every partition of the two topics — 1,000 reminders due
 *   together queued behind one partition at a time); `IDENTITY_EVENTS_GROUP_ID`: the consumer group of the organisation
 *   erasure requests on the identity topic (also started by `CONSUMER_AUTOSTART`);
 * - `OUTBOX_POLL_MS`, `OUTBOX_AUTOSTART`: the outbox relay.
 */
export const coachingConfigSchema = baseServiceEnv
  .extend({
    ...securedServiceEnvShape,
    PORT: env.port(3104),
    MONGO_DB: env.string('trellis_coaching'),
    KEYS_MONGO_DB: env.string('trellis_coaching_keys'),
    SMTP_URL: env.url(['smtp', 'smtps']).optional(),
    MAIL_FROM: env.string('Trellis <no-reply@trellis.invalid>'),
    APP_BASE_URL: env.url(['http', 'https']).default('http://127.0.0.1:3100'),
    MAIL_POLL_MS: env.int(10, 600_000, 1_000),
    MAIL_RETRY_MS: env.int(10, 3_600_000, 5_000),
    MAIL_RETRY_MAX_MS: env.int(10, 86_400_000, 900_000),
    MAIL_TIMEOUT_MS: env.int(100, 120_000, 10_000),
    MAIL_AUTOSTART: env.bool(true),
    DIGEST_HOUR_UTC: env.int(0, 23, 7),
    CHECK_IN_POLL_MS: env.int(10, 600_000, 5_000),
    CHECK_IN_AUTOSTART: env.bool(true),
    KAFKA_GROUP_ID: env.string('trellis-coaching-service'),
    IDENTITY_EVENTS_GROUP_ID: env.string('trellis-coaching-service-identity'),
    CONSUMER_AUTOSTART: env.bool(true),
    CONSUMER_MAX_ATTEMPTS: env.int(1, 100, 8),
    CONSUMER_CONCURRENCY: env.int(1, 32, 6),
    TOPIC_PREFIX: z.string().default(''),
  })
  // Runs even when other variables failed, so every problem is reported at once.
  .superRefine(checkSecuredServiceEnv, { when: () => true });

/** The validated configuration. */
export type CoachingConfig = z.infer<typeof coachingConfigSchema>;

export { masterKeyConfig } from '@trellis/platform-config';
