import { CAPACITY_BUILDING_TASK_QUEUE } from '@trellis/contracts';
import { baseServiceEnv, env } from '@trellis/platform-config';
import { z } from 'zod';

export const SERVICE_NAME = 'orchestrator';

/**
 * The orchestrator's environment: Kafka (the bridge), Temporal (client and worker) and the
 * engagement service's internal address for phase changes. It owns no database.
 */
export const orchestratorConfigSchema = baseServiceEnv.omit({ MONGO_URL: true }).extend({
  PORT: env.port(3190),
  TEMPORAL_ADDRESS: z
    .string()
    .trim()
    .regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port'),
  TEMPORAL_NAMESPACE: env.string('default'),
  TEMPORAL_TASK_QUEUE: env.string(CAPACITY_BUILDING_TASK_QUEUE),
  /** Consumer group of the Kafka→workflow bridge. */
  BRIDGE_GROUP_ID: env.string('trellis-orchestrator-bridge'),
  /** Consumer group of the organisation erasure requests (the identity topic). */
  IDENTITY_EVENTS_GROUP_ID: env.string('trellis-orchestrator-identity'),
  /** Deliveries of one event whose signal fails before it is dead-lettered. */
  BRIDGE_MAX_ATTEMPTS: env.int(1, 100, 8),
  /** Prefix of the topics consumed (tests isolate themselves with it); empty in production. */
  TOPIC_PREFIX: z.string().default(''),
  /** Run the Temporal worker in this process (the bridge always runs). */
  WORKER_ENABLED: env.bool(true),
  /**
   * Workflow executions kept in the worker's sticky cache (memory versus replays: an evicted
   * engagement replays its history on its next task, which is rare). See README "Benchmark".
   */
  WORKER_MAX_CACHED_WORKFLOWS: env.int(0, 100_000, 500),
  /**
   * V8 old-space limit (MiB) of the worker's workflow thread. Without it V8 sizes that heap
   * from the machine's memory and lets garbage pile up (2.7 GiB RSS measured); 0 keeps V8's.
   */
  WORKER_WORKFLOW_HEAP_MB: env.int(0, 65_536, 1_024),
  /** A workflow bundle made at build time; workflows are bundled from source when unset. */
  WORKFLOW_BUNDLE_PATH: z.string().optional(),
  /** Base URL of the engagement service's internal API (phase changes). */
  ENGAGEMENT_SERVICE_URL: env.url(['http', 'https']).default('http://127.0.0.1:3101'),
  /** Issuer and audience of the service tokens the orchestrator signs. */
  JWT_ISSUER: env.string(),
  JWT_AUDIENCE: env.string('trellis'),
  /** The orchestrator's ES256 private key (JWK as JSON) for service tokens. */
  SERVICE_TOKEN_PRIVATE_JWK: z.string().transform((text, ctx) => {
    try {
      const jwk = JSON.parse(text) as Record<string, unknown>;
      if (jwk['kty'] === 'EC' && typeof jwk['d'] === 'string') return jwk;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: 'expected an EC private key as a JWK (JSON)' });
    return z.NEVER;
  }),
});
export type OrchestratorConfig = z.infer<typeof orchestratorConfigSchema>;
