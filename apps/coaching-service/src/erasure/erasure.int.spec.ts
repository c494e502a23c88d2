import { OrganisationPurgedV1, TOPICS, type TrellisEvent } from '@trellis/contracts';
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
import { uniqueName } from '@trellis/testing';
import {
  reminderDue,
  startCoachingApp,
  waitUntil,
  type CoachingTestApp,
  type TestEngagement,
} from '../testing/coaching-app.fixture';

const NOTES = 'Safe house address discussed with the director';

describe('organisation erasure in the coaching service (real FerretDB and Kafka)', () => {
  let t: CoachingTestApp;
  let reports: PurgedReportsWatcher;
  let officer: string;

  beforeAll(async () => {
    t = await startCoachingApp();
    reports = await PurgedReportsWatcher.start(t.kafka, TOPICS.identity);
    officer = await t.minter.protectionOfficer('desk-andes', 'officer-desk-andes');
  }, 90_000);

  afterAll(async () => {
    await reports?.stop();
    await t?.close();
  });

  /** A held follow-up with encrypted notes; returns its id. */
  async function heldFollowUp(e: TestEngagement): Promise<string> {
    const planned = await t.call('POST', `/engagements/${e.engagementId}/follow-ups`, officer, {
      kind: 'coaching-session',
      dueAt: new Date(Date.now() - 60_000).toISOString(),
      obligationId: uniqueName('obl'),
    });
    expect(planned.status).toBe(201);
    const id = planned.json['id'] as string;
    const held = await t.call('POST', `/follow-ups/${id}/held`, officer, {
      version: planned.json['version'],
      heldAt: new Date().toISOString(),
      behaviourChange: 'some',
      notes: NOTES,
    });
    expect(held.status).toBe(200);
    return id;
  }

  /** Publishes a reminder for the engagement and resolves where it landed once consumed. */
  async function remind(e: TestEngagement, reminderId: string) {
    const sent = await sendEvents(
      t.kafka,
      t.topics.reminders,
      reminderDue(e, { reminderId }) as TrellisEvent,
    );
    await waitUntilConsumed(t.kafka, t.env['KAFKA_GROUP_ID'] ?? '', t.topics.reminders, sent);
  }

  it('shreds the key, deletes organisation A only, reports once and ignores A afterwards', async () => {
    const a = await t.createEngagement('desk-andes');
    const b = await t.createEngagement('desk-andes');
    const followUpA = await heldFollowUp(a);
    const followUpB = await heldFollowUp(b);
    await remind(a, uniqueName('rem'));
    expect(
      await t.db.collection('notifications').countDocuments({ organisationId: a.organisationId }),
    ).toBe(1);
    const rawA = await t.db.collection('follow_ups').findOne({ _id: followUpA as never });
    const notesA = rawA?.['notes'] as EncryptedField;
    expect(notesA).toMatchObject({ v: 1 });

    const request = erasureEvent(a.organisationId);
    const { erasureRequestId } = request.payload;
    await sendEvents(t.kafka, t.topics.identity, request);
    const purged = await reports.waitFor(erasureRequestId);

    expect(purged.id).toBe(
      erasureEventId(erasureRequestId, 'coaching-service', OrganisationPurgedV1.key),
    );
    expect(purged.payload).toEqual({
      erasureRequestId,
      organisationId: a.organisationId,
      service: 'coaching-service',
      keyErased: true,
      removed: [
        { kind: 'follow-ups', count: 1 },
        { kind: 'autonomy-reviews', count: 0 },
        { kind: 'notifications', count: 1 },
        { kind: 'engagement-projections', count: 1 },
      ],
    });
    for (const name of [
      'follow_ups',
      'autonomy_reviews',
      'notifications',
      'engagement_projections',
    ]) {
      expect(await t.db.collection(name).countDocuments({ organisationId: a.organisationId })).toBe(
        0,
      );
    }
    const readB = await t.call('GET', `/follow-ups/${followUpB}`, officer);
    expect(readB.status).toBe(200);
    expect(readB.json['notes']).toBe(NOTES);

    // Crypto-shredded: a copy of A's notes (as in a backup) is unreadable, even by a process
    // that never cached the key.
    const keysDb = t.db.useDb(t.env['KEYS_MONGO_DB'] ?? '');
    const fresh = new FieldCipher(new MongooseKeyStore(keysDb), {
      masterKeys: { activeKeyId: 'test-key', keys: parseMasterKeyList(t.env['MASTER_KEYS'] ?? '') },
    });
    await expect(fresh.decrypt(a.organisationId, notesA, 'follow-up.notes')).rejects.toBeInstanceOf(
      OrganisationErasedError,
    );

    // New work is ignored: a late reminder of A notifies nobody.
    await remind(a, uniqueName('rem-late'));
    expect(
      await t.db.collection('notifications').countDocuments({ organisationId: a.organisationId }),
    ).toBe(0);

    // The same request again and the gateway's completion: no second deletion or report.
    await sendEvents(t.kafka, t.topics.identity, request);
    const completed = erasureEvent(a.organisationId, { erasureRequestId, completed: true });
    const sent = await sendEvents(t.kafka, t.topics.identity, completed);
    await waitUntilConsumed(
      t.kafka,
      t.env['IDENTITY_EVENTS_GROUP_ID'] ?? '',
      t.topics.identity,
      sent,
    );
    const again = await t.app
      .get(OrganisationEraser)
      .erase({ erasureRequestId, organisationId: a.organisationId });
    expect(again).toMatchObject({ alreadyCompleted: true, reportEventId: purged.id });
    await waitUntil(
      async () =>
        (await t.db
          .collection('processed_events')
          .findOne({ eventId: completed.id, state: 'done' })) ?? undefined,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(reports.reports(erasureRequestId).map((r) => r.id)).toEqual([purged.id]);
  });
});
