import {
  errorCode,
  startRiskApp,
  type RiskTestApp,
  type TestEngagement,
} from '../testing/risk-app.fixture';

const TITLE = 'Evacuation of the office after a raid warning';
const DESCRIPTION = 'Meeting point is the parish house; the focal point calls the lawyer.';

describe('security plans on the real servers', () => {
  let t: RiskTestApp;
  let officer: string;
  let defender: string;
  let engagement: TestEngagement;
  let threatId: string;
  let vulnerabilityId: string;
  let capacityId: string;
  let openThreatId: string;
  let foreignThreatId: string;
  let assessmentId: string;

  beforeAll(async () => {
    t = await startRiskApp();
    officer = await t.minter.protectionOfficer('desk-andes', 'officer-3');
    engagement = await t.engagement('desk-andes');
    defender = await t.minter.defender(engagement.organisationId, 'director-1');
    const threat = await t.call('POST', '/threats', officer, {
      ...engagement,
      threatType: 'raid-break-in',
      likelihood: 4,
      impact: 5,
      facts: 'Facts.',
    });
    threatId = threat.json['id'] as string;
    let version = threat.json['version'] as number;
    const put = async (
      path: string,
      body: Record<string, unknown>,
      method: 'PUT' | 'POST' = 'PUT',
    ) => {
      const res = await t.call(method, `/threats/${threatId}${path}`, officer, {
        version,
        ...body,
      });
      expect([200, 201]).toContain(res.status);
      version = res.json['version'] as number;
      return res;
    };
    await put('/steps/pattern', { narrative: 'Pattern.', isPattern: true });
    await put('/steps/objective', { narrative: 'Objective.' });
    await put('/steps/author', { narrative: 'Author.', sourceActorType: 'armed-group' });
    await put('/steps/conclusion', { narrative: 'Conclusion.', canBeCarriedOut: true });
    const v = await put(
      '/vulnerabilities',
      { category: 'geographical-physical-technical', description: 'Back door.', rating: 4 },
      'POST',
    );
    vulnerabilityId = (v.json['vulnerabilities'] as { id: string }[])[0]?.id ?? '';
    const c = await put(
      '/capacities',
      { category: 'social-organisational', description: 'Neighbours.', rating: 2 },
      'POST',
    );
    capacityId = (c.json['capacities'] as { id: string }[])[0]?.id ?? '';
    const assessment = await t.call('POST', '/risk-assessments', officer, {
      engagementId: engagement.engagementId,
      trigger: 'initial',
    });
    expect(assessment.status).toBe(201);
    assessmentId = assessment.json['id'] as string;
    // Recorded after the assessment: not part of it.
    const open = await t.call('POST', '/threats', officer, {
      ...engagement,
      threatType: 'harassment',
      likelihood: 2,
      impact: 2,
    });
    openThreatId = open.json['id'] as string;
    const other = await t.engagement('desk-andes');
    const foreign = await t.call('POST', '/threats', officer, {
      ...other,
      threatType: 'harassment',
      likelihood: 2,
      impact: 2,
    });
    foreignThreatId = foreign.json['id'] as string;
  }, 90_000);

  afterAll(async () => {
    await t?.close();
  });

  function items(overrides: Record<string, unknown>[] = []) {
    const base: Record<string, unknown>[] = [
      {
        kind: 'emergency-protocol',
        title: TITLE,
        description: DESCRIPTION,
        threatIds: [threatId],
        catalogueRefs: ['topic.office-security'],
        ownerRole: 'security-focal-point',
        dueDate: '2026-06-30',
        rehearsalCadence: 'P3M',
      },
      {
        kind: 'measure',
        title: 'Steel back door',
        vulnerabilityIds: [vulnerabilityId],
        ownerRole: 'leadership',
        dueDate: '2026-05-31',
      },
      {
        kind: 'policy',
        title: 'Neighbourhood alert network',
        capacityIds: [capacityId],
        ownerRole: 'staff',
        dueDate: '2026-07-31',
      },
    ];
    return base.map((item, i) => ({ ...item, ...(overrides[i] ?? {}) }));
  }

  it('refuses unknown catalogue items, another organisation’s threat, threats outside the assessment and protocols without cadence', async () => {
    const unknownRef = await t.call('POST', '/security-plans', officer, {
      riskAssessmentId: assessmentId,
      items: items([{ catalogueRefs: ['topic.no-such-topic'] }]),
    });
    expect(unknownRef.status).toBe(400);
    expect(errorCode(unknownRef)).toBe('UNKNOWN_CATALOGUE_ITEM');
    expect(JSON.stringify(unknownRef.json)).toContain('items.0.catalogueRefs.0');

    const foreign = await t.call('POST', '/security-plans', officer, {
      riskAssessmentId: assessmentId,
      items: items([{}, { threatIds: [foreignThreatId] }]),
    });
    expect(foreign.status).toBe(400);
    expect(errorCode(foreign)).toBe('CROSS_ORGANISATION_REFERENCE');
    expect(JSON.stringify(foreign.json)).toContain('items.1.threatIds.0');

    const outside = await t.call('POST', '/security-plans', officer, {
      riskAssessmentId: assessmentId,
      items: items([{ threatIds: [openThreatId] }]),
    });
    expect(outside.status).toBe(400);
    expect(errorCode(outside)).toBe('VALIDATION_FAILED');

    const noCadence = await t.call('POST', '/security-plans', officer, {
      riskAssessmentId: assessmentId,
      items: items([{ rehearsalCadence: undefined }]),
    });
    expect(noCadence.status).toBe(400);
    expect(JSON.stringify(noCadence.json)).toContain('rehearsalCadence');
    expect(await t.db.collection('security_plans').countDocuments({})).toBe(0);
  });

  it('builds a plan, moves items forward, has leadership adopt it, records rehearsals and keeps versions', async () => {
    const created = await t.call('POST', '/security-plans', officer, {
      riskAssessmentId: assessmentId,
      items: items(),
    });
    expect(created.status).toBe(201);
    const planId = created.json['id'] as string;
    const current = created.json['currentVersion'] as {
      planVersion: number;
      items: { id: string; kind: string; title: string; status: string }[];
    };
    expect(current.planVersion).toBe(1);
    expect(current.items[0]).toMatchObject({
      kind: 'emergency-protocol',
      title: TITLE,
      description: DESCRIPTION,
      status: 'planned',
      rehearsalCadence: 'P3M',
      catalogueRefs: ['topic.office-security'],
    });
    const [protocol, measure] = current.items;
    const raw = JSON.stringify(
      await t.db.collection('security_plans').findOne({ _id: planId as never }),
    );
    expect(raw).not.toContain(TITLE);
    expect(raw).not.toContain(DESCRIPTION);
    expect(
      (
        await t.call('POST', '/security-plans', officer, {
          riskAssessmentId: assessmentId,
          items: items(),
        })
      ).status,
    ).toBe(409);

    let version = created.json['version'] as number;
    const status = await t.call(
      'PUT',
      `/security-plans/${planId}/items/${measure?.id ?? ''}/status`,
      officer,
      {
        version,
        status: 'in-progress',
      },
    );
    expect(status.status).toBe(200);
    version = status.json['version'] as number;
    const statusEvent = await t.events.waitFor(
      (r) =>
        r.event.type === 'risk.security-plan.item-status-changed' &&
        r.event.payload['itemId'] === measure?.id,
    );
    expect(statusEvent.event.payload).toEqual({
      securityPlanId: planId,
      itemId: measure?.id,
      itemKind: 'measure',
      from: 'planned',
      to: 'in-progress',
    });
    const backwards = await t.call(
      'PUT',
      `/security-plans/${planId}/items/${measure?.id ?? ''}/status`,
      officer,
      {
        version,
        status: 'planned',
      },
    );
    expect(backwards.status).toBe(409);
    expect(errorCode(backwards)).toBe('INVALID_STATE_TRANSITION');

    const byOfficer = await t.call('POST', `/security-plans/${planId}/adopt`, officer, {
      version,
      adoptedByRole: 'leadership',
    });
    expect(byOfficer.status).toBe(403);
    const adopted = await t.call('POST', `/security-plans/${planId}/adopt`, defender, {
      version,
      adoptedByRole: 'leadership',
    });
    expect(adopted.status).toBe(200);
    expect(adopted.json['currentVersion']).toMatchObject({
      adopted: true,
      adoptedByRole: 'leadership',
    });
    version = adopted.json['version'] as number;
    const adoptedEvent = await t.events.waitFor(
      (r) =>
        r.event.type === 'risk.security-plan.adopted' &&
        r.event.payload['securityPlanId'] === planId,
    );
    expect(adoptedEvent.event).toMatchObject({
      actor: { kind: 'user', id: 'director-1', role: 'defender' },
      payload: {
        planVersion: 1,
        riskAssessmentId: assessmentId,
        itemCount: 3,
        itemCountsByKind: {
          policy: 1,
          'preventive-protocol': 0,
          'emergency-protocol': 1,
          measure: 1,
        },
        adoptedByRole: 'leadership',
        emergencyProtocols: [{ itemId: protocol?.id, rehearsalCadence: 'P3M' }],
      },
    });
    expect(adoptedEvent.value).not.toContain(TITLE);
    const again = await t.call('POST', `/security-plans/${planId}/adopt`, defender, {
      version,
      adoptedByRole: 'board',
    });
    expect(again.status).toBe(409);

    const rehearsal = await t.call(
      'POST',
      `/security-plans/${planId}/items/${protocol?.id ?? ''}/rehearsals`,
      defender,
      {
        version,
        rehearsedAt: '2026-04-01T09:00:00.000Z',
      },
    );
    expect(rehearsal.status).toBe(201);
    version = rehearsal.json['version'] as number;
    const rehearsed = await t.events.waitFor(
      (r) =>
        r.event.type === 'risk.emergency-protocol.rehearsed' &&
        r.event.payload['itemId'] === protocol?.id,
    );
    expect(rehearsed.event.payload).toEqual({
      securityPlanId: planId,
      itemId: protocol?.id,
      rehearsedAt: '2026-04-01T09:00:00.000Z',
    });
    const notAProtocol = await t.call(
      'POST',
      `/security-plans/${planId}/items/${measure?.id ?? ''}/rehearsals`,
      defender,
      {
        version,
        rehearsedAt: '2026-04-01T09:00:00.000Z',
      },
    );
    expect(notAProtocol.status).toBe(409);

    // Version 2: the measure keeps its progress, the protocol its rehearsal; a new item is added.
    const revised = await t.call('PUT', `/security-plans/${planId}`, officer, {
      version,
      items: [
        { ...items()[0], id: protocol?.id },
        { ...items()[1], id: measure?.id, title: 'Steel back door and bars' },
        {
          kind: 'preventive-protocol',
          title: 'Vary routes to the office',
          threatIds: [threatId],
          ownerRole: 'staff',
          dueDate: '2026-05-15',
          rehearsalCadence: 'P1M',
        },
      ],
    });
    expect(revised.status).toBe(200);
    const v2 = revised.json['currentVersion'] as {
      planVersion: number;
      adopted: boolean;
      items: Record<string, unknown>[];
    };
    expect(v2).toMatchObject({ planVersion: 2, adopted: false });
    expect(v2.items[0]).toMatchObject({
      id: protocol?.id,
      lastRehearsedAt: '2026-04-01T09:00:00.000Z',
    });
    expect(v2.items[1]).toMatchObject({
      id: measure?.id,
      status: 'in-progress',
      title: 'Steel back door and bars',
    });
    expect(v2.items[2]).toMatchObject({ kind: 'preventive-protocol', status: 'planned' });
    expect((revised.json['versions'] as unknown[]).length).toBe(2);
    const v1 = await t.call('GET', `/security-plans/${planId}/versions/1`, officer);
    expect(v1.json).toMatchObject({ planVersion: 1, adopted: true });
    expect((v1.json['items'] as { title: string }[])[1]?.title).toBe('Steel back door');
    const listed = await t.call(
      'GET',
      `/security-plans?engagementId=${engagement.engagementId}`,
      defender,
    );
    expect((listed.body as { id: string }[]).map((p) => p.id)).toEqual([planId]);
    expect((await t.call('GET', `/security-plans/${planId}/versions/3`, officer)).status).toBe(404);
  });
});
