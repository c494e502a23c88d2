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
  /** Deliveries of one event whose signal fails before it is dead-lettered. */
  BRIDGE_MAX_ATTEMPTS: env.int(1, 100, 8),
  /** Prefix of the topics consumed (tests isolate themselves with it); empty in production. */
  TOPIC_PREFIX: z.string().default(''),
});
export type OrchestratorConfig = z.infer<typeof orchestratorConfigSchema>;
