import { baseServiceEnv, env } from '@trellis/platform-config';
import { masterKeyConfigSchema, type MasterKeyConfig } from '@trellis/platform-crypto';
import { z } from 'zod';

/** The service's name: in logs, Kafka client ids, MongoDB `appName` and event actors. */
export const SERVICE_NAME = 'coaching-service';

const MASTER_KEY_LIST = /^[A-Za-z0-9._-]{1,64}:[A-Za-z0-9+/_=-]+$/;

/**
 * `MASTER_KEYS=kid1:BASE64,kid2:BASE64` — the master keys that wrap the organisations' data
 * keys. Error messages name key ids only, never key material.
 */
const masterKeysVariable = z
  .string()
  .trim()
  .transform((text, ctx) => {
    const keys: Record<string, string> = {};
    for (const entry of text
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean)) {
      if (!MASTER_KEY_LIST.test(entry)) {
        ctx.addIssue({ code: 'custom', message: 'expected kid:base64[,kid:base64...]' });
        return z.NEVER;
      }
      const colon = entry.indexOf(':');
      const kid = entry.slice(0, colon);
      if (Object.hasOwn(keys, kid)) {
        ctx.addIssue({ code: 'custom', message: `master key id "${kid}" is given twice` });
        return z.NEVER;
      }
      keys[kid] = entry.slice(colon + 1);
    }
    if (Object.keys(keys).length === 0) {
      ctx.addIssue({ code: 'custom', message: 'expected at least one master key' });
      return z.NEVER;
    }
    return keys;
  });

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
 *   and reminders topics;
 * - `OUTBOX_POLL_MS`, `OUTBOX_AUTOSTART`: the outbox relay.
 */
export const coachingConfigSchema = baseServiceEnv
  .extend({
    PORT: env.port(3104),
    MONGO_DB: env.string('trellis_coaching'),
    KEYS_MONGO_DB: env.string('trellis_coaching_keys'),
    JWT_ISSUER: env.string(),
    JWT_AUDIENCE: env.string('trellis'),
    JWT_JWKS_URL: env.url(['http', 'https']).optional(),
    JWT_JWKS: z
      .string()
      .transform((text, ctx) => {
        try {
          const parsed: unknown = JSON.parse(text);
          if (
            typeof parsed === 'object' &&
            parsed !== null &&
            Array.isArray((parsed as { keys?: unknown }).keys)
          ) {
            return parsed as { keys: Record<string, unknown>[] };
          }
        } catch {
          // reported below
        }
        ctx.addIssue({ code: 'custom', message: 'expected a JWKS as JSON ({"keys":[...]})' });
        return z.NEVER;
      })
      .optional(),
    JWT_PUBLIC_KEY_PEM: z.string().includes('BEGIN PUBLIC KEY').optional(),
    MASTER_KEYS: masterKeysVariable,
    MASTER_KEY_ID: z.string().trim().optional(),
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
    CONSUMER_AUTOSTART: env.bool(true),
    CONSUMER_MAX_ATTEMPTS: env.int(1, 100, 8),
    TOPIC_PREFIX: z.string().default(''),
    OUTBOX_POLL_MS: env.int(10, 60_000, 200),
    OUTBOX_AUTOSTART: env.bool(true),
  })
  // Runs even when other variables failed, so every problem is reported at once.
  .superRefine(
    (c, ctx) => {
      const partial = c as Partial<typeof c>;
      if (!partial.JWT_JWKS_URL && !partial.JWT_JWKS && !partial.JWT_PUBLIC_KEY_PEM) {
        ctx.addIssue({
          code: 'custom',
          path: ['JWT_JWKS_URL'],
          message: 'set JWT_JWKS_URL, JWT_JWKS or JWT_PUBLIC_KEY_PEM to verify tokens with',
        });
      }
      const keys = partial.MASTER_KEYS;
      if (typeof keys !== 'object' || keys === null) return;
      const activeKeyId = partial.MASTER_KEY_ID ?? Object.keys(keys)[0] ?? '';
      const check = masterKeyConfigSchema.safeParse({ activeKeyId, keys });
      for (const issue of check.success ? [] : check.error.issues) {
        const variable = issue.path[0] === 'activeKeyId' ? 'MASTER_KEY_ID' : 'MASTER_KEYS';
        const keyId = issue.path[0] === 'keys' ? ` (key "${String(issue.path[1])}")` : '';
        ctx.addIssue({ code: 'custom', path: [variable], message: `${issue.message}${keyId}` });
      }
    },
    { when: () => true },
  );

/** The validated configuration. */
export type CoachingConfig = z.infer<typeof coachingConfigSchema>;

/** The master key configuration for `FieldCipher`. */
export function masterKeyConfig(config: CoachingConfig): MasterKeyConfig {
  const activeKeyId = config.MASTER_KEY_ID ?? Object.keys(config.MASTER_KEYS)[0];
  if (!activeKeyId) throw new Error('MASTER_KEYS: no master key configured');
  return { activeKeyId, keys: config.MASTER_KEYS };
}
