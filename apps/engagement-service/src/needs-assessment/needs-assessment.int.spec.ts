import { findCatalogueItem } from '@trellis/catalogue';
import { SECURITY_WHEEL_SPOKES } from '@trellis/contracts';
import {
  errorCode,
  startEngagementApp,
  type EngagementTestApp,
} from '../testing/engagement-app.fixture';

interface SuggestionBody {
  catalogueId: string;
  reasons: string[];
}

const allSpokes = (score: number) =>
  Object.fromEntries(SECURITY_WHEEL_SPOKES.map((s) => [s, score])) as Record<string, number>;

const capacities = {
  focalPointDesignated: false,
  riskAssessmentDone: false,
  securityPlanExists: false,
  incidentsRecorded: false,
  previousTraining: 'none',
};

function manualsOf(suggestions: SuggestionBody[]): Set<string | undefined> {
  return new Set(suggestions.map((s) => findCatalogueItem(s.catalogueId)?.sourceManual));
}

describe('needs assessment on the real servers', () => {
  let t: EngagementTestApp;
  let pmAndes: string;
  let orgLgbti: string;
  let orgRural: string;
  let engagementLgbti: string;
  let engagementRural: string;

  async function register(body: Record<string, unknown>): Promise<string> {
    const res = await t.call('POST', '/organisations', pmAndes, {
      name: 'Colectiva',
      contacts: [],
      country: 'CO',
      size: 'small',
      ...body,
    });
    expect(res.status).toBe(201);
    return res.json['id'] as string;
  }

  async function engagementFor(organisationId: string): Promise<string> {
    const res = await t.call('POST', '/engagements', pmAndes, { organisationId });
    expect(res.status).toBe(201);
    return res.json['id'] as string;
  }

  beforeAll(async () => {
    t = await startEngagementApp();
    const admin = await t.minter.admin('admin-1');
    pmAndes = await t.minter.programManager('desk-andes', 'pm-andes');
    const desk = await t.call('POST', '/desks', admin, {
      id: 'desk-andes',
      name: 'Andes',
      countries: ['CO'],
    });
    expect(desk.status).toBe(201);
    orgLgbti = await register({ setting: 'urban', focusAreas: ['lgbti'] });
    orgRural = await register({ setting: 'rural', focusAreas: ['land-environment'] });
    engagementLgbti = await engagementFor(orgLgbti);
    engagementRural = await engagementFor(orgRural);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('averages the participants’ scores, suggests LGBTI manual items for an LGBTI-focused organisation and publishes needs-assessment.recorded', async () => {
    const url = `/engagements/${engagementLgbti}/needs-assessment`;
    const res = await t.call('POST', url, pmAndes, {
      participantScores: [allSpokes(0), { ...allSpokes(1), training: 2 }],
      capacities,
      threatTypes: ['online-harassment', 'social-rejection'],
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      engagementId: engagementLgbti,
      organisationId: orgLgbti,
      unitId: 'desk-andes',
      participantCount: 2,
      profile: { focusAreas: ['lgbti'], setting: 'urban' },
      suggestedLevel: 'basic',
      recordedBy: 'pm-andes',
    });
    expect(res.json['spokeScores']).toMatchObject({ training: 1, evaluation: 0.5 });
    const interventions = res.json['suggestedInterventions'] as SuggestionBody[];
    const modules = res.json['suggestedTrainingModules'] as SuggestionBody[];
    expect(manualsOf(interventions)).toContain('lgbti');
    expect(manualsOf(interventions)).not.toContain('rural');
    expect(manualsOf(modules)).toContain('lgbti');
    const lgbti = interventions.find(
      (s) => findCatalogueItem(s.catalogueId)?.sourceManual === 'lgbti',
    );
    expect(lgbti?.reasons.join(' ')).toMatch(/LGBTI/);

    const received = await t.events.waitForType(
      'engagement.needs-assessment.recorded',
      engagementLgbti,
    );
    expect(received.event).toMatchObject({
      engagementId: engagementLgbti,
      organisationId: orgLgbti,
      unitId: 'desk-andes',
      actor: { kind: 'user', id: 'pm-andes', role: 'program-manager' },
      payload: {
        needsAssessmentId: res.json['id'],
        suggestedLevel: 'basic',
        spokeScores: res.json['spokeScores'],
      },
    });
    const ids = (received.event.payload as { suggestedCatalogueIds: string[] })
      .suggestedCatalogueIds;
    expect(ids).toEqual(
      expect.arrayContaining([...interventions, ...modules].map((s) => s.catalogueId)),
    );
    expect(received.value).not.toContain('Colectiva');
  });

  it('suggests the rural guide’s items (and no LGBTI ones) for a rural organisation, from the means', async () => {
    const officer = await t.minter.protectionOfficer('desk-andes', 'officer-1');
    const res = await t.call('POST', `/engagements/${engagementRural}/needs-assessment`, officer, {
      spokeScores: { ...allSpokes(1), 'security-planning': 0.5 },
      capacities: { ...capacities, focalPointDesignated: true },
      threatTypes: ['forced-displacement', 'physical-attack'],
    });
    expect(res.status).toBe(201);
    expect(res.json).not.toHaveProperty('participantCount');
    expect(res.json['profile']).toEqual({ focusAreas: ['land-environment'], setting: 'rural' });
    const interventions = res.json['suggestedInterventions'] as SuggestionBody[];
    expect(manualsOf(interventions)).toContain('rural');
    expect(manualsOf(interventions)).not.toContain('lgbti');
    expect(manualsOf(res.json['suggestedTrainingModules'] as SuggestionBody[])).not.toContain(
      'lgbti',
    );
    const received = await t.events.waitForType(
      'engagement.needs-assessment.recorded',
      engagementRural,
    );
    expect(received.event.actor).toEqual({
      kind: 'user',
      id: 'officer-1',
      role: 'protection-officer',
    });
  });

  it('keeps one baseline per engagement (409 CONFLICT) and lets the organisation’s defenders read it', async () => {
    const url = `/engagements/${engagementLgbti}/needs-assessment`;
    const again = await t.call('POST', url, pmAndes, {
      spokeScores: allSpokes(2),
      capacities,
      threatTypes: [],
    });
    expect(again.status).toBe(409);
    expect(errorCode(again)).toBe('CONFLICT');

    const own = await t.call('GET', url, await t.minter.defender(orgLgbti));
    expect(own.status).toBe(200);
    expect(own.json).toMatchObject({ engagementId: engagementLgbti, participantCount: 2 });
    expect((await t.call('GET', url, await t.minter.defender(orgRural))).status).toBe(404);
    expect((await t.call('GET', url, await t.minter.protectionOfficer('tru'))).status).toBe(404);
    expect((await t.call('GET', url, await t.minter.analyst())).status).toBe(403);
  });

  it('refuses callers who may not record it and invalid baselines', async () => {
    const fresh = await engagementFor(orgLgbti);
    const url = `/engagements/${fresh}/needs-assessment`;
    const body = { spokeScores: allSpokes(2), capacities, threatTypes: [] };
    expect((await t.call('GET', url, pmAndes)).status).toBe(404);
    expect((await t.call('POST', url, await t.minter.defender(orgLgbti), body)).status).toBe(403);
    expect((await t.call('POST', url, await t.minter.analyst(), body)).status).toBe(403);
    expect(
      (await t.call('POST', url, await t.minter.programManager('tru', 'pm-tru'), body)).status,
    ).toBe(404);
    expect((await t.call('POST', '/engagements/nope/needs-assessment', pmAndes, body)).status).toBe(
      404,
    );

    const both = await t.call('POST', url, pmAndes, {
      ...body,
      participantScores: [allSpokes(1)],
    });
    expect(both.status).toBe(400);
    expect(both.json['error']).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [{ path: 'spokeScores' }],
    });
    const outOfRange = await t.call('POST', url, pmAndes, {
      participantScores: [{ ...allSpokes(1), training: 5 }],
      capacities,
      threatTypes: ['not-a-threat'],
    });
    expect(outOfRange.status).toBe(400);
    expect(outOfRange.json['error']).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: expect.arrayContaining([
        expect.objectContaining({ path: 'participantScores.0.training' }),
        expect.objectContaining({ path: 'threatTypes.0' }),
      ]),
    });
    const missingSpoke = await t.call('POST', url, pmAndes, {
      ...body,
      spokeScores: { training: 2 },
    });
    expect(missingSpoke.status).toBe(400);
    // Nothing was stored by the refused requests.
    expect((await t.call('GET', url, pmAndes)).status).toBe(404);
  });
});
