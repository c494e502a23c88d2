import {
  AgreementActivatedV1,
  AgreementAmendedV1,
  createEvent,
  NeedsAssessmentRecordedV1,
  SECURITY_WHEEL_SPOKES,
  type SpokeId,
} from '@trellis/contracts';
import { randomUUID } from 'node:crypto';
import { ENGAGEMENT_EVENTS_CONSUMER } from '../events/engagement-events.consumer';
import {
  agreementTerms,
  errorCode,
  startTrainingApp,
  type TestEngagement,
  type TrainingTestApp,
} from '../testing/training-app.fixture';

const INTRO = 'training-module.introduction-to-security-and-protection';
const RISK = 'training-module.risk-analysis';
const THREAT = 'training-module.threat-assessment';
const ITEMS = [
  { planItemId: 'pi-1', moduleIds: [INTRO], level: 'basic', dueAt: '2030-03-15T17:00:00.000Z' },
  {
    planItemId: 'pi-2',
    moduleIds: [RISK, THREAT],
    level: 'advanced',
    dueAt: '2030-05-15T17:00:00.000Z',
  },
] as const;
const actor = { kind: 'service', id: 'engagement-service' } as const;

describe('training plans from activated agreements on the real servers', () => {
  let t: TrainingTestApp;
  let engagement: TestEngagement;
  let planId: string;
  let agreementId: string;
  let officer: string;

  beforeAll(async () => {
    t = await startTrainingApp();
    engagement = await t.engagement('desk-andes');
    officer = await t.minter.protectionOfficer('desk-andes', 'officer-1');
    ({ planId, agreementId } = await t.activate(
      engagement,
      ITEMS.map((i) => ({ ...i, moduleIds: [...i.moduleIds] })),
      'intermediate',
    ));
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('creates the plan once from engagement.agreement.activated, levels adapted to the baseline, and publishes training.plan.created', async () => {
    const created = await t.events.waitForType('training.plan.created', engagement.engagementId);
    expect(created.event).toMatchObject({
      organisationId: engagement.organisationId,
      unitId: 'desk-andes',
      actor: { kind: 'service', id: 'training-service' },
      payload: {
        trainingPlanId: planId,
        agreementId,
        agreementVersion: 1,
        items: [
          { planItemId: 'pi-1', moduleIds: [INTRO], level: 'intermediate' },
          { planItemId: 'pi-2', moduleIds: [RISK, THREAT], level: 'intermediate' },
        ],
      },
    });
    const read = await t.call(
      'GET',
      `/training-plans?engagementId=${engagement.engagementId}`,
      officer,
    );
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({
      id: planId,
      revision: 1,
      baselineLevel: 'intermediate',
      organisationLevel: 'intermediate',
      items: [
        { planItemId: 'pi-1', agreedLevel: 'basic', level: 'intermediate' },
        { planItemId: 'pi-2', agreedLevel: 'advanced', level: 'intermediate' },
      ],
    });
    const defender = await t.minter.defender(engagement.organisationId);
    expect((await t.call('GET', `/training-plans/${planId}`, defender)).status).toBe(200);

    // Redelivery of the activation (same event id) and a second activation event: one plan.
    const activation = await t.db
      .collection('processed_events')
      .findOne({ consumer: ENGAGEMENT_EVENTS_CONSUMER, state: 'done' });
    expect(activation).not.toBeNull();
    const again = createEvent(NeedsAssessmentRecordedV1, {
      actor,
      ...engagement,
      payload: {
        needsAssessmentId: randomUUID(),
        spokeScores: Object.fromEntries(SECURITY_WHEEL_SPOKES.map((k) => [k, 1])) as Record<
          SpokeId,
          number
        >,
        suggestedLevel: 'advanced',
        suggestedCatalogueIds: [],
      },
    });
    const second = createEvent(AgreementActivatedV1, {
      actor,
      ...engagement,
      payload: { agreementId: randomUUID(), agreementVersion: 1, terms: agreementTerms([]) },
    });
    // Same partition (same key), in order: the marker arrives after the duplicates.
    await t.publish(second, again);
    const deadline = Date.now() + 30_000;
    while (
      (
        await t.db
          .collection('known_engagements')
          .findOne({ _id: engagement.engagementId as never })
      )?.['baselineLevel'] !== 'advanced'
    ) {
      if (Date.now() > deadline) throw new Error('the marker event was not applied');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(
      await t.db
        .collection('training_plans')
        .countDocuments({ engagementId: engagement.engagementId }),
    ).toBe(1);
    expect(
      t.events
        .all()
        .filter(
          (r) => r.event.type === 'training.plan.created' && r.key === engagement.engagementId,
        ),
    ).toHaveLength(1);
  });

  it('lets staff adjust an item (training.plan.revised), refuses defenders, unknown modules and stale versions', async () => {
    const before = await t.call('GET', `/training-plans/${planId}`, officer);
    const version = before.json['version'] as number;
    const url = `/training-plans/${planId}/items/pi-1`;
    const defender = await t.minter.defender(engagement.organisationId);
    expect((await t.call('PUT', url, defender, { version, level: 'advanced' })).status).toBe(403);
    const unknown = await t.call('PUT', url, officer, {
      version,
      moduleIds: ['training-module.no-such-module'],
    });
    expect(unknown.status).toBe(400);
    expect(errorCode(unknown)).toBe('UNKNOWN_CATALOGUE_ITEM');
    expect((await t.call('PUT', url, officer, { version })).status).toBe(400);
    const adjusted = await t.call('PUT', url, officer, {
      version,
      level: 'advanced',
      dueAt: '2030-04-01T17:00:00.000Z',
    });
    expect(adjusted.status).toBe(200);
    expect(adjusted.json).toMatchObject({
      revision: 2,
      items: [{ planItemId: 'pi-1', level: 'advanced', dueAt: '2030-04-01T17:00:00.000Z' }, {}],
    });
    const revised = await t.events.waitFor(
      (r) =>
        r.event.type === 'training.plan.revised' &&
        r.key === engagement.engagementId &&
        r.event.payload['revision'] === 2,
    );
    expect(revised.key).toBe(engagement.engagementId);
    expect(revised.event.actor).toEqual({
      kind: 'user',
      id: 'officer-1',
      role: 'protection-officer',
    });
    const stale = await t.call('PUT', url, officer, { version, level: 'basic' });
    expect(stale.status).toBe(409);
    expect(errorCode(stale)).toBe('VERSION_CONFLICT');
    expect(
      (
        await t.call('PUT', `/training-plans/${planId}/items/pi-9`, officer, {
          version: adjusted.json['version'],
          level: 'basic',
        })
      ).status,
    ).toBe(404);
  });

  it('revises the plan from an amendment of the training plan, keeping raised levels', async () => {
    const amended = createEvent(AgreementAmendedV1, {
      actor,
      ...engagement,
      payload: {
        agreementId,
        agreementVersion: 2,
        previousVersion: 1,
        changedSections: ['training-plan'],
        terms: agreementTerms([
          {
            planItemId: 'pi-1',
            moduleIds: [INTRO],
            level: 'basic',
            dueAt: '2030-03-15T17:00:00.000Z',
          },
          {
            planItemId: 'pi-3',
            moduleIds: [RISK],
            level: 'basic',
            dueAt: '2030-07-15T17:00:00.000Z',
          },
        ]),
      },
    });
    await t.publish(amended);
    const revised = await t.events.waitFor(
      (r) =>
        r.event.type === 'training.plan.revised' &&
        r.key === engagement.engagementId &&
        r.event.payload['agreementVersion'] === 2,
    );
    expect(revised.event.payload).toMatchObject({
      trainingPlanId: planId,
      revision: 3,
      items: [
        { planItemId: 'pi-1', level: 'advanced' },
        { planItemId: 'pi-3', level: 'advanced' },
      ],
    });
  });

  it('answers 404 for other organisations and units, 403 for analysts', async () => {
    const url = `/training-plans?engagementId=${engagement.engagementId}`;
    expect((await t.call('GET', url, await t.minter.defender('someone-else'))).status).toBe(404);
    expect((await t.call('GET', url, await t.minter.protectionOfficer('desk-other'))).status).toBe(
      404,
    );
    expect((await t.call('GET', url, await t.minter.analyst())).status).toBe(403);
  });
});
