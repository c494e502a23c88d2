import {
  OrganisationErasedV1,
  OrganisationPurgedV1,
  SECURITY_WHEEL_SPOKES,
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
import { startEngagementApp, type EngagementTestApp } from '../testing/engagement-app.fixture';

const identityTopic = isolatedTopic(`engagement.${TOPICS.identity}`);

/** Agreement terms valid with the default test MIN_CADENCE (PT1S). */
const TERMS = {
  programManagerId: 'pm-andes',
  leadOfficerId: 'officer-1',
  interventions: [
    {
      interventionId: 'int-1',
      kind: 'method',
      catalogueRef: 'method.lgbti-allies-mapping',
      priority: 'high',
      targetDate: '2027-06-30',
      rationale: 'Chosen because the collective was doxxed after the march',
    },
  ],
  trainingPlan: {
    items: [
      {
        planItemId: 'pi-1',
        moduleIds: ['training-module.lgbti-online-safety'],
        level: 'basic',
        dueAt: '2027-03-15T17:00:00.000Z',
      },
    ],
  },
  riskAssessmentDueAt: '2027-04-01T17:00:00.000Z',
  securityPlanDueAt: '2027-06-01T17:00:00.000Z',
  coachingCadence: 'P1M',
  coachingCadenceBounds: { shortest: 'P2W', longest: 'P3M' },
  autonomyReviewCadence: 'P3M',
  reminderLeadTime: 'P3D',
  escalationGracePeriod: 'P7D',
  reassessmentAfterSeriousIncident: 'P14D',
  plannedDuration: 'P18M',
  postClosureCheckInAfter: 'P6M',
  autonomyGoals: {
    targetLevel: 3,
    milestoneIds: ['focal-point-designated'],
    cascadeTarget: { verifiedCascades: 1, reach: 10 },
  },
};

describe('organisation erasure in the engagement service (real FerretDB and Kafka)', () => {
  let t: EngagementTestApp;
  let topics: { deleteAll(): Promise<void> };
  let reports: PurgedReportsWatcher;
  let pm: string;

  beforeAll(async () => {
    const kafka = testKafka();
    topics = await createTestTopics(kafka, [{ topic: identityTopic, numPartitions: 2 }]);
    reports = await PurgedReportsWatcher.start(kafka, TOPICS.identity);
    t = await startEngagementApp({
      IDENTITY_TOPIC: identityTopic,
      CONSUME_IDENTITY_EVENTS: 'true',
    });
    pm = await t.minter.programManager('desk-andes', 'pm-andes');
    const admin = await t.minter.admin('admin-1');
    const desk = await t.call('POST', '/desks', admin, {
      id: 'desk-andes',
      name: 'Andes',
      countries: ['CO'],
    });
    expect(desk.status).toBe(201);
  }, 90_000);

  afterAll(async () => {
    await reports?.stop();
    await t?.close();
    await topics?.deleteAll();
  });

  /** A registered organisation with an engagement; returns their ids. */
  async function organisationWithEngagement(name: string) {
    const org = await t.call('POST', '/organisations', pm, {
      name,
      contacts: [{ kind: 'email', value: 'contact@collective.test' }],
      country: 'CO',
      setting: 'urban',
      focusAreas: ['lgbti'],
      size: 'small',
    });
    expect(org.status).toBe(201);
    const organisationId = org.json['id'] as string;
    const engagement = await t.call('POST', '/engagements', pm, { organisationId });
    expect(engagement.status).toBe(201);
    return { organisationId, engagementId: engagement.json['id'] as string };
  }

  it('shreds the key, announces it, deletes organisation A only and reports once', async () => {
    const a = await organisationWithEngagement('Colectiva Diversa');
    const b = await organisationWithEngagement('Otra Organización');
    const assessment = await t.call('POST', `/engagements/${a.engagementId}/needs-assessment`, pm, {
      spokeScores: Object.fromEntries(SECURITY_WHEEL_SPOKES.map((s) => [s, 1])),
      capacities: {
        focalPointDesignated: false,
        riskAssessmentDone: false,
        securityPlanExists: false,
        incidentsRecorded: false,
        previousTraining: 'none',
      },
      threatTypes: ['online-harassment'],
    });
    expect(assessment.status).toBe(201);
    const agreement = await t.call('POST', `/engagements/${a.engagementId}/agreements`, pm, {
      terms: TERMS,
    });
    expect(agreement.status).toBe(201);
    const rawA = await t.db.collection('organisations').findOne({ _id: a.organisationId as never });
    const nameA = rawA?.['name'] as EncryptedField;
    expect(nameA).toMatchObject({ v: 1 });

    const request = erasureEvent(a.organisationId);
    const { erasureRequestId } = request.payload;
    await sendEvents(t.kafka, identityTopic, request);
    const purged = await reports.waitFor(erasureRequestId);
    const erased = await t.events.waitForType('engagement.organisation.erased', a.organisationId);

    expect(erased.event).toMatchObject({
      id: erasureEventId(erasureRequestId, 'engagement-service', OrganisationErasedV1.key),
      actor: { kind: 'service', id: 'engagement-service' },
      payload: { organisationId: a.organisationId, erasureRequestId },
    });
    expect(purged.id).toBe(
      erasureEventId(erasureRequestId, 'engagement-service', OrganisationPurgedV1.key),
    );
    expect(purged.payload).toEqual({
      erasureRequestId,
      organisationId: a.organisationId,
      service: 'engagement-service',
      keyErased: true,
      removed: [
        { kind: 'agreements', count: 1 },
        { kind: 'needs-assessments', count: 1 },
        { kind: 'engagements', count: 1 },
        { kind: 'organisations', count: 1 },
      ],
    });
    for (const name of ['agreements', 'needs_assessments', 'engagements']) {
      expect(await t.db.collection(name).countDocuments({ organisationId: a.organisationId })).toBe(
        0,
      );
    }
    expect(
      await t.db.collection('organisations').countDocuments({ _id: a.organisationId as never }),
    ).toBe(0);
    expect(await t.db.collection('desks').countDocuments({ _id: 'desk-andes' as never })).toBe(1);
    // Organisation B is untouched and still readable.
    const readB = await t.call('GET', `/organisations/${b.organisationId}`, pm);
    expect(readB.status).toBe(200);
    expect(readB.json['name']).toBe('Otra Organización');
    expect((await t.call('GET', `/engagements/${b.engagementId}`, pm)).status).toBe(200);

    // Crypto-shredded: a copy of A's name (as in a backup) is unreadable, even by a process
    // that never cached the key.
    const keysDb = t.db.useDb(t.env['KEYS_MONGO_DB'] ?? '');
    const fresh = new FieldCipher(new MongooseKeyStore(keysDb), {
      masterKeys: { activeKeyId: 'test-key', keys: parseMasterKeyList(t.env['MASTER_KEYS'] ?? '') },
    });
    await expect(
      fresh.decrypt(a.organisationId, nameA, 'organisation.name'),
    ).rejects.toBeInstanceOf(OrganisationErasedError);

    // No new work for A: it is unknown now.
    expect((await t.call('GET', `/organisations/${a.organisationId}`, pm)).status).toBe(404);
    expect(
      (await t.call('POST', '/engagements', pm, { organisationId: a.organisationId })).status,
    ).toBe(404);

    // The same request again and the gateway's completion: no second deletion or event.
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
    expect(
      t.events
        .all()
        .filter(
          (r) => r.event.type === 'engagement.organisation.erased' && r.key === a.organisationId,
        ),
    ).toHaveLength(1);
  });
});
