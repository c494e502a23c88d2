import { baseServiceEnv, env } from '@trellis/platform-config';
import { masterKeyConfigSchema, type MasterKeyConfig } from '@trellis/platform-crypto';
import { z } from 'zod';

/** The service's name: in logs, Kafka client ids, MongoDB `appName` and event actors. */
export const SERVICE_NAME = 'training-service';

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
 * The training service's environment: the shared service settings plus
 * - `JWT_ISSUER`, `JWT_AUDIENCE` and one key source of `JWT_JWKS_URL` (the gateway's JWKS),
 *   `JWT_JWKS` (a JWKS as JSON) or `JWT_PUBLIC_KEY_PEM`;
 * - `MONGO_DB` (this service's database) and `KEYS_MONGO_DB` (the wrapped data keys; in
 *   production a database excluded from the data backups);
 * - `MASTER_KEYS` (`kid:base64,...`) and `MASTER_KEY_ID` (the active one; default the first);
 * - `ENGAGEMENT_EVENTS_GROUP_ID`: the Kafka consumer group that builds the local projection
 *   of engagements from `trellis.engagement.v1` (default `training-service.engagements`);
 *   `CONSUME_ENGAGEMENT_EVENTS=false` keeps this process from consuming;
 * - `OUTBOX_POLL_MS`: how often the outbox relay polls when idle; `OUTBOX_AUTOSTART=false`
 *   keeps this process from relaying (events then wait in the documents' outboxes for a relay);
 * - `CALENDAR_BASE_URL`: the public base URL calendar feed links are built on (through the
 *   gateway); without it the links are paths (`/calendar/feeds/<token>.ics`).
 */
export const trainingConfigSchema = baseServiceEnv
  .extend({
    PORT: env.port(3102),
    MONGO_DB: env.string('trellis_training'),
    KEYS_MONGO_DB: env.string('trellis_training_keys'),
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
    ENGAGEMENT_EVENTS_GROUP_ID: env.string('training-service.engagements'),
    CONSUME_ENGAGEMENT_EVENTS: env.bool(true),
    OUTBOX_POLL_MS: env.int(10, 60_000, 200),
    OUTBOX_AUTOSTART: env.bool(true),
    CALENDAR_BASE_URL: env.url(['http', 'https']).optional(),
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
export type TrainingConfig = z.infer<typeof trainingConfigSchema>;

/** The master key configuration for `FieldCipher`. */
export function masterKeyConfig(config: TrainingConfig): MasterKeyConfig {
  const activeKeyId = config.MASTER_KEY_ID ?? Object.keys(config.MASTER_KEYS)[0];
  if (!activeKeyId) throw new Error('MASTER_KEYS: no master key configured');
  return { activeKeyId, keys: config.MASTER_KEYS };
}
