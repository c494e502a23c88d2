import { startTrainingApp, type TrainingTestApp } from './testing/training-app.fixture';

describe('training service application on the real servers', () => {
  let t: TrainingTestApp;
  const started: TrainingTestApp[] = [];

  beforeAll(async () => {
    t = await startTrainingApp();
  }, 90_000);

  afterAll(async () => {
    await t?.close();
    for (const s of started.reverse()) await s.close().catch(() => undefined);
  });

  it('answers health checks and serves its OpenAPI document without a token; other routes need one', async () => {
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
        '/catalogue',
        '/catalogue/{itemId}',
        '/training-plans',
        '/training-plans/{planId}/items/{planItemId}',
        '/sessions',
        '/sessions/{sessionId}/reschedule',
        '/sessions/{sessionId}/participants',
        '/sessions/{sessionId}/hold',
        '/sessions/{sessionId}/cancel',
        '/cascades',
        '/cascades/lineage',
        '/cascades/{cascadeId}/verify',
        '/calendar/feeds',
        '/calendar/feeds/{file}',
      ]),
    );
    expect(paths['/cascades/{cascadeId}/verify']?.['post']).toMatchObject({
      'x-roles': ['admin', 'program-manager', 'protection-officer'],
    });
    expect((await t.call('GET', '/sessions?engagementId=x')).status).toBe(401);
    expect((await t.call('GET', '/catalogue')).status).toBe(401);
  });

  it('publishes a session scheduled while no relay ran once a relay starts on the same data', async () => {
    const first = await startTrainingApp({ OUTBOX_AUTOSTART: 'false' });
    const engagement = await first.engagement('tru');
    const officer = await first.minter.protectionOfficer('tru', 'officer-relay');
    const start = Date.now() + 2 * 86_400_000;
    const scheduled = await first.call('POST', '/sessions', officer, {
      engagementId: engagement.engagementId,
      moduleIds: ['training-module.introduction-to-security-and-protection'],
      level: 'basic',
      mode: 'remote',
      facilitatorId: 'officer-relay',
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(start + 3_600_000).toISOString(),
    });
    expect(scheduled.status).toBe(201);
    const id = scheduled.json['id'] as string;
    await new Promise((r) => setTimeout(r, 500));
    const pending = await first.db.collection('sessions').findOne({ _id: id as never });
    expect(pending?.['outbox']).toHaveLength(1);
    const eventId = (pending?.['outbox'] as { id: string }[])[0]?.id ?? '';
    expect(first.events.deliveries(eventId)).toHaveLength(0);
    await first.close({ keepData: true });

    const second = await startTrainingApp({
      MONGO_DB: first.env['MONGO_DB'],
      KEYS_MONGO_DB: first.env['KEYS_MONGO_DB'],
      MASTER_KEYS: first.env['MASTER_KEYS'],
    });
    started.push(second);
    const received = await second.events.waitFor((r) => r.event.id === eventId);
    expect(received.event).toMatchObject({
      type: 'training.session.scheduled',
      payload: { sessionId: id, facilitatorId: 'officer-relay' },
    });
  });
});
