import {
  escalationRaised,
  startCoachingApp,
  waitUntil,
  type CoachingTestApp,
} from './testing/coaching-app.fixture';

describe('coaching service application on the real servers', () => {
  let t: CoachingTestApp;

  beforeAll(async () => {
    t = await startCoachingApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('answers health checks and serves its OpenAPI document without a token', async () => {
    expect((await t.call('GET', '/health/live')).status).toBe(200);
    const ready = await t.call('GET', '/health/ready');
    expect(ready.json).toEqual({
      status: 'ok',
      checks: { mongodb: { status: 'up' }, kafka: { status: 'up' } },
    });
    const openapi = await t.call('GET', '/openapi.json');
    expect(openapi.status).toBe(200);
    const paths = openapi.json['paths'] as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/inbox',
        '/inbox/unread-count',
        '/inbox/{notificationId}/read',
        '/me/notification-settings',
        '/engagements/{engagementId}/follow-ups',
        '/follow-ups/{followUpId}/held',
        '/follow-ups/{followUpId}/check-in',
        '/engagements/{engagementId}/autonomy-reviews',
        '/autonomy-reviews/{reviewId}/milestones/{milestoneId}/verify',
        '/autonomy-reviews/{reviewId}/record',
        '/engagements/{engagementId}/timeline',
      ]),
    );
    expect((await t.call('GET', '/inbox')).status).toBe(401);
  });

  it('makes an escalation of a site-visit check-in the same alert as the watchdog raises', async () => {
    const engagement = await t.createEngagement('tru');
    const base = escalationRaised(engagement, {
      escalationId: 'esc-check-in-1',
      programManagerId: engagement.programManagerId,
    });
    const payload = base['payload'] as Record<string, unknown>;
    const event = {
      ...base,
      payload: { ...payload, obligationKind: 'site-visit-check-in', subjectId: 'check-in-42' },
    };
    await t.publish(t.topics.reminders, event);
    const pm = await t.minter.programManager('tru', engagement.programManagerId);
    const inbox = await waitUntil(async () => {
      const list = (await t.call('GET', '/inbox', pm)).body as { id: string; kind: string }[];
      return list.length > 0 ? list : undefined;
    });
    expect(inbox).toEqual([
      expect.objectContaining({ id: 'check-in-missed:check-in-42', kind: 'check-in-missed' }),
    ]);
  });
});
