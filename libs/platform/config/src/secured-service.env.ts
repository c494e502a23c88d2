import { masterKeyConfigSchema, type MasterKeyConfig } from '@trellis/platform-crypto';
import { z } from 'zod';
import { env } from './config.schema';

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

const jwksVariable = z.string().transform((text, ctx) => {
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
});

/**
 * Settings of every service that verifies tokens, encrypts fields and relays an outbox:
 * - `JWT_ISSUER`, `JWT_AUDIENCE` and one key source of `JWT_JWKS_URL` (the gateway's JWKS),
 *   `JWT_JWKS` (a JWKS as JSON) or `JWT_PUBLIC_KEY_PEM`;
 * - `MASTER_KEYS` (`kid:base64,...`) and `MASTER_KEY_ID` (the active one; default the first);
 * - `OUTBOX_POLL_MS`: how often the outbox relay polls when idle; `OUTBOX_AUTOSTART=false`
 *   keeps the process from relaying (events then wait in the documents' outboxes).
 * Spread into a service's schema, then `.superRefine(checkSecuredServiceEnv, { when: () => true })`.
 */
export const securedServiceEnvShape = {
  JWT_ISSUER: env.string(),
  JWT_AUDIENCE: env.string('trellis'),
  JWT_JWKS_URL: env.url(['http', 'https']).optional(),
  JWT_JWKS: jwksVariable.optional(),
  JWT_PUBLIC_KEY_PEM: z.string().includes('BEGIN PUBLIC KEY').optional(),
  MASTER_KEYS: masterKeysVariable,
  MASTER_KEY_ID: z.string().trim().optional(),
  OUTBOX_POLL_MS: env.int(10, 60_000, 200),
  OUTBOX_AUTOSTART: env.bool(true),
};

interface SecuredServiceEnv {
  JWT_JWKS_URL?: string | undefined;
  JWT_JWKS?: unknown;
  JWT_PUBLIC_KEY_PEM?: string | undefined;
  MASTER_KEYS?: Record<string, string>;
  MASTER_KEY_ID?: string | undefined;
}

/**
 * Cross-variable checks (one token key source; valid master keys), naming the variable at
 * fault. Meant for `.superRefine(..., { when: () => true })` so it runs even when other
 * variables failed and every problem is reported at once.
 */
export function checkSecuredServiceEnv(value: unknown, ctx: z.RefinementCtx): void {
  const c = value as Partial<SecuredServiceEnv>;
  if (!c.JWT_JWKS_URL && !c.JWT_JWKS && !c.JWT_PUBLIC_KEY_PEM) {
    ctx.addIssue({
      code: 'custom',
      path: ['JWT_JWKS_URL'],
      message: 'set JWT_JWKS_URL, JWT_JWKS or JWT_PUBLIC_KEY_PEM to verify tokens with',
    });
  }
  const keys = c.MASTER_KEYS;
  if (typeof keys !== 'object' || keys === null) return;
  const activeKeyId = c.MASTER_KEY_ID ?? Object.keys(keys)[0] ?? '';
  const check = masterKeyConfigSchema.safeParse({ activeKeyId, keys });
  for (const issue of check.success ? [] : check.error.issues) {
    const variable = issue.path[0] === 'activeKeyId' ? 'MASTER_KEY_ID' : 'MASTER_KEYS';
    const keyId = issue.path[0] === 'keys' ? ` (key "${String(issue.path[1])}")` : '';
    ctx.addIssue({ code: 'custom', path: [variable], message: `${issue.message}${keyId}` });
  }
}

/** The master key configuration for `FieldCipher`. */
export function masterKeyConfig(config: {
  MASTER_KEYS: Record<string, string>;
  MASTER_KEY_ID?: string | undefined;
}): MasterKeyConfig {
  const activeKeyId = config.MASTER_KEY_ID ?? Object.keys(config.MASTER_KEYS)[0];
  if (!activeKeyId) throw new Error('MASTER_KEYS: no master key configured');
  return { activeKeyId, keys: config.MASTER_KEYS };
}
