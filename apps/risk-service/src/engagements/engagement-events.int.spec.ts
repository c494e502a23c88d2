import { createEvent, EngagementCreatedV1, eventKey, TOPICS } from '@trellis/contracts';
import { uniqueName } from '@trellis/testing';
import { startRiskApp, type RiskTestApp } from '../testing/risk-app.fixture';
import { ENGAGEMENT_PROJECTION_CONSUMER } from './engagement-events.consumer';

describe('engagement projection from trellis.engagement.v1 on the real servers', () => {
  let t: RiskTestApp;

  beforeAll(async () => {
    t = await startRiskApp();
  }, 90_000);

  afterAll(async () => {
    await t?.close();
  });

  it('learns an engagement from engagement.engagement.created once, however often it is delivered', async () => {
    const known = await t.engagement('desk-andes');
    const stored = await t.db
      .collection('known_engagements')
      .findOne({ _id: known.engagementId as never });
    expect(stored).toMatchObject({ organisationId: known.organisationId, unitId: 'desk-andes' });
    const eventId = stored?.['sourceEventId'] as string;
    const marker = await t.db
      .collection('processed_events')
      .findOne({ _id: `${ENGAGEMENT_PROJECTION_CONSUMER}:${eventId}` as never });
    expect(marker).toMatchObject({ state: 'done' });

    // The same event again (as after a relay crash that published twice).
    const engagementId = known.engagementId;
    // A different organisation in a redelivery must not be applied: it is the same event.
    const otherOrganisation = uniqueName('other-org');
    const duplicate = createEvent(EngagementCreatedV1, {
      actor: { kind: 'service', id: 'engagement-service' },
      engagementId,
      organisationId: otherOrganisation,
      unitId: 'desk-andes',
      payload: {
        engagementId,
        organisationId: otherOrganisation,
        unitId: 'desk-andes',
        routedTo: { kind: 'desk', deskId: 'desk-andes' },
        country: 'CO',
        setting: 'urban',
        focusAreas: [],
        programManagerId: 'pm-1',
      },
    });
    const producer = t.kafka.producer();
    await producer.connect();
    const [sent] = await producer.send({
      topic: TOPICS.engagement,
      messages: [
        { key: eventKey(duplicate), value: JSON.stringify({ ...duplicate, id: eventId }) },
      ],
    });
    await producer.disconnect();
    // Wait until the service's group has committed past the duplicate (it was consumed).
    const admin = t.kafka.admin();
    await admin.connect();
    try {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const [offsets] = await admin.fetchOffsets({
          groupId: t.env['ENGAGEMENT_EVENTS_GROUP_ID'] ?? '',
          topics: [TOPICS.engagement],
        });
        const committed = offsets?.partitions.find((p) => p.partition === sent?.partition);
        if (committed && BigInt(committed.offset) > BigInt(sent?.baseOffset ?? '0')) break;
        if (Date.now() > deadline) throw new Error('the duplicate was not consumed in time');
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await admin.disconnect();
    }
    const after = await t.db
      .collection('known_engagements')
      .findOne({ _id: engagementId as never });
    expect(after).toMatchObject({ organisationId: known.organisationId, sourceEventId: eventId });
    expect(await t.db.collection('processed_events').countDocuments({ eventId })).toBe(1);
  });
});
