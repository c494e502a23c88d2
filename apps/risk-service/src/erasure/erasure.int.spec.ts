import { createEvent, EngagementCreatedV1, OrganisationPurgedV1, TOPICS } from '@trellis/contracts';
import {
  FieldCipher,
  MongooseKeyStore,
  OrganisationErasedError,
  parseMasterKeyList,
  type EncryptedField,
} from '@trellis/platform-crypto';
import {
  erasureEvent,
  erasureEventId,
  OrganisationEraser,
  PurgedReportsWatcher,
  sendEvents,
  waitUntilConsumed,
} from '@trellis/platform-erasure';
import { createTestTopics, isolatedTopic, testKafka } from '@trellis/testing';
import { randomUUID } from 'node:crypto';
import { startRiskApp, type RiskTestApp, type TestEngagement } from '../testing/risk-app.fixture';

const identityTopic = isolatedTopic(`risk.${TOPICS.identity}`);
const RISK_COLLECTIONS = [
  'threats',
  'risk_assessments',
  'incidents',
  'security_wheel_rounds',
  'security_plans',
  'known_engagements',
];

describe('organisation erasure in the risk service (real FerretDB and Kafka)', () => {
  let t: RiskTestApp;
  let topics: { deleteAll(): Promise<void> };
  let reports: PurgedReportsWatcher;
  let officer: string;

  beforeAll(async () => {
    const kafka = testKafka();
    topics = await createTestTopics(kafka, [{ topic: identityTopic, numPartitions: 2 }]);
    reports = await PurgedReportsWatcher.start(kafka, TOPICS.identity);
    t = await startRiskApp({ IDENTITY_TOPIC: identityTopic, CONSUME_IDENTITY_EVENTS: 'true' });
    officer = await t.minter.protectionOfficer('desk-andes', 'officer-1');
  }, 90_000);

  afterAll(async () => {
    await reports?.stop();
    await t?.close();
    await topics?.deleteAll();
  });

  async function threat(e: TestEngagement): Promise<string> {
    const res = await t.call('POST', '/threats', officer, {
      ...e,
      threatType: 'surveillance',
      likelihood: 4,
      impact: 3,
      facts: 'Two men photographed the office entrance.',
    });
    expect(res.status).toBe(201);
    return res.json['id'] as string;
  }

  async function incident(e: TestEngagement): Promise<void> {
    const res = await t.call('POST', '/incidents', officer, {
      ...e,
      occurredAt: '2026-03-02T22:30:00.000Z',
      incidentType: 'surveillance',
      severity: 2,
      narrative: 'A car waited outside the coordinator’s house all night.',
    });
    expect(res.status).toBe(201);
  }

  it('shreds the key, deletes organisation A only, reports once and ignores A afterwards', async () => {
    const a = await t.engagement('desk-andes');
    const b = await t.engagement('desk-andes');
    const threatA = await threat(a);
    await incident(a);
    const threatB = await threat(b);
    const rawA = await t.db.collection('threats').findOne({ _id: threatA as never });
    const steps = rawA?.['steps'] as { facts: { narrative: EncryptedField } };
    const factsA = steps.facts.narrative;
    expect(factsA).toMatchObject({ v: 1 });

    const request = erasureEvent(a.organisationId);
    const { erasureRequestId } = request.payload;
    await sendEvents(t.kafka, identityTopic, request);
    const purged = await reports.waitFor(erasureRequestId);

    expect(purged.id).toBe(
      erasureEventId(erasureRequestId, 'risk-service', OrganisationPurgedV1.key),
    );
    expect(purged.payload).toEqual({
      erasureRequestId,
      organisationId: a.organisationId,
      service: 'risk-service',
      keyErased: true,
      removed: [
        { kind: 'threats', count: 1 },
        { kind: 'risk-assessments', count: 0 },
        { kind: 'incidents', count: 1 },
        { kind: 'security-wheel-rounds', count: 0 },
        { kind: 'security-plans', count: 0 },
        { kind: 'known-engagements', count: 1 },
      ],
    });
    for (const name of RISK_COLLECTIONS) {
      expect(await t.db.collection(name).countDocuments({ organisationId: a.organisationId })).toBe(
        0,
      );
    }
    // Organisation B is untouched and still readable.
    const readB = await t.call('GET', `/threats/${threatB}`, officer);
    expect(readB.status).toBe(200);
    expect(readB.json).toMatchObject({
      steps: { facts: { narrative: 'Two men photographed the office entrance.' } },
    });

    // Crypto-shredded: a copy of A's ciphertext (as in a backup) is unreadable, even by a
    // process that never cached the key; the key store keeps a tombstone only.
    const keysDb = t.db.useDb(t.env['KEYS_MONGO_DB'] ?? '');
    const fresh = new FieldCipher(new MongooseKeyStore(keysDb), {
      masterKeys: {
        activeKeyId: 'test-key',
        keys: parseMasterKeyList(t.env['MASTER_KEYS'] ?? ''),
      },
    });
    await expect(
      fresh.decrypt(a.organisationId, factsA, 'threat.step.facts'),
    ).rejects.toBeInstanceOf(OrganisationErasedError);
    const tombstone = await keysDb
      .collection('organisation_keys')
      .findOne({ _id: a.organisationId as never });
    expect(tombstone).toHaveProperty('erasedAt');
    expect(tombstone).not.toHaveProperty('wrappedKey');

    // New work is refused: A's engagement is unknown now, and a replayed created event of an
    // erased organisation does not bring its projection back.
    expect(
      (
        await t.call('POST', '/threats', officer, {
          ...a,
          threatType: 'surveillance',
          likelihood: 1,
          impact: 1,
          facts: 'x',
        })
      ).status,
    ).toBe(404);
    const replay = createEvent(EngagementCreatedV1, {
      actor: { kind: 'service', id: 'engagement-service' },
      engagementId: a.engagementId,
      organisationId: a.organisationId,
      unitId: a.unitId,
      payload: {
        engagementId: a.engagementId,
        organisationId: a.organisationId,
        unitId: a.unitId,
        routedTo: { kind: 'desk', deskId: a.unitId },
        country: 'CO',
        setting: 'rural',
        focusAreas: [],
        programManagerId: 'pm-1',
      },
    });
    const replayed = await sendEvents(t.kafka, TOPICS.engagement, replay);
    await waitUntilConsumed(
      t.kafka,
      t.env['ENGAGEMENT_EVENTS_GROUP_ID'] ?? '',
      TOPICS.engagement,
      replayed,
    );
    expect(
      await t.db.collection('known_engagements').countDocuments({ _id: a.engagementId as never }),
    ).toBe(0);

    // The same request again (redelivered) and the gateway's completion: no second deletion,
    // no second report; the eraser answers with the same report and event id.
    await sendEvents(t.kafka, identityTopic, request);
    const completed = erasureEvent(a.organisationId, { erasureRequestId, completed: true });
    const sent = await sendEvents(t.kafka, identityTopic, completed);
    await waitUntilConsumed(t.kafka, t.env['IDENTITY_EVENTS_GROUP_ID'] ?? '', identityTopic, sent);
    const again = await t.app.get(OrganisationEraser).erase({
      erasureRequestId,
      organisationId: a.organisationId,
    });
    expect(again).toMatchObject({ alreadyCompleted: true, reportEventId: purged.id });
    expect(again.report).toEqual(purged.payload);
    await new Promise((r) => setTimeout(r, 300));
    expect(reports.reports(erasureRequestId).map((r) => r.id)).toEqual([purged.id]);

    // A new request for the same organisation finds nothing left.
    const second = erasureEvent(a.organisationId, { erasureRequestId: randomUUID() });
    await sendEvents(t.kafka, identityTopic, second);
    const secondReport = await reports.waitFor(second.payload.erasureRequestId);
    expect(secondReport.payload.keyErased).toBe(true);
    expect(secondReport.payload.removed.every((r) => r.count === 0)).toBe(true);
  });
});
