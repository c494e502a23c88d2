import {
  errorCode,
  startEngagementApp,
  type EngagementTestApp,
} from '../testing/engagement-app.fixture';

describe('engagements on the real servers', () => {
  let t: EngagementTestApp;
  let admin: string;
  let pmAndes: string;
  let pmTru: string;
  let orgCo: string;
  let orgKe: string;

  async function register(token: string, country: string): Promise<string> {
    const res = await t.call('POST', '/organisations', token, {
      name: `Organisation in ${country}`,
      contacts: [],
      country,
      setting: 'urban',
      focusAreas: ['lgbti'],
      size: 'medium',
    });
    expect(res.status).toBe(201);
    return res.json['id'] as string;
  }

  beforeAll(async () => {
    t = await startEngagementApp();
    admin = await t.minter.admin('admin-1');
    pmAndes = await t.minter.programManager('desk-andes', 'pm-andes');
    pmTru = await t.minter.programManager('tru', 'pm-tru');
    const desk = await t.call('POST', '/desks', admin, {
      id: 'desk-andes',
      name: 'Andes',
      countries: ['CO', 'PE'],
    });
    expect(desk.status).toBe(201);
    orgCo = await register(pmAndes, 'CO');
    orgKe = await register(pmTru, 'KE');
  });

  afterAll(async () => {
    await t?.close();
  });

  it('routes an engagement to the desk covering the country and publishes engagement.engagement.created', async () => {
    const res = await t.call('POST', '/engagements', pmAndes, {
      organisationId: orgCo,
      leadOfficerId: 'officer-7',
    });
    expect(res.status).toBe(201);
    const id = res.json['id'] as string;
    expect(res.json).toMatchObject({
      organisationId: orgCo,
      unitId: 'desk-andes',
      routedTo: { kind: 'desk', deskId: 'desk-andes' },
      country: 'CO',
      setting: 'urban',
      focusAreas: ['lgbti'],
      phase: 'agreement',
      programManagerId: 'pm-andes',
      leadOfficerId: 'officer-7',
      version: 0,
    });

    const received = await t.events.waitForType('engagement.engagement.created', id);
    expect(received.event).toMatchObject({
      engagementId: id,
      organisationId: orgCo,
      unitId: 'desk-andes',
      actor: { kind: 'user', id: 'pm-andes', role: 'program-manager' },
      payload: {
        engagementId: id,
        organisationId: orgCo,
        unitId: 'desk-andes',
        routedTo: { kind: 'desk', deskId: 'desk-andes' },
        country: 'CO',
        programManagerId: 'pm-andes',
        leadOfficerId: 'officer-7',
      },
    });
    expect(received.value).not.toContain('Organisation in');
  });

  it('routes an organisation outside every desk to the TRU', async () => {
    const res = await t.call('POST', '/engagements', pmTru, { organisationId: orgKe });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ unitId: 'tru', routedTo: { kind: 'tru' } });
    const received = await t.events.waitForType(
      'engagement.engagement.created',
      res.json['id'] as string,
    );
    expect(received.event.payload).toMatchObject({ unitId: 'tru', routedTo: { kind: 'tru' } });
  });

  it('refuses engagements outside the program manager\u2019s unit, and callers who may not open any', async () => {
    const otherUnit = await t.call('POST', '/engagements', pmAndes, { organisationId: orgKe });
    expect(otherUnit.status).toBe(404);
    const unknown = await t.call('POST', '/engagements', pmAndes, {
      organisationId: 'no-such-org',
    });
    expect(unknown.status).toBe(404);
    const officer = await t.call(
      'POST',
      '/engagements',
      await t.minter.protectionOfficer('desk-andes'),
      { organisationId: orgCo },
    );
    expect(officer.status).toBe(403);
    const defender = await t.call('POST', '/engagements', await t.minter.defender(orgCo), {
      organisationId: orgCo,
    });
    expect(defender.status).toBe(403);
    const forOther = await t.call('POST', '/engagements', pmAndes, {
      organisationId: orgCo,
      programManagerId: 'someone-else',
    });
    expect(forOther.status).toBe(403);
  });

  it('lets an admin open an engagement for a named program manager only', async () => {
    const missing = await t.call('POST', '/engagements', admin, { organisationId: orgCo });
    expect(missing.status).toBe(400);
    expect(missing.json['error']).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [{ path: 'programManagerId' }],
    });
    const res = await t.call('POST', '/engagements', admin, {
      organisationId: orgCo,
      programManagerId: 'pm-andes',
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ unitId: 'desk-andes', programManagerId: 'pm-andes' });
    const bad = await t.call('POST', '/engagements', admin, { organisationId: 'has spaces' });
    expect(bad.status).toBe(400);
    expect(errorCode(bad)).toBe('VALIDATION_FAILED');
  });

  it('shows officers their unit\u2019s engagements and defenders their organisation\u2019s only', async () => {
    const andes = await t.call('POST', '/engagements', pmAndes, { organisationId: orgCo });
    const tru = await t.call('POST', '/engagements', pmTru, { organisationId: orgKe });
    const andesId = andes.json['id'] as string;
    const truId = tru.json['id'] as string;

    const officerAndes = await t.minter.protectionOfficer('desk-andes');
    const officerTru = await t.minter.protectionOfficer('tru');
    const andesList = (await t.call('GET', '/engagements', officerAndes)).body as {
      id: string;
      unitId: string;
    }[];
    expect(andesList.map((e) => e.id)).toContain(andesId);
    expect(andesList.every((e) => e.unitId === 'desk-andes')).toBe(true);
    const truList = (await t.call('GET', '/engagements', officerTru)).body as {
      id: string;
      unitId: string;
    }[];
    expect(truList.map((e) => e.id)).toContain(truId);
    expect(truList.every((e) => e.unitId === 'tru')).toBe(true);

    expect((await t.call('GET', `/engagements/${andesId}`, officerAndes)).status).toBe(200);
    expect((await t.call('GET', `/engagements/${andesId}`, officerTru)).status).toBe(404);

    const defenderCo = await t.minter.defender(orgCo);
    const own = (await t.call('GET', '/engagements', defenderCo)).body as {
      organisationId: string;
    }[];
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((e) => e.organisationId === orgCo)).toBe(true);
    expect((await t.call('GET', `/engagements/${andesId}`, defenderCo)).status).toBe(200);
    expect((await t.call('GET', `/engagements/${truId}`, defenderCo)).status).toBe(404);

    const filtered = (await t.call('GET', `/engagements?organisationId=${orgKe}`, admin)).body as {
      organisationId: string;
    }[];
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.every((e) => e.organisationId === orgKe)).toBe(true);

    expect((await t.call('GET', '/engagements', await t.minter.analyst())).status).toBe(403);
    expect((await t.call('GET', '/engagements?unitId=x', admin)).status).toBe(400);
  });

  it('assigns a lead officer within the unit, publishing lead-officer-assigned', async () => {
    const created = await t.call('POST', '/engagements', pmAndes, {
      organisationId: orgCo,
      leadOfficerId: 'officer-1',
    });
    const id = created.json['id'] as string;
    const url = `/engagements/${id}/lead-officer`;
    const res = await t.call('PUT', url, pmAndes, { leadOfficerId: 'officer-2', version: 0 });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ leadOfficerId: 'officer-2', version: 1 });
    const received = await t.events.waitForType('engagement.engagement.lead-officer-assigned', id);
    expect(received.event.payload).toEqual({
      leadOfficerId: 'officer-2',
      previousLeadOfficerId: 'officer-1',
    });
    const same = await t.call('PUT', url, pmAndes, { leadOfficerId: 'officer-2', version: 1 });
    expect(same.json).toMatchObject({ version: 1 });
    const stale = await t.call('PUT', url, pmAndes, { leadOfficerId: 'officer-3', version: 0 });
    expect(stale.status).toBe(409);
    expect(errorCode(stale)).toBe('VERSION_CONFLICT');
    const otherUnit = await t.call('PUT', url, pmTru, { leadOfficerId: 'officer-3', version: 1 });
    expect(otherUnit.status).toBe(404);
    const officer = await t.call('PUT', url, await t.minter.protectionOfficer('desk-andes'), {
      leadOfficerId: 'officer-3',
      version: 1,
    });
    expect(officer.status).toBe(403);
  });

  it('changes the phase only through the internal endpoint, once per requestId', async () => {
    const created = await t.call('POST', '/engagements', pmAndes, { organisationId: orgCo });
    const id = created.json['id'] as string;
    const orchestrator = await t.minter.service('orchestrator');
    const url = `/internal/engagements/${id}/phase`;
    const request = {
      requestId: `wf-${id}-1`,
      phase: 'implementation',
      expectedPhase: 'agreement',
      reason: 'agreement-activated',
    };

    const res = await t.call('PUT', url, orchestrator, request);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id, phase: 'implementation', version: 1 });
    const received = await t.events.waitForType('engagement.engagement.phase-changed', id);
    expect(received.event).toMatchObject({
      engagementId: id,
      organisationId: orgCo,
      unitId: 'desk-andes',
      actor: { kind: 'service', id: 'orchestrator' },
      payload: { from: 'agreement', to: 'implementation', reason: 'agreement-activated' },
    });

    // A retried activity: same answer, no second change or event.
    const again = await t.call('PUT', url, orchestrator, request);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ phase: 'implementation', version: 1 });
    await new Promise((r) => setTimeout(r, 300));
    const changes = t.events
      .all()
      .filter((r) => r.key === id && r.event.type === 'engagement.engagement.phase-changed');
    expect(changes).toHaveLength(1);

    const wrongExpectation = await t.call('PUT', url, orchestrator, {
      ...request,
      requestId: `wf-${id}-2`,
      phase: 'follow-up',
      reason: 'implementation-completed',
    });
    expect(wrongExpectation.status).toBe(409);
    expect(errorCode(wrongExpectation)).toBe('INVALID_STATE_TRANSITION');

    const byAdmin = await t.call('PUT', url, admin, { ...request, requestId: 'admin-1' });
    expect(byAdmin.status).toBe(403);
    const unknown = await t.call('PUT', '/internal/engagements/nope/phase', orchestrator, request);
    expect(unknown.status).toBe(404);
    const invalid = await t.call('PUT', url, orchestrator, { ...request, phase: 'done' });
    expect(invalid.status).toBe(400);
    expect(errorCode(invalid)).toBe('VALIDATION_FAILED');
    // There is no public way to set the phase.
    const publicPhase = await t.call('PUT', `/engagements/${id}/phase`, pmAndes, request);
    expect(publicPhase.status).toBe(404);
  });

  it('keeps existing engagements where they are when a desk stops covering the country', async () => {
    const before = await t.call('POST', '/engagements', pmAndes, { organisationId: orgCo });
    const id = before.json['id'] as string;
    const desk = await t.call('GET', '/desks/desk-andes', admin);
    const update = await t.call('PUT', '/desks/desk-andes', admin, {
      name: 'Andes',
      countries: ['PE'],
      version: desk.json['version'],
    });
    expect(update.status).toBe(200);

    const after = await t.call('GET', `/engagements/${id}`, admin);
    expect(after.json).toMatchObject({ unitId: 'desk-andes', routedTo: { kind: 'desk' } });
    // New engagements of CO now go to the TRU.
    const fresh = await t.call('POST', '/engagements', pmTru, { organisationId: orgCo });
    expect(fresh.status).toBe(201);
    expect(fresh.json).toMatchObject({ unitId: 'tru', routedTo: { kind: 'tru' } });
  });
});
