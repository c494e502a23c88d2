import { DeskCreatedV1, eventFixture, parseEvent } from '@trellis/contracts';
import { correlation } from '@trellis/platform-logging';
import { outboxEvent } from './outbox.events';

describe('outboxEvent', () => {
  const fixture = eventFixture(DeskCreatedV1);
  const input = { actor: fixture.actor, unitId: fixture.unitId, payload: fixture.payload };

  it('builds a contract-valid event for the definition’s topic, keyed by its aggregate', () => {
    const out = outboxEvent(DeskCreatedV1, input);
    expect(out.topic).toBe('trellis.engagement.v1');
    expect(out.key).toBe(fixture.unitId);
    expect(parseEvent(out.envelope)).toMatchObject({
      type: 'engagement.desk.created',
      payload: fixture.payload,
    });
  });

  it('carries the request’s correlation id', () => {
    const id = '5f0c1c1e-4c1a-4b8e-9a51-0b7d2f5e8a51';
    const out = correlation.run(id, () => outboxEvent(DeskCreatedV1, input));
    expect(out.correlationId).toBe(id);
    expect(out.envelope['correlationId']).toBe(id);
  });

  it('refuses a payload that breaks the contract', () => {
    expect(() =>
      outboxEvent(DeskCreatedV1, { ...input, payload: { ...fixture.payload, name: 'x' } as never }),
    ).toThrow();
  });
});
