import {
  errorCode,
  startTrainingApp,
  type TestEngagement,
  type TrainingTestApp,
} from '../testing/training-app.fixture';

const INTRO = 'training-module.introduction-to-security-and-protection';
const TOT = 'training-module.training-of-trainers';

interface NodeView {
  label: string;
  generation: number;
  reachCount: number;
  subtreeReach: number;
  verified: boolean;
  children: NodeView[];
}

describe('cascade trainings (knowledge transfer) on the real servers', () => {
  let t: TrainingTestApp;
  let engagement: TestEngagement;
  let officer: string;
  let defender: string;
  let sessionId: string;

  const base = () => ({
    engagementId: engagement.engagementId,
    audienceType: 'beneficiaries',
    reachCount: 25,
    moduleIds: [INTRO],
    deliveredAt: new Date(Date.now() - 86_400_000).toISOString(),
  });

  beforeAll(async () => {
    t = await startTrainingApp();
    engagement = await t.engagement('tru');
    officer = await t.minter.protectionOfficer('tru', 'officer-c');
    defender = await t.minter.defender(engagement.organisationId, 'defender-c');
    const start = Date.now() + 86_400_000;
    const s = await t.call('POST', '/sessions', officer, {
      engagementId: engagement.engagementId,
      moduleIds: [INTRO],
      level: 'basic',
      mode: 'in-person',
      facilitatorId: 'officer-c',
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(start + 7_200_000).toISOString(),
      participants: [
        { participantId: 'P-01', role: 'leadership' },
        { participantId: 'P-02', role: 'staff' },
      ],
    });
    sessionId = s.json['id'] as string;
    const held = await t.call('POST', `/sessions/${sessionId}/hold`, officer, {
      version: s.json['version'],
      attendance: [
        { participantId: 'P-01', present: true, preScore: 30, postScore: 60 },
        { participantId: 'P-02', present: false },
      ],
    });
    expect(held.status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('records a generation-2 cascade by trained participants (training.cascade.recorded) and refuses generations that do not follow', async () => {
    const recorded = await t.call('POST', '/cascades', defender, {
      ...base(),
      generation: 2,
      trainerParticipantIds: ['P-01'],
    });
    expect(recorded.status).toBe(201);
    expect(recorded.json).toMatchObject({
      generation: 2,
      trainerSessionIds: [sessionId],
      status: 'recorded',
      recordedBy: 'defender-c',
    });
    const event = await t.events.waitFor(
      (r) =>
        r.event.type === 'training.cascade.recorded' &&
        r.event.payload['cascadeId'] === recorded.json['id'],
    );
    expect(event.key).toBe(engagement.engagementId);
    expect(event.event).toMatchObject({
      actor: { kind: 'user', id: 'defender-c', role: 'defender' },
      payload: { generation: 2, reachCount: 25, trainerSessionIds: [sessionId] },
    });
    expect(event.value).not.toContain('P-01');

    const wrong = await t.call('POST', '/cascades', defender, {
      ...base(),
      generation: 3,
      trainerParticipantIds: ['P-01'],
    });
    expect(wrong.status).toBe(400);
    expect(errorCode(wrong)).toBe('INVALID_CASCADE_GENERATION');
    const orphan = await t.call('POST', '/cascades', defender, { ...base(), generation: 2 });
    expect(errorCode(orphan)).toBe('INVALID_CASCADE_GENERATION');
    const withParent = await t.call('POST', '/cascades', defender, {
      ...base(),
      generation: 2,
      parentCascadeId: recorded.json['id'],
    });
    expect(withParent.status).toBe(400);
    expect(errorCode(withParent)).toBe('INVALID_CASCADE_GENERATION');

    const unknown = await t.call('POST', '/cascades', defender, {
      ...base(),
      generation: 2,
      trainerParticipantIds: ['P-99'],
    });
    expect(unknown.status).toBe(400);
    expect(errorCode(unknown)).toBe('UNKNOWN_PARTICIPANT');
    const absent = await t.call('POST', '/cascades', defender, {
      ...base(),
      generation: 2,
      trainerParticipantIds: ['P-02'],
    });
    expect(errorCode(absent)).toBe('UNKNOWN_PARTICIPANT');
    const missingParent = await t.call('POST', '/cascades', defender, {
      ...base(),
      generation: 3,
      parentCascadeId: 'no-such-cascade',
    });
    expect(errorCode(missingParent)).toBe('VALIDATION_FAILED');
    const noReach = await t.call('POST', '/cascades', defender, {
      ...base(),
      reachCount: 0,
      generation: 2,
      trainerParticipantIds: ['P-01'],
    });
    expect(errorCode(noReach)).toBe('VALIDATION_FAILED');
    const future = await t.call('POST', '/cascades', defender, {
      ...base(),
      deliveredAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      generation: 2,
      trainerParticipantIds: ['P-01'],
    });
    expect(errorCode(future)).toBe('VALIDATION_FAILED');
  });

  it('verifies by an officer only, once (training.cascade.verified), and shows the lineage with total reach', async () => {
    const root = await t.call('POST', '/cascades', defender, {
      ...base(),
      generation: 2,
      trainerParticipantIds: ['P-01'],
      moduleIds: [INTRO, TOT],
      reachCount: 10,
    });
    const rootId = root.json['id'] as string;
    const child = await t.call('POST', '/cascades', defender, {
      ...base(),
      generation: 3,
      parentCascadeId: rootId,
      reachCount: 40,
      audienceType: 'community-members',
    });
    expect(child.status).toBe(201);
    const grandchild = await t.call('POST', '/cascades', defender, {
      ...base(),
      generation: 4,
      parentCascadeId: child.json['id'],
      reachCount: 7,
    });
    expect(grandchild.status).toBe(201);
    const skipping = await t.call('POST', '/cascades', defender, {
      ...base(),
      generation: 5,
      parentCascadeId: child.json['id'],
    });
    expect(errorCode(skipping)).toBe('INVALID_CASCADE_GENERATION');

    const url = `/cascades/${child.json['id'] as string}/verify`;
    expect((await t.call('POST', url, defender, { version: 0 })).status).toBe(403);
    const verified = await t.call('POST', url, officer, { version: 0 });
    expect(verified.status).toBe(200);
    expect(verified.json).toMatchObject({ status: 'verified', verifiedBy: 'officer-c' });
    const event = await t.events.waitFor(
      (r) =>
        r.event.type === 'training.cascade.verified' &&
        r.event.payload['cascadeId'] === child.json['id'],
    );
    expect(event.event.payload).toMatchObject({
      generation: 3,
      parentCascadeId: rootId,
      reachCount: 40,
      audienceType: 'community-members',
      verifiedBy: 'officer-c',
    });
    const again = await t.call('POST', url, officer, { version: verified.json['version'] });
    expect(errorCode(again)).toBe('INVALID_STATE_TRANSITION');

    const lineage = await t.call(
      'GET',
      `/cascades/lineage?engagementId=${engagement.engagementId}`,
      defender,
    );
    expect(lineage.status).toBe(200);
    // The first test's cascade (25) is a second root.
    expect(lineage.json).toMatchObject({
      totalReach: 82,
      verifiedReach: 40,
      generations: { '2': 2, '3': 1, '4': 1 },
    });
    const roots = lineage.json['roots'] as NodeView[];
    expect(roots.map((r) => [r.label, r.subtreeReach])).toEqual([
      ['C1', 25],
      ['C2', 57],
    ]);
    expect(roots[1]?.children[0]).toMatchObject({ label: 'C2.1', generation: 3, verified: true });
    expect(roots[1]?.children[0]?.children[0]).toMatchObject({ label: 'C2.1.1', reachCount: 7 });
    expect(lineage.text).not.toContain('P-01');
    expect(lineage.text).not.toContain('defender-c');

    const list = await t.call('GET', `/cascades?engagementId=${engagement.engagementId}`, officer);
    expect((list.body as unknown[]).length).toBe(4);
    expect(
      (await t.call('GET', `/cascades/${rootId}`, defender)).json['trainerSessionIds'],
    ).toEqual([sessionId]);
    const analyst = await t.minter.analyst();
    expect(
      (await t.call('GET', `/cascades/lineage?engagementId=${engagement.engagementId}`, analyst))
        .status,
    ).toBe(403);
    const stranger = await t.minter.defender('another-organisation');
    expect((await t.call('GET', `/cascades/${rootId}`, stranger)).status).toBe(404);
    expect(
      (
        await t.call('POST', '/cascades', stranger, {
          ...base(),
          generation: 2,
          trainerParticipantIds: ['P-01'],
        })
      ).status,
    ).toBe(404);
  });
});
