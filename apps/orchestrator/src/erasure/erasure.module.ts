import { Client } from '@temporalio/client';
import { TOPICS } from '@trellis/contracts';
import { CONFIG } from '@trellis/platform-config';
import { ErasureModule, PublishingErasureLedger } from '@trellis/platform-erasure';
import { EventProducer } from '@trellis/platform-kafka';
import { SERVICE_NAME, type OrchestratorConfig } from '../config';
import { OrganisationWorkflowsPurger } from './workflows.purger';

/**
 * The orchestrator's part in organisation erasure (`@trellis/platform-erasure`): on
 * `identity.organisation.erasure-requested` (or `-completed`) from the identity topic (with
 * `TOPIC_PREFIX`), it terminates the organisation's running capacity-building workflows and
 * their deadline children, and publishes `identity.organisation.purged` (`workflows`) on the
 * identity topic. It holds no data key (`keyErased: false`) and no database: every delivery
 * runs again and reports the same (deterministic event id, reproducible count).
 */
export const OrchestratorErasureModule = ErasureModule.forRootAsync({
  inject: [CONFIG, Client, EventProducer],
  useFactory: (c: OrchestratorConfig, client: Client, producer: EventProducer) => ({
    service: SERVICE_NAME,
    ledger: new PublishingErasureLedger(producer),
    purgers: [new OrganisationWorkflowsPurger(client)],
    reportTopic: `${c.TOPIC_PREFIX}${TOPICS.identity}`,
    consumer: {
      groupId: c.IDENTITY_EVENTS_GROUP_ID,
      topic: `${c.TOPIC_PREFIX}${TOPICS.identity}`,
      maxAttempts: c.BRIDGE_MAX_ATTEMPTS,
    },
  }),
});
