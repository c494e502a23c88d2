import { startEngagementApp, type EngagementTestApp } from './testing/engagement-app.fixture';

describe('engagement service application on the real servers', () => {
  const started: EngagementTestApp[] = [];

  afterAll(async () => {
    for (const t of started.reverse()) await t.close().catch(() => undefined);
  });

  it('answers health checks and serves its OpenAPI document without a token', async () => {
    const t = await startEngagementApp();
    started.push(t);
    const live = await t.call('GET', '/health/live');
    expect(live.status).toBe(200);
    const ready = await t.call('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.json).toEqual({
      status: 'ok',
      checks: { mongodb: { status: 'up' }, kafka: { status: 'up' } },
    });
    const openapi = await t.call('GET', '/openapi.json');
    expect(openapi.status).toBe(200);
    const paths = openapi.json['paths'] as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/desks',
        '/desks/{deskId}',
        '/organisations',
        '/organisations/{organisationId}',
        '/engagements',
        '/engagements/{engagementId}',
      ]),
    );
    expect(paths['/desks']?.['post']).toMatchObject({ 'x-roles': ['admin'] });
    const unknownRoute = await t.call('GET', '/nothing-here', await t.minter.admin());
    expect(unknownRoute.status).toBe(404);
  });

  it('publishes an event written while no relay ran once a relay starts (nothing lost)', async () => {
    // First process: serves requests but does not relay (as if the relay died before publishing).
    const first = await startEngagementApp({ OUTBOX_AUTOSTART: 'false' });
    const created = await first.call('POST', '/desks', await first.minter.admin(), {
      id: 'desk-pending',
      name: 'Pending',
      countries: ['NP'],
    });
    expect(created.status).toBe(201);
    await new Promise((r) => setTimeout(r, 500));
    const pending = await first.db.collection('desks').findOne({ _id: 'desk-pending' as never });
    expect(pending?.['outbox']).toHaveLength(1);
    const eventId = (pending?.['outbox'] as { id: string }[])[0]?.id ?? '';
    expect(first.events.deliveries(eventId)).toHaveLength(0);
    await first.close({ keepData: true });

    // Second process on the same data, with its relay running.
    const second = await startEngagementApp({
      MONGO_DB: first.env['MONGO_DB'],
      KEYS_MONGO_DB: first.env['KEYS_MONGO_DB'],
      MASTER_KEYS: first.env['MASTER_KEYS'],
    });
    started.push(second);
    const received = await second.events.waitFor((r) => r.event.id === eventId);
    expect(received.key).toBe('desk-pending');
    expect(received.event.type).toBe('engagement.desk.created');
    await new Promise((r) => setTimeout(r, 300));
    expect(second.events.deliveries(eventId)).toHaveLength(1);
    const cleared = await second.db.collection('desks').findOne({ _id: 'desk-pending' as never });
    expect(cleared?.['outbox']).toEqual([]);
  });
});
