import { parseEvent } from '@trellis/contracts';
import type { OutgoingEvent } from '@trellis/platform-kafka';
import { OrganisationEraser } from './organisation-eraser';
import { PublishingErasureLedger } from './publishing-erasure.ledger';
import type { RecordPurger } from './record.purgers';

describe('PublishingErasureLedger (a process without a database)', () => {
  it('publishes the report on every delivery, with the same id and reproducible counts', async () => {
    const published: { topic: string; event: OutgoingEvent }[] = [];
    const producer = {
      publish: (topic: string, event: OutgoingEvent | OutgoingEvent[]) => {
        for (const e of Array.isArray(event) ? event : [event]) published.push({ topic, event: e });
        return Promise.resolve([]);
      },
    };
    // Reproducible: counts what the request is responsible for, before and after removing.
    let running = 2;
    let terminatedByRequest = 0;
    const workflows: RecordPurger = {
      kind: 'workflows',
      count: () => Promise.resolve(running + terminatedByRequest),
      remove: () => {
        const n = running;
        terminatedByRequest += n;
        running = 0;
        return Promise.resolve(n);
      },
    };
    const eraser = new OrganisationEraser({
      service: 'orchestrator',
      ledger: new PublishingErasureLedger(producer),
      purgers: [workflows],
      reportTopic: 'p.trellis.identity.v1',
    });
    const request = { erasureRequestId: 'req-1', organisationId: 'org-1' };

    const first = await eraser.erase(request);
    const again = await eraser.erase(request);

    expect(first.report).toEqual({
      erasureRequestId: 'req-1',
      organisationId: 'org-1',
      service: 'orchestrator',
      keyErased: false,
      removed: [{ kind: 'workflows', count: 2 }],
    });
    expect(again.report).toEqual(first.report);
    expect(published).toHaveLength(2);
    expect(published.map((p) => p.topic)).toEqual([
      'p.trellis.identity.v1',
      'p.trellis.identity.v1',
    ]);
    expect(published.map((p) => p.event.key)).toEqual(['org-1', 'org-1']);
    expect(published[0]?.event.event.id).toBe(first.reportEventId);
    expect(published[1]?.event.event.id).toBe(first.reportEventId);
    expect(parseEvent(published[0]?.event.event).type).toBe('identity.organisation.purged');
    expect(await new PublishingErasureLedger(producer).hasErasure()).toBe(false);
  });
});
