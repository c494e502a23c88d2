import { MIN_PSEUDONYM_KEY_BYTES } from '@trellis/reporting-domain';
import {
  baseServiceEnv,
  checkSecuredServiceEnv,
  env,
  securedServiceEnvShape,
} from '@trellis/platform-config';
import { z } from 'zod';

/** The service's name: in logs, Kafka client ids, MongoDB `appName` and event actors. */
export const SERVICE_NAME = 'reporting-service';

/** `PSEUDONYM_KEY`: a secret of at least 32 bytes, base64; error messages never show it. */
const pseudonymKey = z
  .string()
  .trim()
  .transform((text, ctx) => {
    const bytes = /^[A-Za-z0-9+/_-]+={0,2}$/.test(text)
      ? Buffer.from(text, 'base64')
      : Buffer.alloc(0);
    if (bytes.length < MIN_PSEUDONYM_KEY_BYTES) {
      ctx.addIssue({
        code: 'custom',
        message: `expected at least ${MIN_PSEUDONYM_KEY_BYTES} random bytes encoded as base64`,
      });
      return z.NEVER;
    }
    return bytes;
  });

const { JWT_ISSUER, JWT_AUDIENCE, JWT_JWKS_URL, JWT_JWKS, JWT_PUBLIC_KEY_PEM } =
  securedServiceEnvShape;

/**
 * The reporting service's environment: the shared service settings plus
 * - `JWT_ISSUER`, `JWT_AUDIENCE` and one key source of `JWT_JWKS_URL`, `JWT_JWKS` or
 *   `JWT_PUBLIC_KEY_PEM` (it encrypts nothing, so it needs no master keys);
 * - `MONGO_DB`: the read models' database;
 * - `PSEUDONYM_KEY` (required): base64 secret (≥ 32 bytes) of the organisation pseudonyms;
 *   changing it changes every pseudonym, so rebuild the read models after a change;
 * - `MIN_CELL_SIZE`: cells resting on fewer organisations are suppressed (default 5);
 * - `KAFKA_GROUP_ID`, `CONSUMER_AUTOSTART`, `CONSUMER_MAX_ATTEMPTS`, `TOPIC_PREFIX` (tests
 *   isolate topics with it; empty in production): the projection's consumer;
 *   `DEDUPE_EVENTS`: also skip events already handled, by id (`processed_events`; default
 *   false: the projection's writes are idempotent by construction, and on FerretDB every
 *   marker update costs time proportional to the markers stored — README "Throughput");
 * - `READ_MODEL_BUCKETS`: collections per kind of facts (default 64; 1 on MongoDB — see
 *   `MongoReadModelStore`); changing it needs a rebuild;
 * - `REPORT_RELOAD_MS`: reports use the read models held in memory (kept current with this
 *   process's changes) and reload them in the background this often (default 60000);
 * - `FRESHNESS_FLUSH_MS`: how often the projection's position and lag are saved;
 *   `TOMBSTONE_REFRESH_MS`: how often erasures made by other replicas are re-read.
 */
export const reportingConfigSchema = baseServiceEnv
  .extend({
    JWT_ISSUER,
    JWT_AUDIENCE,
    JWT_JWKS_URL,
    JWT_JWKS,
    JWT_PUBLIC_KEY_PEM,
    PORT: env.port(3105),
    MONGO_DB: env.string('trellis_reporting'),
    PSEUDONYM_KEY: pseudonymKey,
    MIN_CELL_SIZE: env.int(1, 1000, 5),
    KAFKA_GROUP_ID: env.string('reporting-service.read-models'),
    CONSUMER_AUTOSTART: env.bool(true),
    CONSUMER_MAX_ATTEMPTS: env.int(1, 100, 8),
    TOPIC_PREFIX: z.string().default(''),
    DEDUPE_EVENTS: env.bool(false),
    READ_MODEL_BUCKETS: env.int(1, 1000, 64),
    REPORT_RELOAD_MS: env.int(1_000, 86_400_000, 60_000),
    FRESHNESS_FLUSH_MS: env.int(10, 60_000, 1_000),
    TOMBSTONE_REFRESH_MS: env.int(100, 3_600_000, 5_000),
  })
  // Runs even when other variables failed, so every problem is reported at once.
  .superRefine(checkSecuredServiceEnv, { when: () => true });

/** The validated configuration. */
export type ReportingConfig = z.infer<typeof reportingConfigSchema>;

/**
 * The rebuild command's environment: where the read models and the topics are
 * (`MONGO_URL`, `MONGO_DB`, `KAFKA_BROKERS`, `TOPIC_PREFIX`, `READ_MODEL_BUCKETS`),
 * `PSEUDONYM_KEY`, and `KAFKA_GROUP_ID` (the replay's group is `<KAFKA_GROUP_ID>.rebuild.<time>`).
 */
export const rebuildConfigSchema = z.object({
  LOG_LEVEL: env.logLevel(),
  MONGO_URL: env.url(['mongodb', 'mongodb+srv']),
  MONGO_DB: env.string('trellis_reporting'),
  KAFKA_BROKERS: env.hostPortList(),
  PSEUDONYM_KEY: pseudonymKey,
  KAFKA_GROUP_ID: env.string('reporting-service.read-models'),
  TOPIC_PREFIX: z.string().default(''),
  READ_MODEL_BUCKETS: env.int(1, 1000, 64),
});
