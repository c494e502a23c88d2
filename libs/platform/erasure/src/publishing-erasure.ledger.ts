import { isEnvelopeLike, type EventProducer } from '@trellis/platform-kafka';
import type { OutboxEvent } from '@trellis/platform-outbox';
import type {
  ErasureLedger,
  ErasureProgress,
  ErasureReport,
  ErasureRequest,
} from './erasure.ledger';

/**
 * {@link ErasureLedger} for a process without a database (the orchestrator): it remembers
 * nothing, so every delivery of a request runs every step again, and publishes the events
 * straight to Kafka (acknowledged by all in-sync replicas before the request counts as
 * handled). Safe because the event ids are deterministic (a repeated report is the same event)
 * and the purgers count reproducibly (a repeated report carries the same counts).
 */
export class PublishingErasureLedger implements ErasureLedger {
  constructor(private readonly producer: Pick<EventProducer, 'publish'>) {}

  async begin(
    _request: ErasureRequest,
    _service: string,
    resolveEngagementIds: () => Promise<string[]>,
  ): Promise<ErasureProgress> {
    return { engagementIds: [...new Set(await resolveEngagementIds())], counts: {} };
  }

  async recordKeyErasure(
    _request: ErasureRequest,
    keyErased: boolean,
    events: readonly OutboxEvent[],
  ): Promise<boolean> {
    await this.publish(events);
    return keyErased;
  }

  recordCount(_request: ErasureRequest, _kind: string, count: number): Promise<number> {
    return Promise.resolve(count);
  }

  addToCount(): Promise<void> {
    return Promise.resolve();
  }

  async complete(
    _request: ErasureRequest,
    report: ErasureReport,
    events: readonly OutboxEvent[],
  ): Promise<ErasureReport> {
    await this.publish(events);
    return report;
  }

  hasErasure(): Promise<boolean> {
    return Promise.resolve(false);
  }

  private async publish(events: readonly OutboxEvent[]): Promise<void> {
    for (const e of events) {
      const event = e.envelope;
      if (!isEnvelopeLike(event)) throw new TypeError(`event ${e.envelope.id} is not an envelope`);
      await this.producer.publish(e.topic, {
        key: e.key,
        event,
        ...(e.correlationId ? { correlationId: e.correlationId } : {}),
        ...(e.headers ? { headers: e.headers } : {}),
      });
    }
  }
}
