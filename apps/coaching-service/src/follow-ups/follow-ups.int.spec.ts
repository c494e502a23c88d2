import { createEvent, OrganisationErasedV1 } from '@trellis/contracts';
import { uniqueName } from '@trellis/testing';
import {
  errorCode,
  startCoachingApp,
  waitUntil,
  type CoachingTestApp,
  type TestEngagement,
} from '../testing/coaching-app.fixture';

interface FollowUp {
  id: string;
  state: string;
  version: number;
  notes?: string;
  observedChange?: string;
  nextActions: { description: string; ownerId: string; dueDate: string }[];
  checkIn?: { checkInId: string; state: string };
}

describe('follow-ups and site-visit check-ins on the real servers', () => {
  let t: CoachingTestApp;
  let engagement: TestEngagement;
  let officer: string;
  let pm: string;

  beforeAll(async () => {
    t = await startCoachingApp();
    engagement = await t.createEngagement('desk-andes');
    officer = await t.minter.protectionOfficer('desk-andes', engagement.leadOfficerId);
    pm = await t.minter.programManager('desk-andes', engagement.programManagerId);
  });

  afterAll(async () => {
    await t?.close();
  });

  async function plan(kind: string, dueAt = new Date(Date.now() - 60_000)): Promise<FollowUp> {
    const res = await t.call(
      'POST',
      `/engagements/${engagement.engagementId}/follow-ups`,
      officer,
      {
        kind,
        dueAt: dueAt.toISOString(),
        obligationId: uniqueName('obl'),
      },
    );
    expect(res.status).toBe(201);
    return res.json as unknown as FollowUp;
  }

  it('plans and holds a follow-up: notes encrypted, the held event carries no text', async () => {
    const planned = await plan('leadership-meeting');
    expect(planned).toMatchObject({ state: 'planned', assigneeId: engagement.leadOfficerId });
    await t.events.waitForType('coaching.follow-up.planned', engagement.engagementId);

    const held = await t.call('POST', `/follow-ups/${planned.id}/held`, officer, {
      version: planned.version,
      heldAt: new Date().toISOString(),
      behaviourChange: 'some',
      notes: 'Director hesitant about the night-time protocol',
      observedChange: 'Staff now check in after field trips',
      obstacles: 'No budget for a second phone',
      nextActions: [
        { description: 'Draft the travel protocol', ownerId: 'focal-point', dueDate: '2026-12-01' },
      ],
    });
    expect(held.status).toBe(200);
    expect(held.json).toMatchObject({
      state: 'held',
      behaviourChange: 'some',
      notes: 'Director hesitant about the night-time protocol',
      nextActions: [{ description: 'Draft the travel protocol', ownerId: 'focal-point' }],
    });

    const received = await t.events.waitForType('coaching.follow-up.held', engagement.engagementId);
    expect(received.event.payload).toMatchObject({
      followUpId: planned.id,
      kind: 'leadership-meeting',
      behaviourChange: 'some',
      nextActionCount: 1,
    });
    expect(received.value).not.toMatch(/Director|travel protocol|budget/);

    const raw = JSON.stringify(
      await t.db.collection('follow_ups').findOne({ _id: planned.id as never }),
    );
    expect(raw).not.toMatch(/Director|travel protocol|budget|field trips/);

    // Defender users of the organisation see it without the officers' internal notes.
    const defender = await t.minter.defender(engagement.organisationId);
    const seen = await t.call('GET', `/follow-ups/${planned.id}`, defender);
    expect(seen.status).toBe(200);
    expect(seen.json['notes']).toBeUndefined();
    expect(seen.json['observedChange']).toBe('Staff now check in after field trips');

    // Held once: holding again is refused.
    const again = await t.call('POST', `/follow-ups/${planned.id}/held`, officer, {
      version: (held.json['version'] as number) ?? 0,
      heldAt: new Date().toISOString(),
      behaviourChange: 'none',
    });
    expect(again.status).toBe(409);
    expect(errorCode(again)).toBe('INVALID_STATE_TRANSITION');
  });

  it('refuses a follow-up for an engagement of another unit, and analysts altogether', async () => {
    const elsewhere = await t.createEngagement('desk-sahel');
    const res = await t.call('POST', `/engagements/${elsewhere.engagementId}/follow-ups`, officer, {
      kind: 'coaching-session',
      dueAt: new Date().toISOString(),
    });
    expect(res.status).toBe(404);
    expect(errorCode(res)).toBe('NOT_FOUND');
    const list = await t.call('GET', `/engagements/${elsewhere.engagementId}/follow-ups`, officer);
    expect(list.status).toBe(404);
    const otherOrg = await t.minter.defender('org-someone-else');
    const asDefender = await t.call(
      'GET',
      `/engagements/${engagement.engagementId}/follow-ups`,
      otherOrg,
    );
    expect(asDefender.status).toBe(404);
    const analyst = await t.call(
      'GET',
      `/engagements/${engagement.engagementId}/follow-ups`,
      await t.minter.analyst(),
    );
    expect(analyst.status).toBe(403);
    const bad = await t.call(
      'POST',
      `/engagements/${engagement.engagementId}/follow-ups`,
      officer,
      {
        kind: 'picnic',
        dueAt: 'tomorrow',
      },
    );
    expect(bad.status).toBe(400);
    expect(errorCode(bad)).toBe('VALIDATION_FAILED');
  });

  it('cancels and misses follow-ups with their events', async () => {
    const toCancel = await plan('staff-debate');
    const cancelled = await t.call('POST', `/follow-ups/${toCancel.id}/cancel`, officer, {
      version: toCancel.version,
      reason: 'security-situation',
    });
    expect(cancelled.json).toMatchObject({
      state: 'cancelled',
      cancellationReason: 'security-situation',
    });
    const toMiss = await plan('consultation');
    const missed = await t.call('POST', `/follow-ups/${toMiss.id}/missed`, officer, {
      version: toMiss.version,
    });
    expect(missed.json).toMatchObject({ state: 'missed' });
    await t.events.waitForType('coaching.follow-up.cancelled', engagement.engagementId);
    await t.events.waitForType('coaching.follow-up.missed', engagement.engagementId);
    const notDue = await plan('consultation', new Date(Date.now() + 86_400_000));
    const early = await t.call('POST', `/follow-ups/${notDue.id}/missed`, officer, {
      version: notDue.version,
    });
    expect(early.status).toBe(400);
  });

  it('alerts the program manager when a site-visit check-in is missed', async () => {
    const visit = await plan('site-visit', new Date(Date.now() + 3_600_000));
    const opened = await t.call('POST', `/follow-ups/${visit.id}/check-in`, officer, {
      version: visit.version,
      checkInDueAt: new Date(Date.now() + 1_500).toISOString(),
    });
    expect(opened.status).toBe(200);
    const checkInId = (opened.json as unknown as FollowUp).checkIn?.checkInId ?? '';
    await t.events.waitForType('coaching.site-visit.check-in-due', engagement.engagementId);

    const missed = await t.events.waitForType(
      'coaching.site-visit.check-in-missed',
      engagement.engagementId,
    );
    expect(missed.event.payload).toMatchObject({
      followUpId: visit.id,
      checkInId,
      officerId: engagement.leadOfficerId,
      programManagerId: engagement.programManagerId,
    });
    const alerts = await waitUntil(async () => {
      const inbox = (await t.call('GET', '/inbox', pm)).body as { id: string; kind: string }[];
      return inbox.length > 0 ? inbox : undefined;
    });
    expect(alerts).toEqual([
      expect.objectContaining({ id: `check-in-missed:${checkInId}`, kind: 'check-in-missed' }),
    ]);
    const after = await t.call('GET', `/follow-ups/${visit.id}`, officer);
    expect(after.json['checkIn']).toMatchObject({ state: 'missed' });

    // The officer is back: a late confirmation; no second alert.
    const confirmed = await t.call('POST', `/follow-ups/${visit.id}/check-in/confirm`, officer, {
      version: after.json['version'],
    });
    expect(confirmed.status).toBe(200);
    const event = await t.events.waitForType(
      'coaching.site-visit.check-in-confirmed',
      engagement.engagementId,
    );
    expect(event.event.payload).toMatchObject({ checkInId, late: true });
    expect(
      t.events.all('coaching.site-visit.check-in-missed', engagement.engagementId),
    ).toHaveLength(1);

    const onCoaching = await t.call(
      'POST',
      `/follow-ups/${(await plan('coaching-session')).id}/check-in`,
      officer,
      {
        version: 0,
        checkInDueAt: new Date(Date.now() + 60_000).toISOString(),
      },
    );
    expect(onCoaching.status).toBe(400);
  });

  it('makes the notes unreadable once the organisation is erased (crypto-shredding)', async () => {
    const erasedOrg = await t.createEngagement('desk-andes');
    const res = await t.call('POST', `/engagements/${erasedOrg.engagementId}/follow-ups`, officer, {
      kind: 'coaching-session',
      dueAt: new Date(Date.now() - 60_000).toISOString(),
    });
    const planned = res.json as unknown as FollowUp;
    const held = await t.call('POST', `/follow-ups/${planned.id}/held`, officer, {
      version: planned.version,
      heldAt: new Date().toISOString(),
      behaviourChange: 'none',
      notes: 'Safe house address discussed',
    });
    expect(held.status).toBe(200);
    await t.publish(
      t.topics.engagement,
      createEvent(OrganisationErasedV1, {
        actor: { kind: 'service', id: 'engagement-service' },
        organisationId: erasedOrg.organisationId,
        payload: { organisationId: erasedOrg.organisationId },
      }),
    );
    const gone = await waitUntil(async () => {
      const read = await t.call('GET', `/follow-ups/${planned.id}`, officer);
      return read.status === 410 ? read : undefined;
    });
    expect(errorCode(gone)).toBe('ORGANISATION_ERASED');
    expect(JSON.stringify(gone.body)).not.toContain('Safe house');
  });
});
