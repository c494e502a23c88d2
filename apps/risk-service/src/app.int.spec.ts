import { startRiskApp, type RiskTestApp } from './testing/risk-app.fixture';

describe('risk service application on the real servers', () => {
  const started: RiskTestApp[] = [];

  afterAll(async () => {
    for (const t of started.reverse()) await t.close().catch(() => undefined);
  });

  it('answers health checks and serves its OpenAPI document without a token; every route needs one', async () => {
    const t = await startRiskApp();
    started.push(t);
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
        '/threats',
        '/threats/{threatId}/steps/{step}',
        '/threats/{threatId}/vulnerabilities',
        '/threats/{threatId}/capacities',
        '/risk-assessments',
        '/risk-assessments/{riskAssessmentId}/suggestions',
        '/incidents',
        '/security-wheel/rounds',
        '/security-wheel/rounds/{roundId}/participants/{participantId}',
        '/security-plans',
        '/security-plans/{planId}/adopt',
      ]),
    );
    expect(paths['/security-plans/{planId}/adopt']?.['post']).toMatchObject({
      'x-roles': ['defender', 'admin'],
    });
    expect((await t.call('GET', '/threats?engagementId=x')).status).toBe(401);
  });

  it('publishes an incident written while no relay ran once a relay starts on the same data', async () => {
    const first = await startRiskApp({ OUTBOX_AUTOSTART: 'false' });
    const engagement = await first.engagement('tru');
    const defender = await first.minter.defender(engagement.organisationId);
    const reported = await first.call('POST', '/incidents', defender, {
      ...engagement,
      occurredAt: '2026-02-01T08:00:00.000Z',
      incidentType: 'killing',
      severity: 5,
      narrative: 'A member of the community council was shot.',
    });
    expect(reported.status).toBe(201);
    const id = reported.json['id'] as string;
    await new Promise((r) => setTimeout(r, 500));
    const pending = await first.db.collection('incidents').findOne({ _id: id as never });
    expect(pending?.['outbox']).toHaveLength(1);
    const eventId = (pending?.['outbox'] as { id: string }[])[0]?.id ?? '';
    expect(first.events.deliveries(eventId)).toHaveLength(0);
    await first.close({ keepData: true });

    const second = await startRiskApp({
      MONGO_DB: first.env['MONGO_DB'],
      KEYS_MONGO_DB: first.env['KEYS_MONGO_DB'],
      MASTER_KEYS: first.env['MASTER_KEYS'],
    });
    started.push(second);
    const received = await second.events.waitFor((r) => r.event.id === eventId);
    expect(received.event).toMatchObject({
      type: 'risk.incident.reported',
      payload: { incidentId: id, serious: true, incidentType: 'killing' },
    });
    const read = await second.call(
      'GET',
      `/incidents/${id}`,
      await second.minter.defender(engagement.organisationId),
    );
    expect(read.json['narrative']).toBe('A member of the community council was shot.');
  });
});
