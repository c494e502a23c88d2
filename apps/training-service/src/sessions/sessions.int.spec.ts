import {
  errorCode,
  startTrainingApp,
  type TestEngagement,
  type TrainingTestApp,
} from '../testing/training-app.fixture';

const INTRO = 'training-module.introduction-to-security-and-protection';
const RISK = 'training-module.risk-analysis';
const THREAT = 'training-module.threat-assessment';
const NOTES = 'The director left early; Ana García asked about the safe-house protocol.';
const DAY = 86_400_000;

/** A future slot `days` from now, `hours` long, on the hour. */
function slot(days: number, hours = 3): { startsAt: string; endsAt: string } {
  const start = Math.ceil((Date.now() + days * DAY) / 3_600_000) * 3_600_000;
  return {
    startsAt: new Date(start).toISOString(),
    endsAt: new Date(start + hours * 3_600_000).toISOString(),
  };
}

const PARTICIPANTS = [
  { participantId: 'P-01', role: 'leadership', gender: 'woman' },
  { participantId: 'P-02', role: 'staff' },
  { participantId: 'P-03', role: 'security-focal-point', gender: 'man' },
];

describe('training sessions on the real servers', () => {
  let t: TrainingTestApp;
  let engagement: TestEngagement;
  let officer: string;
  let manager: string;
  let defender: string;

  beforeAll(async () => {
    t = await startTrainingApp();
    engagement = await t.engagement('tru');
    officer = await t.minter.protectionOfficer('tru', 'officer-s');
    manager = await t.minter.programManager('tru', 'pm-s');
    defender = await t.minter.defender(engagement.organisationId, 'defender-s');
    await t.activate(
      engagement,
      [
        {
          planItemId: 'pi-1',
          moduleIds: [INTRO],
          level: 'basic',
          dueAt: '2030-03-15T17:00:00.000Z',
        },
      ],
      'intermediate',
    );
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('schedules a plan-item session with pseudonymous participants and publishes training.session.scheduled', async () => {
    const res = await t.call('POST', '/sessions', officer, {
      engagementId: engagement.engagementId,
      planItemId: 'pi-1',
      mode: 'in-person',
      facilitatorId: 'officer-s',
      ...slot(10),
      participants: PARTICIPANTS,
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      moduleIds: [INTRO],
      level: 'intermediate',
      status: 'scheduled',
      participants: PARTICIPANTS,
      organisationId: engagement.organisationId,
    });
    const received = await t.events.waitFor(
      (r) =>
        r.event.type === 'training.session.scheduled' &&
        r.event.payload['sessionId'] === res.json['id'],
    );
    expect(received.key).toBe(engagement.engagementId);
    expect(received.event).toMatchObject({
      actor: { kind: 'user', id: 'officer-s', role: 'protection-officer' },
      payload: { planItemId: 'pi-1', moduleIds: [INTRO], level: 'intermediate', mode: 'in-person' },
    });
    expect(received.value).not.toContain('P-01');
  });

  it('refuses a session in the past, an overlapping session of the same facilitator, unknown modules and names in participants', async () => {
    const base = {
      engagementId: engagement.engagementId,
      moduleIds: [INTRO],
      level: 'basic',
      mode: 'remote',
      facilitatorId: 'officer-s',
    };
    const past = await t.call('POST', '/sessions', officer, {
      ...base,
      startsAt: new Date(Date.now() - DAY).toISOString(),
      endsAt: new Date(Date.now() - DAY + 3_600_000).toISOString(),
    });
    expect(past.status).toBe(400);
    expect(errorCode(past)).toBe('DATE_IN_THE_PAST');

    const first = slot(10);
    const overlapping = await t.call('POST', '/sessions', officer, {
      ...base,
      startsAt: new Date(Date.parse(first.startsAt) + 3_600_000).toISOString(),
      endsAt: new Date(Date.parse(first.endsAt) + 3_600_000).toISOString(),
    });
    expect(overlapping.status).toBe(409);
    expect(errorCode(overlapping)).toBe('SCHEDULE_CONFLICT');
    // Another engagement does not matter: the facilitator is one person.
    const other = await t.engagement('tru');
    const elsewhere = await t.call('POST', '/sessions', officer, {
      ...base,
      engagementId: other.engagementId,
      ...first,
    });
    expect(elsewhere.status).toBe(409);
    // Back to back is fine.
    const adjacent = await t.call('POST', '/sessions', officer, {
      ...base,
      startsAt: first.endsAt,
      endsAt: new Date(Date.parse(first.endsAt) + 3_600_000).toISOString(),
    });
    expect(adjacent.status).toBe(201);

    const unknown = await t.call('POST', '/sessions', officer, {
      ...base,
      moduleIds: ['topic.office-security'],
      ...slot(30),
    });
    expect(unknown.status).toBe(400);
    expect(errorCode(unknown)).toBe('UNKNOWN_CATALOGUE_ITEM');
    const named = await t.call('POST', '/sessions', officer, {
      ...base,
      ...slot(31),
      participants: [{ participantId: 'P-09', role: 'staff', name: 'Ana García' }],
    });
    expect(named.status).toBe(400);
    expect(errorCode(named)).toBe('VALIDATION_FAILED');
    const noLevel = await t.call('POST', '/sessions', officer, {
      ...base,
      level: undefined,
      ...slot(32),
    });
    expect(noLevel.status).toBe(400);
    const byDefender = await t.call('POST', '/sessions', defender, { ...base, ...slot(33) });
    expect(byDefender.status).toBe(403);
  });

  it('holds back a module before its prerequisites unless a program manager overrides with a reason', async () => {
    const body = {
      engagementId: engagement.engagementId,
      moduleIds: [THREAT],
      level: 'intermediate',
      mode: 'remote',
      facilitatorId: 'facilitator-prereq',
      ...slot(40),
    };
    const refused = await t.call('POST', '/sessions', officer, body);
    expect(refused.status).toBe(409);
    expect(errorCode(refused)).toBe('PREREQUISITE_NOT_MET');
    expect(JSON.stringify(refused.json)).toContain(RISK);
    const override = {
      prerequisiteOverride: { reason: 'They took the risk module with another NGO.' },
    };
    expect((await t.call('POST', '/sessions', officer, { ...body, ...override })).status).toBe(403);
    const overridden = await t.call('POST', '/sessions', manager, { ...body, ...override });
    expect(overridden.status).toBe(201);
    expect(overridden.json['prerequisiteOverride']).toEqual({
      by: 'pm-s',
      reason: 'They took the risk module with another NGO.',
    });
    // Risk analysis after the introduction (scheduled on day 10) is fine.
    const ordered = await t.call('POST', '/sessions', officer, {
      ...body,
      moduleIds: [RISK],
      facilitatorId: 'facilitator-ordered',
      ...slot(20),
    });
    expect(ordered.status).toBe(201);
    // ... but not moved before it.
    const early = await t.call(
      'POST',
      `/sessions/${ordered.json['id'] as string}/reschedule`,
      officer,
      {
        version: ordered.json['version'],
        ...slot(2),
      },
    );
    expect(early.status).toBe(409);
    expect(errorCode(early)).toBe('PREREQUISITE_NOT_MET');
  });

  it('reschedules (training.session.rescheduled), registers participants, holds with knowledge checks and encrypted notes (training.session.held)', async () => {
    const scheduled = await t.call('POST', '/sessions', officer, {
      engagementId: engagement.engagementId,
      moduleIds: [INTRO],
      level: 'intermediate',
      mode: 'remote',
      facilitatorId: 'officer-hold',
      ...slot(50),
    });
    const id = scheduled.json['id'] as string;
    const target = slot(51);
    const past = await t.call('POST', `/sessions/${id}/reschedule`, officer, {
      version: 0,
      startsAt: new Date(Date.now() - DAY).toISOString(),
      endsAt: new Date(Date.now() - DAY + 3_600_000).toISOString(),
    });
    expect(errorCode(past)).toBe('DATE_IN_THE_PAST');
    const moved = await t.call('POST', `/sessions/${id}/reschedule`, officer, {
      version: 0,
      ...target,
    });
    expect(moved.status).toBe(200);
    const rescheduled = await t.events.waitFor(
      (r) => r.event.type === 'training.session.rescheduled' && r.event.payload['sessionId'] === id,
    );
    expect(rescheduled.event.payload).toMatchObject({
      previousStartsAt: scheduled.json['startsAt'],
      startsAt: target.startsAt,
      endsAt: target.endsAt,
    });

    const roster = await t.call('PUT', `/sessions/${id}/participants`, defender, {
      version: moved.json['version'],
      participants: PARTICIPANTS,
    });
    expect(roster.status).toBe(200);
    const version = roster.json['version'];

    const unknown = await t.call('POST', `/sessions/${id}/hold`, officer, {
      version,
      attendance: [{ participantId: 'P-77', present: true }],
    });
    expect(unknown.status).toBe(400);
    expect(errorCode(unknown)).toBe('UNKNOWN_PARTICIPANT');
    const outOfRange = await t.call('POST', `/sessions/${id}/hold`, officer, {
      version,
      attendance: [{ participantId: 'P-01', present: true, preScore: 40, postScore: 101 }],
    });
    expect(outOfRange.status).toBe(400);
    expect(errorCode(outOfRange)).toBe('VALIDATION_FAILED');
    const negative = await t.call('POST', `/sessions/${id}/hold`, officer, {
      version,
      attendance: [{ participantId: 'P-01', present: true, preScore: -5, postScore: 50 }],
    });
    expect(negative.status).toBe(400);
    const absentScored = await t.call('POST', `/sessions/${id}/hold`, officer, {
      version,
      attendance: [{ participantId: 'P-03', present: false, preScore: 10 }],
    });
    expect(absentScored.status).toBe(400);

    const held = await t.call('POST', `/sessions/${id}/hold`, officer, {
      version,
      attendance: [
        { participantId: 'P-01', present: true, preScore: 40, postScore: 80 },
        { participantId: 'P-02', present: true, preScore: 50, postScore: 70 },
        { participantId: 'P-03', present: false },
      ],
      notes: NOTES,
    });
    expect(held.status).toBe(200);
    expect(held.json).toMatchObject({
      status: 'held',
      notes: NOTES,
      attendance: [
        { participantId: 'P-01', present: true, gain: 40 },
        { participantId: 'P-02', present: true, gain: 20 },
        { participantId: 'P-03', present: false },
      ],
      knowledge: {
        knowledgeCheckCount: 2,
        averageKnowledgeGain: 30,
        averagePreScore: 45,
        averagePostScore: 75,
      },
    });
    const event = await t.events.waitFor(
      (r) => r.event.type === 'training.session.held' && r.event.payload['sessionId'] === id,
    );
    expect(event.event.payload).toMatchObject({
      moduleIds: [INTRO],
      level: 'intermediate',
      facilitatorId: 'officer-hold',
      participantCount: 3,
      attendanceCount: 2,
      knowledgeCheckCount: 2,
      averageKnowledgeGain: 30,
    });
    expect(event.value).not.toContain('safe-house');
    const raw = JSON.stringify(await t.db.collection('sessions').findOne({ _id: id as never }));
    expect(raw).not.toContain('safe-house');
    expect(raw).toContain('"ct"');

    const asDefender = await t.call('GET', `/sessions/${id}`, defender);
    expect(asDefender.status).toBe(200);
    expect(asDefender.json).not.toHaveProperty('notes');
    expect((await t.call('GET', `/sessions/${id}`, officer)).json['notes']).toBe(NOTES);
    const twice = await t.call('POST', `/sessions/${id}/hold`, officer, {
      version: held.json['version'],
      attendance: [],
    });
    expect(twice.status).toBe(409);
    expect(errorCode(twice)).toBe('INVALID_STATE_TRANSITION');
  });

  it('raises the plan level once two sessions show mastery (training.plan.revised)', async () => {
    for (const day of [60, 61]) {
      const s = await t.call('POST', '/sessions', officer, {
        engagementId: engagement.engagementId,
        moduleIds: [INTRO],
        level: 'intermediate',
        mode: 'in-person',
        facilitatorId: 'officer-progress',
        ...slot(day),
        participants: PARTICIPANTS.slice(0, 1),
      });
      const held = await t.call('POST', `/sessions/${s.json['id'] as string}/hold`, officer, {
        version: s.json['version'],
        attendance: [{ participantId: 'P-01', present: true, preScore: 60, postScore: 90 }],
      });
      expect(held.status).toBe(200);
    }
    const revised = await t.events.waitFor(
      (r) =>
        r.event.type === 'training.plan.revised' &&
        r.key === engagement.engagementId &&
        (r.event.payload['items'] as { level: string }[])[0]?.level === 'advanced',
    );
    expect(revised.event.payload).toMatchObject({
      items: [{ planItemId: 'pi-1', level: 'advanced' }],
    });
    const plan = await t.call(
      'GET',
      `/training-plans?engagementId=${engagement.engagementId}`,
      officer,
    );
    expect(plan.json).toMatchObject({
      baselineLevel: 'intermediate',
      organisationLevel: 'advanced',
    });
  });

  it('cancels a scheduled session (training.session.cancelled) once; lists for defenders, 403 for analysts', async () => {
    const s = await t.call('POST', '/sessions', officer, {
      engagementId: engagement.engagementId,
      planItemId: 'pi-1',
      mode: 'remote',
      facilitatorId: 'officer-cancel',
      ...slot(70),
    });
    const cancelled = await t.call('POST', `/sessions/${s.json['id'] as string}/cancel`, officer, {
      version: s.json['version'],
      reason: 'security-situation',
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json).toMatchObject({
      status: 'cancelled',
      cancellation: { reason: 'security-situation' },
    });
    const event = await t.events.waitFor(
      (r) =>
        r.event.type === 'training.session.cancelled' &&
        r.event.payload['sessionId'] === s.json['id'],
    );
    expect(event.event.payload).toMatchObject({ planItemId: 'pi-1', reason: 'security-situation' });
    const again = await t.call('POST', `/sessions/${s.json['id'] as string}/cancel`, officer, {
      version: cancelled.json['version'],
      reason: 'replaced',
    });
    expect(errorCode(again)).toBe('INVALID_STATE_TRANSITION');

    const list = await t.call('GET', `/sessions?engagementId=${engagement.engagementId}`, defender);
    expect(list.status).toBe(200);
    expect((list.body as unknown[]).length).toBeGreaterThanOrEqual(6);
    const analyst = await t.minter.analyst();
    expect(
      (await t.call('GET', `/sessions?engagementId=${engagement.engagementId}`, analyst)).status,
    ).toBe(403);
    const stranger = await t.minter.defender('another-organisation');
    expect((await t.call('GET', `/sessions/${s.json['id'] as string}`, stranger)).status).toBe(404);
  });
});
