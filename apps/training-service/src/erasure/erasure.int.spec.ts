import {
  AgreementActivatedV1,
  createEvent,
  OrganisationPurgedV1,
  TOPICS,
} from '@trellis/contracts';
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
import {
  agreementTerms,
  startTrainingApp,
  type TestEngagement,
  type TrainingTestApp,
} from '../testing/training-app.fixture';

const identityTopic = isolatedTopic(`training.${TOPICS.identity}`);
const INTRO = 'training-module.introduction-to-security-and-protection';
const NOTES = 'Ana García asked where the safe house is.';
const ITEMS = [
  {
    planItemId: 'pi-1',
    moduleIds: [INTRO],
    level: 'basic' as const,
    dueAt: '2030-03-15T17:00:00.000Z',
  },
];

describe('organisation erasure in the training service (real FerretDB and Kafka)', () => {
  let t: TrainingTestApp;
  let topics: { deleteAll(): Promise<void> };
  let reports: PurgedReportsWatcher;
  let officer: string;

  beforeAll(async () => {
    const kafka = testKafka();
    topics = await createTestTopics(kafka, [{ topic: identityTopic, numPartitions: 2 }]);
    reports = await PurgedReportsWatcher.start(kafka, TOPICS.identity);
    t = await startTrainingApp({ IDENTITY_TOPIC: identityTopic, CONSUME_IDENTITY_EVENTS: 'true' });
    officer = await t.minter.protectionOfficer('tru', 'officer-e');
  }, 90_000);

  afterAll(async () => {
    await reports?.stop();
    await t?.close();
    await topics?.deleteAll();
  });

  /** A session of the engagement's plan, held with encrypted facilitator notes. */
  async function heldSession(e: TestEngagement): Promise<string> {
    const start = Math.ceil((Date.now() + 5 * 86_400_000) / 3_600_000) * 3_600_000;
    const created = await t.call('POST', '/sessions', officer, {
      engagementId: e.engagementId,
      planItemId: 'pi-1',
      mode: 'in-person',
      facilitatorId: 'officer-e',
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(start + 3_600_000).toISOString(),
      participants: [{ participantId: 'P-01', role: 'staff' }],
    });
    expect(created.status).toBe(201);
    const id = created.json['id'] as string;
    const held = await t.call('POST', `/sessions/${id}/hold`, officer, {
      version: created.json['version'],
      attendance: [{ participantId: 'P-01', present: true, preScore: 40, postScore: 80 }],
      notes: NOTES,
    });
    expect(held.status).toBe(200);
    return id;
  }

  it('shreds the key, deletes organisation A only, reports once and ignores A afterwards', async () => {
    const a = await t.engagement('tru');
    const b = await t.engagement('tru');
    await t.activate(a, ITEMS);
    await t.activate(b, ITEMS);
    const sessionA = await heldSession(a);
    const sessionB = await heldSession(b);
    const defenderA = await t.minter.defender(a.organisationId, 'defender-a');
    const feed = await t.call('POST', '/calendar/feeds', defenderA, {
      kind: 'organisation',
      engagementId: a.engagementId,
    });
    expect(feed.status).toBe(201);
    expect((await t.call('POST', '/calendar/feeds', officer, { kind: 'officer' })).status).toBe(
      201,
    );
    const rawA = await t.db.collection('sessions').findOne({ _id: sessionA as never });
    const notesA = rawA?.['notes'] as EncryptedField;
    expect(notesA).toMatchObject({ v: 1 });

    const request = erasureEvent(a.organisationId);
    const { erasureRequestId } = request.payload;
    await sendEvents(t.kafka, identityTopic, request);
    const purged = await reports.waitFor(erasureRequestId);

    expect(purged.id).toBe(
      erasureEventId(erasureRequestId, 'training-service', OrganisationPurgedV1.key),
    );
    expect(purged.payload).toEqual({
      erasureRequestId,
      organisationId: a.organisationId,
      service: 'training-service',
      keyErased: true,
      removed: [
        { kind: 'training-plans', count: 1 },
        { kind: 'sessions', count: 1 },
        { kind: 'cascades', count: 0 },
        { kind: 'calendar-feeds', count: 1 },
        { kind: 'known-engagements', count: 1 },
      ],
    });
    for (const name of ['training_plans', 'sessions', 'cascades', 'known_engagements']) {
      expect(await t.db.collection(name).countDocuments({ organisationId: a.organisationId })).toBe(
        0,
      );
    }
    expect(
      await t.db.collection('calendar_feeds').countDocuments({ subjectId: a.organisationId }),
    ).toBe(0);
    expect(await t.db.collection('calendar_feeds').countDocuments({ kind: 'officer' })).toBe(1);
    // Organisation B is untouched and still readable.
    const readB = await t.call('GET', `/sessions/${sessionB}`, officer);
    expect(readB.status).toBe(200);
    expect(readB.json['notes']).toBe(NOTES);
    expect(
      await t.db.collection('training_plans').countDocuments({ organisationId: b.organisationId }),
    ).toBe(1);

    // Crypto-shredded: a copy of A's notes (as in a backup) is unreadable, even by a process
    // that never cached the key.
    const keysDb = t.db.useDb(t.env['KEYS_MONGO_DB'] ?? '');
    const fresh = new FieldCipher(new MongooseKeyStore(keysDb), {
      masterKeys: { activeKeyId: 'test-key', keys: parseMasterKeyList(t.env['MASTER_KEYS'] ?? '') },
    });
    await expect(
      fresh.decrypt(a.organisationId, notesA, 'session.facilitator-notes'),
    ).rejects.toBeInstanceOf(OrganisationErasedError);

    // New work is refused: A's engagement is unknown, and a replayed activation of A's
    // agreement creates no plan.
    expect((await t.call('GET', `/sessions/${sessionA}`, officer)).status).toBe(404);
    const replay = createEvent(AgreementActivatedV1, {
      actor: { kind: 'service', id: 'engagement-service' },
      ...a,
      payload: { agreementId: randomUUID(), agreementVersion: 1, terms: agreementTerms(ITEMS) },
    });
    const replayed = await sendEvents(t.kafka, TOPICS.engagement, replay);
    await waitUntilConsumed(
      t.kafka,
      t.env['ENGAGEMENT_EVENTS_GROUP_ID'] ?? '',
      TOPICS.engagement,
      replayed,
    );
    expect(
      await t.db.collection('training_plans').countDocuments({ organisationId: a.organisationId }),
    ).toBe(0);

    // The same request again and the gateway's completion: no second deletion or report.
    await sendEvents(t.kafka, identityTopic, request);
    const completed = erasureEvent(a.organisationId, { erasureRequestId, completed: true });
    const sent = await sendEvents(t.kafka, identityTopic, completed);
    await waitUntilConsumed(t.kafka, t.env['IDENTITY_EVENTS_GROUP_ID'] ?? '', identityTopic, sent);
    const again = await t.app
      .get(OrganisationEraser)
      .erase({ erasureRequestId, organisationId: a.organisationId });
    expect(again).toMatchObject({ alreadyCompleted: true, reportEventId: purged.id });
    await new Promise((r) => setTimeout(r, 300));
    expect(reports.reports(erasureRequestId).map((r) => r.id)).toEqual([purged.id]);
  });
});
