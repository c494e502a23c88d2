import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
} from '@temporalio/client';
import {
  parseEvent,
  signalFromEvent,
  TOPICS,
  workflowIdForEngagement,
  workflowStartFromEvent,
  type TrellisEvent,
} from '@trellis/contracts';
import { CONFIG } from '@trellis/platform-config';
import { KAFKA_CLIENT, KafkaEventConsumer } from '@trellis/platform-kafka';
import { LOGGER, type Logger } from '@trellis/platform-logging';
import type { Consumer, Kafka } from 'kafkajs';
import type { OrchestratorConfig } from '../config';
import { TRELLIS_ORGANISATION_ID } from '../temporal/search-attributes';

/** What the bridge did with one event. */
export type BridgeOutcome = 'started' | 'already-started' | 'signalled' | 'ignored';

/** The contexts whose events drive workflows. */
export const BRIDGED_TOPICS = [
  TOPICS.engagement,
  TOPICS.training,
  TOPICS.risk,
  TOPICS.coaching,
  TOPICS.autonomy,
];

/**
 * Maps domain events to Temporal: `engagement.engagement.created` starts the engagement's
 * `capacityBuildingWorkflow` (workflow id from the engagement id, so a redelivery finds it
 * already started), every other mapped event becomes a signal carrying its event id (the
 * workflow drops ids it has applied). Started workflows carry the `TrellisOrganisationId`
 * search attribute (organisation erasure finds them by it). Pure mapping lives in libs/contracts
 * (`workflowStartFromEvent`, `signalFromEvent`).
 */
@Injectable()
export class WorkflowBridge {
  constructor(
    private readonly client: Client,
    @Inject(CONFIG) private readonly config: OrchestratorConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async apply(event: TrellisEvent): Promise<BridgeOutcome> {
    const start = workflowStartFromEvent(event);
    if (start) {
      try {
        await this.client.workflow.start(start.workflowType, {
          workflowId: start.workflowId,
          taskQueue: this.config.TEMPORAL_TASK_QUEUE,
          args: [start.input],
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          // Lets the erasure of the organisation find its workflows.
          typedSearchAttributes: [
            { key: TRELLIS_ORGANISATION_ID, value: start.input.organisationId },
          ],
        });
        this.logger.info({ eventId: event.id, workflowId: start.workflowId }, 'workflow started');
        return 'started';
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return 'already-started';
        throw err;
      }
    }
    const signal = signalFromEvent(event);
    if (!signal || !event.engagementId) return 'ignored';
    const workflowId = workflowIdForEngagement(event.engagementId);
    // A signal to a workflow that does not exist yet (its created event is on another topic
    // and still on its way) throws WorkflowNotFoundError: the consumer retries with backoff.
    // A workflow that has already closed (graduated or terminated) ignores late events.
    const handle = this.client.workflow.getHandle(workflowId);
    try {
      await handle.signal(signal.name, signal.args);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError && (await this.isClosed(workflowId))) {
        this.logger.info(
          { eventId: event.id, type: event.type, workflowId },
          'workflow closed; event ignored',
        );
        return 'ignored';
      }
      throw err;
    }
    this.logger.info(
      { eventId: event.id, type: event.type, workflowId, signal: signal.name },
      'workflow signalled',
    );
    return 'signalled';
  }

  private async isClosed(workflowId: string): Promise<boolean> {
    try {
      const description = await this.client.workflow.getHandle(workflowId).describe();
      return description.status.name !== 'RUNNING';
    } catch {
      return false; // not found at all: not started yet
    }
  }
}

/**
 * The Kafka side of the bridge: one consumer group over the bridged topics. An offset is
 * committed only after Temporal accepted the start or signal (kafkajs commits what
 * `eachMessage` resolved); failures are retried with backoff and, after
 * `BRIDGE_MAX_ATTEMPTS`, dead-lettered with the reason, as are malformed or invalid events.
 */
@Injectable()
export class BridgeConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer?: Consumer;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly events: KafkaEventConsumer,
    private readonly bridge: WorkflowBridge,
    @Inject(CONFIG) private readonly config: OrchestratorConfig,
  ) {}

  topics(): string[] {
    return BRIDGED_TOPICS.map((t) => `${this.config.TOPIC_PREFIX}${t}`);
  }

  async onApplicationBootstrap(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.config.BRIDGE_GROUP_ID,
      allowAutoTopicCreation: false,
      retry: {
        initialRetryTime: 200,
        maxRetryTime: 5_000,
        multiplier: 2,
        retries: this.config.BRIDGE_MAX_ATTEMPTS + 5,
      },
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: this.topics(), fromBeginning: true });
    await consumer.run({
      eachMessage: ({ topic, partition, message }) =>
        this.events.process(
          { topic, partition, message },
          {
            consumer: 'orchestrator.bridge',
            parse: parseEvent,
            idempotent: false,
            maxAttempts: this.config.BRIDGE_MAX_ATTEMPTS,
          },
          async (event) => {
            await this.bridge.apply(event);
          },
        ),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
