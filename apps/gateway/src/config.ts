import { TOPICS } from '@trellis/contracts';
import { baseServiceEnv, env } from '@trellis/platform-config';
import { z } from 'zod';

/** The gateway's name: in logs, Kafka client ids, MongoDB `appName`, event actors and tokens. */
export const SERVICE_NAME = 'gateway';

/** The contexts behind `/api/<context>/...` and the variable holding each service's address. */
export const ROUTED_CONTEXTS = {
  engagement: 'ENGAGEMENT_SERVICE_URL',
  training: 'TRAINING_SERVICE_URL',
  risk: 'RISK_SERVICE_URL',
  coaching: 'COACHING_SERVICE_URL',
  reporting: 'REPORTING_SERVICE_URL',
} as const;
/** A context routed by the gateway. */
export type RoutedContext = keyof typeof ROUTED_CONTEXTS;

const jsonObject = (what: string) =>
  z.string().transform((text, ctx) => {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        return parsed as Record<string, unknown>;
      }
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: `expected ${what} as JSON` });
    return z.NEVER;
  });

const base64Key = z
  .string()
  .trim()
  .refine((v) => Buffer.from(v, 'base64').length >= 32, 'expected at least 32 bytes, base64');

/**
 * The gateway's environment: the shared service settings plus
 * - `TOKEN_SIGNING_PRIVATE_JWK`: the ES256 private JWK (with `kid`) that signs access tokens;
 *   `TOKEN_EXTRA_JWKS`: further public keys to publish (rotation: the previous key stays
 *   published until its tokens expired);
 * - `JWT_ISSUER`, `JWT_AUDIENCE`: the tokens' `iss` and `aud` (the services accept these);
 * - `ACCESS_TOKEN_TTL_SECONDS` (default 300), `REFRESH_TOKEN_TTL_SECONDS` (default 12 h);
 * - `LOGIN_MAX_FAILURES` (default 5) failed logins lock an account for `LOCKOUT_SECONDS`
 *   (default 900); `PASSWORD_MIN_LENGTH` (default 12);
 * - `RATE_LIMIT_PER_MINUTE` per caller (default 600), `LOGIN_RATE_LIMIT_PER_MINUTE` per
 *   address (default 30);
 * - `AUDIT_HMAC_KEY`: base64 key (≥ 32 bytes) keying the audit chain's hashes;
 * - `<CONTEXT>_SERVICE_URL`: the internal address of each service;
 * - `BOOTSTRAP_ADMIN_USERNAME`/`BOOTSTRAP_ADMIN_PASSWORD`: the first admin, created at start
 *   when no admin exists;
 * - `ERASURE_PARTICIPANTS`: the services whose purge reports complete an erasure;
 * - `TRUST_PROXY`: trust `X-Forwarded-For` from a load balancer in front (default false);
 * - `WEB_DIST_DIR`: the built web application to serve at `/`.
 */
export const gatewayConfigSchema = baseServiceEnv.extend({
  PORT: env.port(3100),
  MONGO_DB: env.string('trellis_gateway'),
  JWT_ISSUER: env.string(),
  JWT_AUDIENCE: env.string('trellis'),
  TOKEN_SIGNING_PRIVATE_JWK: jsonObject('an ES256 private JWK'),
  TOKEN_EXTRA_JWKS: jsonObject('a JWKS').optional(),
  ACCESS_TOKEN_TTL_SECONDS: env.int(30, 3600, 300),
  REFRESH_TOKEN_TTL_SECONDS: env.int(300, 30 * 24 * 3600, 12 * 3600),
  LOGIN_MAX_FAILURES: env.int(1, 100, 5),
  LOCKOUT_SECONDS: env.int(1, 24 * 3600, 900),
  PASSWORD_MIN_LENGTH: env.int(8, 128, 12),
  RATE_LIMIT_PER_MINUTE: env.int(1, 1_000_000, 600),
  LOGIN_RATE_LIMIT_PER_MINUTE: env.int(1, 100_000, 30),
  AUDIT_HMAC_KEY: base64Key,
  ENGAGEMENT_SERVICE_URL: env.url(['http', 'https']).default('http://127.0.0.1:3101'),
  TRAINING_SERVICE_URL: env.url(['http', 'https']).default('http://127.0.0.1:3102'),
  RISK_SERVICE_URL: env.url(['http', 'https']).default('http://127.0.0.1:3103'),
  COACHING_SERVICE_URL: env.url(['http', 'https']).default('http://127.0.0.1:3104'),
  REPORTING_SERVICE_URL: env.url(['http', 'https']).default('http://127.0.0.1:3105'),
  PROXY_TIMEOUT_MS: env.int(100, 120_000, 15_000),
  BOOTSTRAP_ADMIN_USERNAME: z.string().trim().min(1).optional(),
  BOOTSTRAP_ADMIN_PASSWORD: z.string().min(1).optional(),
  ERASURE_PARTICIPANTS: env
    .list()
    .default([
      'engagement-service',
      'training-service',
      'risk-service',
      'coaching-service',
      'orchestrator',
      'reporting-service',
    ]),
  ERASURE_EVENTS_GROUP_ID: env.string('gateway.erasure'),
  CONSUME_ERASURE_EVENTS: env.bool(true),
  /** Prefix of the identity topic's name (tests isolate their erasures with it). */
  TOPIC_PREFIX: z.string().default(''),
  OUTBOX_POLL_MS: env.int(10, 60_000, 200),
  OUTBOX_AUTOSTART: env.bool(true),
  TRUST_PROXY: env.bool(false),
  /** The web application's build (apps/web → dist/apps/web); served at `/` when present. */
  WEB_DIST_DIR: z.string().trim().optional(),
});

/** The validated configuration. */
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

/** The identity topic (erasure requests and reports), with `TOPIC_PREFIX`. */
export function identityTopic(config: GatewayConfig): string {
  return `${config.TOPIC_PREFIX}${TOPICS.identity}`;
}

/** The internal address of each routed context. */
export function serviceUrls(config: GatewayConfig): Record<RoutedContext, string> {
  return Object.fromEntries(
    Object.entries(ROUTED_CONTEXTS).map(([context, variable]) => [
      context,
      String(config[variable]).replace(/\/+$/, ''),
    ]),
  ) as Record<RoutedContext, string>;
}
