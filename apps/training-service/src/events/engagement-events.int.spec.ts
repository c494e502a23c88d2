import {
  AgreementActivatedV1,
  createEvent,
  EngagementReroutedV1,
  TOPICS,
  type TrellisEvent,
} from '@trellis/contracts';
import { randomUUID } from 'node:crypto';
import {
  agreementTerms,
  startTrainingApp,
  type TrainingTestApp,
} from '../testing/training-app.fixture';
import { ENGAGEMENT_EVENTS_CONSUMER } from './engagement-events.consumer';

const INTRO = 'training-module.introduction-to-security-and-protection';
const actor = { kind: 'service', id: 'engagement-service' } as const;

describe('consuming trellis.engagement.v1 on the real servers', () => {
  let t: TrainingTestApp;

  beforeAll(async () => {
    t = await startTrainingApp();
  }, 90_000);

  afterAll(async () => {
    await t?.close();
  });

  /** Waits until the service's group has committed past everything published so far. */
  async function waitUntilConsumed(): Promise<void> {
    const admin = t.kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(TOPICS.engagement);
      const deadline = Date.now() + 30_000;
      for (;;) {
        const [committed] = await admin.fetchOffsets({
          groupId: t.env['ENGAGEMENT_EVENTS_GROUP_ID'] ?? '',
          topics: [TOPICS.engagement],
        });
        const behind = ends.some((end) => {
          const c = committed?.partitions.find((p) => p.partition === end.partition);
          return BigInt(c?.offset ?? '-1') < BigInt(end.high) && end.high !== '0';
        });
        if (!behind) return;
        if (Date.now() > deadline) throw new Error('the events were not consumed in time');
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await admin.disconnect();
    }
  }

  it('applies an activation once per event id, even when redelivered with other content', async () => {
    const engagement = await t.engagement('tru');
    const eventId = randomUUID();
    const activation = (dueAt: string): TrellisEvent => ({
      ...createEvent(AgreementActivatedV1, {
        actor,
        ...engagement,
        payload: {
          agreementId: 'agr-1',
          agreementVersion: 1,
          terms: agreementTerms([
            { planItemId: 'pi-1', moduleIds: [INTRO], level: 'basic', dueAt },
          ]),
        },
      }),
      id: eventId,
    });
    await t.publish(activation('2030-01-01T10:00:00.000Z'));
    await t.publish(activation('2031-01-01T10:00:00.000Z'));
    await waitUntilConsumed();
    const plans = await t.db
      .collection('training_plans')
      .find({ engagementId: engagement.engagementId })
      .toArray();
    expect(plans).toHaveLength(1);
    expect(plans[0]?.['items']).toMatchObject([{ dueAt: new Date('2030-01-01T10:00:00.000Z') }]);
    expect(
      await t.db
        .collection('processed_events')
        .findOne({ _id: `${ENGAGEMENT_EVENTS_CONSUMER}:${eventId}` as never }),
    ).toMatchObject({ state: 'done' });
  });

  it('follows a re-routed engagement to its new unit for new records', async () => {
    const engagement = await t.engagement('desk-a');
    await t.publish(
      createEvent(EngagementReroutedV1, {
        actor,
        engagementId: engagement.engagementId,
        organisationId: engagement.organisationId,
        unitId: 'desk-b',
        payload: {
          fromUnitId: 'desk-a',
          toUnitId: 'desk-b',
          routedTo: { kind: 'desk', deskId: 'desk-b' },
          reason: 'manual',
        },
      }),
    );
    await waitUntilConsumed();
    const known = await t.db
      .collection('known_engagements')
      .findOne({ _id: engagement.engagementId as never });
    expect(known).toMatchObject({ unitId: 'desk-b' });
    const url = `/sessions?engagementId=${engagement.engagementId}`;
    const start = Date.now() + 3 * 86_400_000;
    const scheduled = await t.call(
      'POST',
      '/sessions',
      await t.minter.protectionOfficer('desk-b'),
      {
        engagementId: engagement.engagementId,
        moduleIds: [INTRO],
        level: 'basic',
        mode: 'remote',
        facilitatorId: 'officer-b',
        startsAt: new Date(start).toISOString(),
        endsAt: new Date(start + 3_600_000).toISOString(),
      },
    );
    expect(scheduled.json).toMatchObject({ unitId: 'desk-b' });
    expect((await t.call('GET', url, await t.minter.protectionOfficer('desk-a'))).body).toEqual([]);
  });
});
