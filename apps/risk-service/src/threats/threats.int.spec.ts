import {
  errorCode,
  startRiskApp,
  type RiskTestApp,
  type TestEngagement,
} from '../testing/risk-app.fixture';

const FACTS = 'Two men on a motorbike photographed the office entrance on 3 March.';
const PATTERN = 'Third time this month, always after the community radio broadcast.';
const OBJECTIVE = 'To stop the land-rights complaint from going ahead.';
const AUTHOR = 'Likely the private security of the palm oil company.';
const CONCLUSION = 'They have the means and have acted on similar threats before.';
const VULNERABILITY = 'The office has no lock on the back door.';
const CAPACITY = 'Good relations with the regional ombudsman office.';

describe('threats and risk assessments on the real servers', () => {
  let t: RiskTestApp;
  let officer: string;
  let engagement: TestEngagement;
  let other: TestEngagement;

  beforeAll(async () => {
    t = await startRiskApp();
    officer = await t.minter.protectionOfficer('desk-andes', 'officer-1');
    engagement = await t.engagement('desk-andes');
    other = await t.engagement('desk-andes');
  }, 90_000);

  afterAll(async () => {
    await t?.close();
  });

  async function createThreat(body: Record<string, unknown> = {}): Promise<string> {
    const res = await t.call('POST', '/threats', officer, {
      ...engagement,
      threatType: 'surveillance',
      likelihood: 4,
      impact: 4,
      facts: FACTS,
      ...body,
    });
    expect(res.status).toBe(201);
    return res.json['id'] as string;
  }

  async function step(id: string, name: string, body: Record<string, unknown>) {
    const current = await t.call('GET', `/threats/${id}`, officer);
    return t.call('PUT', `/threats/${id}/steps/${name}`, officer, {
      version: current.json['version'],
      ...body,
    });
  }

  async function conclude(id: string): Promise<void> {
    expect((await step(id, 'pattern', { narrative: PATTERN, isPattern: true })).status).toBe(200);
    expect((await step(id, 'objective', { narrative: OBJECTIVE })).status).toBe(200);
    expect(
      (await step(id, 'author', { narrative: AUTHOR, sourceActorType: 'private-security' })).status,
    ).toBe(200);
    expect(
      (await step(id, 'conclusion', { narrative: CONCLUSION, canBeCarriedOut: true })).status,
    ).toBe(200);
  }

  async function addFactor(id: string, kind: string, category: string, rating: number) {
    const current = await t.call('GET', `/threats/${id}`, officer);
    const res = await t.call('POST', `/threats/${id}/${kind}`, officer, {
      version: current.json['version'],
      category,
      description: kind === 'vulnerabilities' ? VULNERABILITY : CAPACITY,
      rating,
    });
    expect(res.status).toBe(201);
    return res;
  }

  it('records the five steps in order, publishes risk.threat.assessed without narrative and stores no clear text', async () => {
    const id = await createThreat();
    const created = await t.call('GET', `/threats/${id}`, officer);
    expect(created.json).toMatchObject({
      ...engagement,
      threatType: 'surveillance',
      steps: { facts: { narrative: FACTS, recordedBy: 'officer-1' } },
      nextStep: 'pattern',
      concluded: false,
      // No factor yet: V = 3 (unknown), C = 1 (none) → 16 × 3 / 1 = 48.
      risk: { score: 48, level: 'critical', vulnerabilitiesMissing: true, capacitiesMissing: true },
    });

    await addFactor(id, 'vulnerabilities', 'geographical-physical-technical', 4);
    await addFactor(id, 'capacities', 'legal-political', 2);
    await conclude(id);

    const received = await t.events.waitForType('risk.threat.assessed', engagement.engagementId);
    expect(received.event).toMatchObject({
      engagementId: engagement.engagementId,
      organisationId: engagement.organisationId,
      unitId: 'desk-andes',
      actor: { kind: 'user', id: 'officer-1', role: 'protection-officer' },
      payload: {
        threatId: id,
        threatType: 'surveillance',
        sourceActorType: 'private-security',
        likelihood: 4,
        impact: 4,
        canBeCarriedOut: true,
        vulnerabilityCategories: ['geographical-physical-technical'],
        capacityCategories: ['legal-political'],
      },
    });
    for (const text of [FACTS, PATTERN, OBJECTIVE, AUTHOR, CONCLUSION, VULNERABILITY, CAPACITY]) {
      expect(received.value).not.toContain(text);
    }

    const view = await t.call('GET', `/threats/${id}`, officer);
    expect(view.json).toMatchObject({
      concluded: true,
      steps: {
        pattern: { narrative: PATTERN, isPattern: true, incidentIds: [] },
        author: { narrative: AUTHOR, sourceActorType: 'private-security' },
        conclusion: { narrative: CONCLUSION, canBeCarriedOut: true },
      },
      vulnerabilities: [
        { category: 'geographical-physical-technical', description: VULNERABILITY },
      ],
      capacities: [{ category: 'legal-political', description: CAPACITY }],
      // 16 × 4 / 2 = 32
      risk: { score: 32, level: 'high' },
    });

    // Re-rating a concluded threat re-publishes its assessment with the new ratings.
    const rated = await t.call('PUT', `/threats/${id}/rating`, officer, {
      version: view.json['version'],
      likelihood: 5,
      impact: 4,
    });
    expect(rated.status).toBe(200);
    // 20 × 4 / 2 = 40: the lower bound of critical.
    expect(rated.json['risk']).toMatchObject({ score: 40, level: 'critical' });
    const reassessed = await t.events.waitFor(
      (r) =>
        r.event.type === 'risk.threat.assessed' &&
        r.event.payload['threatId'] === id &&
        r.event.payload['likelihood'] === 5,
    );
    expect(reassessed.event.payload).toMatchObject({ impact: 4, canBeCarriedOut: true });
    const stale = await t.call('PUT', `/threats/${id}/rating`, officer, {
      version: view.json['version'],
      likelihood: 1,
      impact: 1,
    });
    expect(stale.status).toBe(409);
    expect(errorCode(stale)).toBe('VERSION_CONFLICT');

    const raw = JSON.stringify(await t.db.collection('threats').findOne({ _id: id as never }));
    for (const text of [FACTS, PATTERN, OBJECTIVE, AUTHOR, CONCLUSION, VULNERABILITY, CAPACITY]) {
      expect(raw).not.toContain(text);
    }
    expect(raw).toContain('"ct"');
  });

  it('replaces a vulnerability or capacity, so its risk follows the organisation’s progress', async () => {
    const id = await createThreat({ likelihood: 3, impact: 3 });
    const added = await addFactor(id, 'vulnerabilities', 'information-management', 5);
    const factorId = (added.json['vulnerabilities'] as { id: string }[])[0]?.id ?? '';
    // 9 × 5 / 1 = 45 critical.
    expect(added.json['risk']).toMatchObject({ score: 45, level: 'critical' });
    const replaced = await t.call('PUT', `/threats/${id}/vulnerabilities/${factorId}`, officer, {
      version: added.json['version'],
      category: 'information-management',
      description: 'Files now encrypted, but passwords are shared.',
      rating: 2,
    });
    expect(replaced.status).toBe(200);
    expect(replaced.json['vulnerabilities']).toEqual([
      {
        id: factorId,
        category: 'information-management',
        description: 'Files now encrypted, but passwords are shared.',
        rating: 2,
      },
    ]);
    // 9 × 2 / 1 = 18 high.
    expect(replaced.json['risk']).toMatchObject({ score: 18, level: 'high' });
    const raw = JSON.stringify(await t.db.collection('threats').findOne({ _id: id as never }));
    expect(raw).not.toContain('passwords are shared');
    const unknown = await t.call('PUT', `/threats/${id}/capacities/${factorId}`, officer, {
      version: replaced.json['version'],
      category: 'information-management',
      description: 'x',
      rating: 2,
    });
    expect(unknown.status).toBe(404);
    const badKind = await t.call('PUT', `/threats/${id}/weaknesses/${factorId}`, officer, {
      version: replaced.json['version'],
      category: 'information-management',
      description: 'x',
      rating: 2,
    });
    expect(badKind.status).toBe(400);
  });

  it('refuses the author step before facts, pattern and objective with 409 STEP_OUT_OF_ORDER', async () => {
    const id = await createThreat({ facts: undefined });
    const author = await step(id, 'author', { narrative: AUTHOR, sourceActorType: 'unknown' });
    expect(author.status).toBe(409);
    expect(errorCode(author)).toBe('STEP_OUT_OF_ORDER');
    expect(JSON.stringify(author.json)).toContain('facts, pattern, objective');
    const pattern = await step(id, 'pattern', { narrative: PATTERN, isPattern: false });
    expect(pattern.status).toBe(409);
    const conclusion = await step(id, 'conclusion', {
      narrative: CONCLUSION,
      canBeCarriedOut: true,
    });
    expect(errorCode(conclusion)).toBe('STEP_OUT_OF_ORDER');
    const stored = await t.db.collection('threats').findOne({ _id: id as never });
    expect(stored?.['steps']).toEqual({});
  });

  it('answers ratings out of range and unknown threat types with 400 naming the fields', async () => {
    const bad = await t.call('POST', '/threats', officer, {
      ...engagement,
      threatType: 'alien-invasion',
      likelihood: 0,
      impact: 6,
    });
    expect(bad.status).toBe(400);
    expect(errorCode(bad)).toBe('VALIDATION_FAILED');
    const fields = (bad.json['error'] as { fields: { path: string }[] }).fields.map((f) => f.path);
    expect(fields).toEqual(expect.arrayContaining(['threatType', 'likelihood', 'impact']));

    const id = await createThreat();
    const factor = await t.call('POST', `/threats/${id}/vulnerabilities`, officer, {
      version: 0,
      category: 'psychological',
      description: VULNERABILITY,
      rating: 7,
    });
    expect(factor.status).toBe(400);
    expect(JSON.stringify(factor.json)).toContain('rating');
    expect(JSON.stringify(factor.json)).not.toContain(VULNERABILITY);
    const badStep = await step(id, 'pattern', { narrative: PATTERN });
    expect(badStep.status).toBe(400);
    expect(JSON.stringify(badStep.json)).toContain('isPattern');
  });

  it('refuses records for engagements it does not know or the caller may not access', async () => {
    const unknown = await t.call('POST', '/threats', officer, {
      engagementId: 'no-such-engagement',
      organisationId: engagement.organisationId,
      unitId: 'desk-andes',
      threatType: 'harassment',
      likelihood: 2,
      impact: 2,
    });
    expect(unknown.status).toBe(404);
    const otherUnit = await t.call(
      'POST',
      '/threats',
      await t.minter.protectionOfficer('desk-sahel'),
      { ...engagement, threatType: 'harassment', likelihood: 2, impact: 2 },
    );
    expect(otherUnit.status).toBe(404);
    const wrongOrganisation = await t.call('POST', '/threats', officer, {
      ...engagement,
      organisationId: other.organisationId,
      threatType: 'harassment',
      likelihood: 2,
      impact: 2,
    });
    expect(wrongOrganisation.status).toBe(400);
    expect(errorCode(wrongOrganisation)).toBe('CROSS_ORGANISATION_REFERENCE');
    const analyst = await t.call(
      'GET',
      `/threats?engagementId=${engagement.engagementId}`,
      await t.minter.analyst(),
    );
    expect(analyst.status).toBe(403);
    const foreignDefender = await t.call(
      'GET',
      `/threats?engagementId=${engagement.engagementId}`,
      await t.minter.defender(other.organisationId),
    );
    expect(foreignDefender.status).toBe(200);
    expect(foreignDefender.body).toEqual([]);
    const ownDefender = await t.call(
      'GET',
      `/threats?engagementId=${engagement.engagementId}`,
      await t.minter.defender(engagement.organisationId),
    );
    expect(ownDefender.status).toBe(200);
    expect((ownDefender.body as unknown[]).length).toBeGreaterThan(0);
  });

  it('assesses risk per threat and overall with a matrix, compares with the previous assessment and publishes risk.assessment.completed', async () => {
    const own = await t.engagement('desk-andes');
    const make = async (threatType: string, likelihood: number, impact: number) => {
      const res = await t.call('POST', '/threats', officer, {
        ...own,
        threatType,
        likelihood,
        impact,
        facts: FACTS,
      });
      expect(res.status).toBe(201);
      return res.json['id'] as string;
    };
    const high = await make('raid-break-in', 5, 4);
    const low = await make('online-harassment', 2, 2);

    const notConcluded = await t.call('POST', '/risk-assessments', officer, {
      engagementId: own.engagementId,
      trigger: 'initial',
    });
    expect(notConcluded.status).toBe(409);
    expect(errorCode(notConcluded)).toBe('STEP_OUT_OF_ORDER');

    for (const id of [high, low]) {
      await conclude(id);
    }
    await addFactor(high, 'vulnerabilities', 'geographical-physical-technical', 4);
    await addFactor(low, 'vulnerabilities', 'information-management', 2);
    await addFactor(low, 'capacities', 'information-management', 4);

    const first = await t.call('POST', '/risk-assessments', officer, {
      engagementId: own.engagementId,
      trigger: 'initial',
    });
    expect(first.status).toBe(201);
    // high: 20 × 4 / 1 (no capacity) = 80 critical; low: 4 × 2 / 4 = 2 low.
    const threats = first.json['threats'] as { threatId: string; score: number; level: string }[];
    expect(threats.find((x) => x.threatId === high)).toMatchObject({
      score: 80,
      level: 'critical',
      capacitiesMissing: true,
    });
    expect(threats.find((x) => x.threatId === low)).toMatchObject({ score: 2, level: 'low' });
    expect(first.json).toMatchObject({
      overallScore: 80,
      overallLevel: 'critical',
      trigger: 'initial',
    });
    const matrix = first.json['matrix'] as {
      likelihood: number;
      impact: number;
      threatIds: string[];
    }[][];
    expect(matrix[0]?.[3]).toMatchObject({ likelihood: 5, impact: 4, threatIds: [high] });
    expect(matrix[3]?.[1]).toMatchObject({ likelihood: 2, impact: 2, threatIds: [low] });
    expect(first.json['changes']).toBeUndefined();
    const firstId = first.json['id'] as string;

    const completed = await t.events.waitFor(
      (r) =>
        r.event.type === 'risk.assessment.completed' &&
        r.event.payload['riskAssessmentId'] === firstId,
    );
    expect(completed.event).toMatchObject({
      engagementId: own.engagementId,
      payload: {
        trigger: 'initial',
        overallScore: 80,
        overallLevel: 'critical',
        triggeringIncidentIds: [],
      },
    });
    expect(completed.value).not.toContain(FACTS);

    const suggestions = await t.call('GET', `/risk-assessments/${firstId}/suggestions`, officer);
    expect(suggestions.status).toBe(200);
    const perThreat = suggestions.json['threats'] as {
      threatId: string;
      items: { catalogueRef: string }[];
    }[];
    expect(perThreat.map((s) => s.threatId)).toEqual([high]);
    expect(perThreat[0]?.items.length).toBeGreaterThan(0);

    // A capacity against the raid lowers its risk; the next assessment shows the change.
    await addFactor(high, 'capacities', 'social-organisational', 4);
    const second = await t.call('POST', '/risk-assessments', officer, {
      engagementId: own.engagementId,
      trigger: 'periodic',
    });
    expect(second.status).toBe(201);
    expect(second.json['previousRiskAssessmentId']).toBe(firstId);
    const changes = second.json['changes'] as { threatId: string; trend: string; score: number }[];
    expect(changes.find((c) => c.threatId === high)).toMatchObject({
      trend: 'down',
      previousScore: 80,
      score: 20,
      level: 'high',
    });
    expect(changes.find((c) => c.threatId === low)).toMatchObject({ trend: 'unchanged' });
    const secondEvent = await t.events.waitFor(
      (r) =>
        r.event.type === 'risk.assessment.completed' &&
        r.event.payload['riskAssessmentId'] === second.json['id'],
    );
    expect(secondEvent.event.payload).toMatchObject({ previousRiskAssessmentId: firstId });

    const listed = await t.call(
      'GET',
      `/risk-assessments?engagementId=${own.engagementId}`,
      officer,
    );
    expect((listed.body as { id: string }[]).map((a) => a.id)).toEqual([
      second.json['id'],
      firstId,
    ]);
    const read = await t.call('GET', `/risk-assessments/${firstId}`, officer);
    expect(read.json).toMatchObject({ id: firstId, overallLevel: 'critical' });
    const rawAssessment = JSON.stringify(
      await t.db.collection('risk_assessments').findOne({ _id: firstId as never }),
    );
    expect(rawAssessment).not.toContain(VULNERABILITY);
    expect(rawAssessment).not.toContain(FACTS);
  });

  it('refuses an after-incident assessment without incidents and one for threats of another organisation', async () => {
    const noIncident = await t.call('POST', '/risk-assessments', officer, {
      engagementId: engagement.engagementId,
      trigger: 'after-incident',
    });
    expect(noIncident.status).toBe(400);
    expect(JSON.stringify(noIncident.json)).toContain('triggeringIncidentIds');
    const foreign = await t.call('POST', '/threats', officer, {
      ...other,
      threatType: 'smear-campaign',
      likelihood: 3,
      impact: 3,
    });
    const crossed = await t.call('POST', '/risk-assessments', officer, {
      engagementId: engagement.engagementId,
      trigger: 'update',
      threatIds: [foreign.json['id']],
    });
    expect(crossed.status).toBe(400);
    expect(errorCode(crossed)).toBe('CROSS_ORGANISATION_REFERENCE');
  });
});
