import {
  errorCode,
  startRiskApp,
  type RiskTestApp,
  type TestEngagement,
} from '../testing/risk-app.fixture';

const NARRATIVE = 'Armed men broke into the office at night and took the laptops with case files.';
const MINOR = 'A stranger asked the receptionist about the director’s schedule.';

describe('incident register on the real servers', () => {
  let t: RiskTestApp;
  let defender: string;
  let engagement: TestEngagement;
  let other: TestEngagement;
  let threatId: string;
  let foreignThreatId: string;

  beforeAll(async () => {
    t = await startRiskApp();
    engagement = await t.engagement('tru');
    other = await t.engagement('tru');
    defender = await t.minter.defender(engagement.organisationId, 'defender-1');
    const threat = await t.call('POST', '/threats', defender, {
      ...engagement,
      threatType: 'raid-break-in',
      likelihood: 3,
      impact: 5,
    });
    expect(threat.status).toBe(201);
    threatId = threat.json['id'] as string;
    const foreign = await t.call(
      'POST',
      '/threats',
      await t.minter.defender(other.organisationId),
      {
        ...other,
        threatType: 'harassment',
        likelihood: 2,
        impact: 2,
      },
    );
    foreignThreatId = foreign.json['id'] as string;
  }, 90_000);

  afterAll(async () => {
    await t?.close();
  });

  it('registers a serious incident, publishes risk.incident.reported (serious, no narrative) and stores the narrative encrypted', async () => {
    const res = await t.call('POST', '/incidents', defender, {
      ...engagement,
      occurredAt: '2026-03-02T22:30:00.000Z',
      incidentType: 'raid-break-in',
      severity: 4,
      narrative: NARRATIVE,
      linkedThreatIds: [threatId],
    });
    expect(res.status).toBe(201);
    const id = res.json['id'] as string;
    expect(res.json).toMatchObject({
      serious: true,
      narrative: NARRATIVE,
      linkedThreatIds: [threatId],
      reportedBy: 'defender-1',
    });

    const received = await t.events.waitFor(
      (r) => r.event.type === 'risk.incident.reported' && r.event.payload['incidentId'] === id,
    );
    expect(received.key).toBe(engagement.engagementId);
    expect(received.event).toMatchObject({
      organisationId: engagement.organisationId,
      unitId: 'tru',
      actor: { kind: 'user', id: 'defender-1', role: 'defender' },
      payload: {
        incidentType: 'raid-break-in',
        severity: 4,
        serious: true,
        occurredAt: '2026-03-02T22:30:00.000Z',
        linkedThreatIds: [threatId],
      },
    });
    expect(received.value).not.toContain('laptops');

    const raw = JSON.stringify(await t.db.collection('incidents').findOne({ _id: id as never }));
    expect(raw).not.toContain('laptops');
    expect(raw).toContain('"ct"');

    // The incident can be evidence for the pattern step of the threat, and triggers an
    // after-incident assessment.
    const threat = await t.call('GET', `/threats/${threatId}`, defender);
    const withFacts = await t.call('PUT', `/threats/${threatId}/steps/facts`, defender, {
      version: threat.json['version'],
      narrative: 'Facts of the raid.',
    });
    const pattern = await t.call('PUT', `/threats/${threatId}/steps/pattern`, defender, {
      version: withFacts.json['version'],
      narrative: 'Second raid this year.',
      isPattern: true,
      incidentIds: [id],
    });
    expect(pattern.status).toBe(200);
    expect(pattern.json['steps']).toMatchObject({ pattern: { incidentIds: [id] } });
  });

  it('publishes a minor incident as not serious', async () => {
    const res = await t.call('POST', '/incidents', defender, {
      ...engagement,
      occurredAt: '2026-03-05T10:00:00.000Z',
      incidentType: 'surveillance',
      severity: 2,
      narrative: MINOR,
    });
    expect(res.status).toBe(201);
    const received = await t.events.waitFor(
      (r) =>
        r.event.type === 'risk.incident.reported' &&
        r.event.payload['incidentId'] === res.json['id'],
    );
    expect(received.event.payload).toMatchObject({
      serious: false,
      severity: 2,
      linkedThreatIds: [],
    });
    const listed = await t.call(
      'GET',
      `/incidents?engagementId=${engagement.engagementId}`,
      defender,
    );
    expect((listed.body as { occurredAt: string }[]).map((i) => i.occurredAt)).toEqual([
      '2026-03-05T10:00:00.000Z',
      '2026-03-02T22:30:00.000Z',
    ]);
    const one = await t.call('GET', `/incidents/${res.json['id'] as string}`, defender);
    expect(one.json).toMatchObject({ narrative: MINOR, serious: false });
  });

  it('refuses bad incidents: severity out of range, future dates, another organisation’s threat, unknown threats', async () => {
    const base = {
      ...engagement,
      occurredAt: '2026-03-05T10:00:00.000Z',
      incidentType: 'harassment',
      severity: 3,
      narrative: MINOR,
    };
    const severity = await t.call('POST', '/incidents', defender, { ...base, severity: 6 });
    expect(severity.status).toBe(400);
    expect(errorCode(severity)).toBe('VALIDATION_FAILED');
    const future = await t.call('POST', '/incidents', defender, {
      ...base,
      occurredAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(future.status).toBe(400);
    const foreign = await t.call('POST', '/incidents', defender, {
      ...base,
      linkedThreatIds: [foreignThreatId],
    });
    expect(foreign.status).toBe(400);
    expect(errorCode(foreign)).toBe('CROSS_ORGANISATION_REFERENCE');
    const unknown = await t.call('POST', '/incidents', defender, {
      ...base,
      linkedThreatIds: ['no-such-threat'],
    });
    expect(unknown.status).toBe(400);
    expect(errorCode(unknown)).toBe('VALIDATION_FAILED');
    const otherOrganisation = await t.call('POST', '/incidents', defender, { ...base, ...other });
    expect(otherOrganisation.status).toBe(404);
    expect(await t.db.collection('incidents').countDocuments({ severity: 3 })).toBe(0);
  });
});
