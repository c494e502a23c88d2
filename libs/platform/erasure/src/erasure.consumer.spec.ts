import {
  eventFixture,
  OrganisationErasureCompletedV1,
  OrganisationErasureRequestedV1,
  OrganisationPurgedV1,
  type TrellisEvent,
} from '@trellis/contracts';
import type { IdempotentConsumer, KafkaEventConsumer } from '@trellis/platform-kafka';
import type { Kafka } from 'kafkajs';
import { ErasureEventsConsumer } from './erasure.consumer';
import { InMemoryErasureLedger } from './erasure.ledger';
import { OrganisationEraser } from './organisation-eraser';

function consumerWith(idempotency?: Pick<IdempotentConsumer, 'handleOnce'>) {
  const eraser = new OrganisationEraser({
    service: 'risk-service',
    ledger: new InMemoryErasureLedger(),
    purgers: [],
  });
  const erase = jest.spyOn(eraser, 'erase');
  const consumer = new ErasureEventsConsumer(
    {
      kafka: {} as Kafka,
      events: {} as KafkaEventConsumer,
      eraser,
      ...(idempotency ? { idempotency: idempotency as IdempotentConsumer } : {}),
    },
    { groupId: 'g' },
  );
  return { consumer, erase };
}

describe('ErasureEventsConsumer', () => {
  it('erases on a request and on a completion (catch-up), and ignores other identity events', async () => {
    const { consumer, erase } = consumerWith();
    const requested = eventFixture(OrganisationErasureRequestedV1) as TrellisEvent;
    const completed = eventFixture(OrganisationErasureCompletedV1) as TrellisEvent;
    const purged = eventFixture(OrganisationPurgedV1) as TrellisEvent;

    const outcome = await consumer.handle(requested);
    expect(outcome?.report.service).toBe('risk-service');
    expect(await consumer.handle(completed)).toMatchObject({ alreadyCompleted: true });
    expect(await consumer.handle(purged)).toBeUndefined();
    expect(erase).toHaveBeenCalledTimes(2);
    expect(consumer.topic).toBe('trellis.identity.v1');
    expect(consumer.consumerName).toBe('risk-service.organisation-erasure');
  });

  it('goes through the idempotency markers when the service has them', async () => {
    const handleOnce = jest.fn(() => Promise.resolve({ status: 'duplicate' as const }));
    const { consumer, erase } = consumerWith({ handleOnce });
    const requested = eventFixture(OrganisationErasureRequestedV1);
    expect(await consumer.handle(requested)).toBeUndefined();
    expect(handleOnce).toHaveBeenCalledWith(
      requested.id,
      'risk-service.organisation-erasure',
      expect.any(Function),
    );
    expect(erase).not.toHaveBeenCalled();
  });
});
