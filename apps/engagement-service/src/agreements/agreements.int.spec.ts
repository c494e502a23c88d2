import { SECURITY_WHEEL_SPOKES } from '@trellis/contracts';
import {
  errorCode,
  startEngagementApp,
  type EngagementTestApp,
} from '../testing/engagement-app.fixture';

const RATIONALE = 'Chosen because the collective was doxxed after the march';

/** Valid terms (with MIN_CADENCE=PT1H): LGBTI manual items, one training module. */
function termsInput(overrides: Record<string, unknown> = {}) {
  return {
    programManagerId: 'pm-andes',
    leadOfficerId: 'officer-1',
    interventions: [
      {
        interventionId: 'int-1',
        kind: 'method',
        catalogueRef: 'method.lgbti-allies-mapping',
        priority: 'high',
        targetDate: '2027-06-30',
        rationale: RATIONALE,
      },
      {
        interventionId: 'int-2',
        kind: 'measure',
        catalogueRef: 'measure.online-profile-hardening',
        priority: 'medium',
        targetDate: '2027-09-30',
      },
    ],
    trainingPlan: {
      items: [
        {
          planItemId: 'pi-1',
          moduleIds: ['training-module.lgbti-online-safety'],
          level: 'basic',
          dueAt: '2027-03-15T17:00:00.000Z',
        },
      ],
    },
    riskAssessmentDueAt: '2027-04-01T17:00:00.000Z',
    securityPlanDueAt: '2027-06-01T17:00:00.000Z',
    coachingCadence: 'P1M',
    coachingCadenceBounds: { shortest: 'P2W', longest: 'P3M' },
    autonomyReviewCadence: 'P3M',
    reminderLeadTime: 'P3D',
    escalationGracePeriod: 'P7D',
    reassessmentAfterSeriousIncident: 'P14D',
    plannedDuration: 'P18M',
    postClosureCheckInAfter: 'P6M',
    autonomyGoals: {
      targetLevel: 3,
      milestoneIds: ['focal-point-designated'],
      cascadeTarget: { verifiedCascades: 1, reach: 10 },
    },
    ...overrides,
  };
}

interface VersionSummaryBody {
  version: number;
  status: string;
  signatures: { party: string; signerId: string }[];
}

describe('agreements on the real servers', () => {
  let t: EngagementTestApp;
  let pmAndes: string;
  let officerAndes: string;
  let orgCo: string;
  let orgOther: string;
  let defenderCo: string;

  async function register(name: string): Promise<string> {
    const res = await t.call('POST', '/organisations', pmAndes, {
      name,
      contacts: [],
      country: 'CO',
      setting: 'urban',
      focusAreas: ['lgbti'],
      size: 'small',
    });
    expect(res.status).toBe(201);
    return res.json['id'] as string;
  }

  async function newEngagement(): Promise<string> {
    const res = await t.call('POST', '/engagements', pmAndes, { organisationId: orgCo });
    expect(res.status).toBe(201);
    return res.json['id'] as string;
  }

  /** An engagement whose agreement version 1 is drafted and proposed. */
  async function proposed(): Promise<{ id: string; base: string }> {
    const id = await newEngagement();
    const base = `/engagements/${id}/agreements`;
    expect((await t.call('POST', base, pmAndes, { terms: termsInput() })).status).toBe(201);
    expect((await t.call('POST', `${base}/versions/1/propose`, pmAndes)).status).toBe(200);
    return { id, base };
  }

  async function signBoth(base: string, version: number): Promise<void> {
    const url = `${base}/versions/${version}/sign`;
    expect((await t.call('POST', url, officerAndes)).status).toBe(200);
    const second = await t.call('POST', url, defenderCo);
    expect(second.status).toBe(200);
    expect(second.json['status']).toBe('signed');
  }

  beforeAll(async () => {
    t = await startEngagementApp({ MIN_CADENCE: 'PT1H' });
    const admin = await t.minter.admin('admin-1');
    pmAndes = await t.minter.programManager('desk-andes', 'pm-andes');
    officerAndes = await t.minter.protectionOfficer('desk-andes', 'officer-1');
    const desk = await t.call('POST', '/desks', admin, {
      id: 'desk-andes',
      name: 'Andes',
      countries: ['CO'],
    });
    expect(desk.status).toBe(201);
    orgCo = await register('Colectiva Diversa');
    orgOther = await register('Otra Organización');
    defenderCo = await t.minter.defender(orgCo, 'defender-co');
  });

  afterAll(async () => {
    await t?.close();
  });

  it('drafts, proposes, is signed by both parties and activates version 1, each step published', async () => {
    const id = await newEngagement();
    const base = `/engagements/${id}/agreements`;

    const created = await t.call('POST', base, pmAndes, { terms: termsInput() });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      engagementId: id,
      version: 1,
      status: 'draft',
      signatures: [],
      createdBy: 'pm-andes',
      terms: { interventions: [{ interventionId: 'int-1', rationale: RATIONALE }, {}] },
    });
    const agreementId = created.json['agreementId'] as string;
    const drafted = await t.events.waitForType('engagement.agreement.drafted', id);
    expect(drafted.event).toMatchObject({
      engagementId: id,
      organisationId: orgCo,
      unitId: 'desk-andes',
      payload: { agreementId, agreementVersion: 1 },
    });

    // The rationale is encrypted at rest and never leaves in an event.
    const raw = await t.db.collection('agreements').findOne({ _id: id as never });
    expect(JSON.stringify(raw)).not.toContain('doxxed');
    expect(raw?.['versions'][0].rationales).toMatchObject({ v: 1, ct: expect.any(String) });

    const edited = await t.call('PUT', `${base}/versions/1`, pmAndes, {
      terms: termsInput({ plannedDuration: 'P24M' }),
    });
    expect(edited.status).toBe(200);
    expect(edited.json).toMatchObject({ status: 'draft', terms: { plannedDuration: 'P24M' } });

    const proposedRes = await t.call('POST', `${base}/versions/1/propose`, pmAndes);
    expect(proposedRes.status).toBe(200);
    expect(proposedRes.json).toMatchObject({ status: 'proposed', proposedAt: expect.any(String) });
    await t.events.waitForType('engagement.agreement.proposed', id);

    const byOfficer = await t.call('POST', `${base}/versions/1/sign`, officerAndes);
    expect(byOfficer.status).toBe(200);
    expect(byOfficer.json).toMatchObject({
      status: 'proposed',
      signatures: [{ party: 'protection-organisation', signerId: 'officer-1' }],
    });
    const samePartyAgain = await t.call('POST', `${base}/versions/1/sign`, pmAndes);
    expect(samePartyAgain.status).toBe(409);
    expect(errorCode(samePartyAgain)).toBe('INVALID_STATE_TRANSITION');
    const otherOrganisation = await t.call(
      'POST',
      `${base}/versions/1/sign`,
      await t.minter.defender(orgOther, 'defender-other'),
    );
    expect(otherOrganisation.status).toBe(403);
    expect(errorCode(otherOrganisation)).toBe('FORBIDDEN');
    const tooEarly = await t.call('POST', `${base}/versions/1/activate`, pmAndes);
    expect(tooEarly.status).toBe(409);
    expect(errorCode(tooEarly)).toBe('INVALID_STATE_TRANSITION');

    const byDefender = await t.call('POST', `${base}/versions/1/sign`, defenderCo);
    expect(byDefender.status).toBe(200);
    expect(byDefender.json['status']).toBe('signed');
    const signedEvents = await t.events.waitFor(
      (r) =>
        r.key === id &&
        r.event.type === 'engagement.agreement.signed' &&
        (r.event.payload as { fullySigned: boolean }).fullySigned,
    );
    expect(signedEvents.event).toMatchObject({
      actor: { kind: 'user', id: 'defender-co', role: 'defender' },
      payload: {
        agreementId,
        agreementVersion: 1,
        party: 'defender-organisation',
        signerId: 'defender-co',
        fullySigned: true,
      },
    });

    const activated = await t.call('POST', `${base}/versions/1/activate`, pmAndes);
    expect(activated.status).toBe(200);
    expect(activated.json).toMatchObject({ status: 'active', activatedAt: expect.any(String) });
    const activatedEvent = await t.events.waitForType('engagement.agreement.activated', id);
    expect(activatedEvent.event.payload).toMatchObject({
      agreementId,
      agreementVersion: 1,
      terms: { plannedDuration: 'P24M', coachingCadence: 'P1M' },
    });
    expect(activatedEvent.value).not.toContain('rationale');
    expect(activatedEvent.value).not.toContain('doxxed');

    const list = await t.call('GET', base, defenderCo);
    expect(list.status).toBe(200);
    expect(list.json).toMatchObject({ agreementId, activeVersion: 1, latestVersion: 1 });
    const versions = list.json['versions'] as VersionSummaryBody[];
    expect(versions).toHaveLength(1);
    expect(versions[0]?.signatures.map((s) => s.party).sort()).toEqual([
      'defender-organisation',
      'protection-organisation',
    ]);
    const one = await t.call('GET', `${base}/versions/1`, officerAndes);
    expect(one.json).toMatchObject({ version: 1, status: 'active' });
  });

  it('amends only the active version; activating v2 supersedes v1 in one update and publishes amended', async () => {
    const { id, base } = await proposed();
    await signBoth(base, 1);
    expect((await t.call('POST', `${base}/versions/1/activate`, pmAndes)).status).toBe(200);

    const amendment = await t.call('POST', `${base}/versions/1/amendments`, pmAndes, {
      terms: termsInput({ coachingCadence: 'P6W' }),
    });
    expect(amendment.status).toBe(201);
    expect(amendment.json).toMatchObject({
      version: 2,
      status: 'draft',
      amendsVersion: 1,
      terms: { coachingCadence: 'P6W' },
    });
    await t.events.waitFor(
      (r) =>
        r.key === id &&
        r.event.type === 'engagement.agreement.drafted' &&
        (r.event.payload as { agreementVersion: number }).agreementVersion === 2,
    );
    const drafted = t.events
      .all()
      .find(
        (r) =>
          r.key === id &&
          r.event.type === 'engagement.agreement.drafted' &&
          (r.event.payload as { agreementVersion: number }).agreementVersion === 2,
      );
    expect(drafted?.event.payload).toMatchObject({ agreementVersion: 2, basedOnVersion: 1 });

    const amendDraft = await t.call('POST', `${base}/versions/2/amendments`, pmAndes, {});
    expect(amendDraft.status).toBe(409);
    expect(errorCode(amendDraft)).toBe('INVALID_STATE_TRANSITION');
    const secondOpen = await t.call('POST', `${base}/versions/1/amendments`, pmAndes, {});
    expect(secondOpen.status).toBe(409);
    expect(errorCode(secondOpen)).toBe('INVALID_STATE_TRANSITION');

    expect((await t.call('POST', `${base}/versions/2/propose`, pmAndes)).status).toBe(200);
    const amendProposed = await t.call('POST', `${base}/versions/2/amendments`, pmAndes, {});
    expect(amendProposed.status).toBe(409);
    expect(errorCode(amendProposed)).toBe('INVALID_STATE_TRANSITION');
    await signBoth(base, 2);

    const activated = await t.call('POST', `${base}/versions/2/activate`, pmAndes);
    expect(activated.status).toBe(200);
    expect(activated.json).toMatchObject({ version: 2, status: 'active' });
    const list = await t.call('GET', base, pmAndes);
    expect(list.json).toMatchObject({ activeVersion: 2, latestVersion: 2 });
    expect(
      (list.json['versions'] as VersionSummaryBody[]).map((v) => [v.version, v.status]),
    ).toEqual([
      [1, 'superseded'],
      [2, 'active'],
    ]);
    const amended = await t.events.waitForType('engagement.agreement.amended', id);
    expect(amended.event.payload).toMatchObject({
      agreementVersion: 2,
      previousVersion: 1,
      changedSections: ['cadences'],
      terms: { coachingCadence: 'P6W' },
    });
    // v1 was activated once; v2 is an amendment, not a second activation.
    expect(
      t.events
        .all()
        .filter((r) => r.key === id && r.event.type === 'engagement.agreement.activated'),
    ).toHaveLength(1);

    const diff = await t.call('GET', `${base}/diff?from=1&to=2`, defenderCo);
    expect(diff.status).toBe(200);
    expect(diff.json).toEqual({
      from: 1,
      to: 2,
      changedSections: ['cadences'],
      changes: [{ path: 'coachingCadence', before: 'P1M', after: 'P6W' }],
    });
    expect((await t.call('GET', `${base}/diff?from=1&to=9`, pmAndes)).status).toBe(404);
    expect((await t.call('GET', `${base}/diff?from=x&to=2`, pmAndes)).status).toBe(400);

    // An amendment that changes nothing cannot be proposed.
    const copy = await t.call('POST', `${base}/versions/2/amendments`, pmAndes, {});
    expect(copy.status).toBe(201);
    expect(copy.json).toMatchObject({
      version: 3,
      amendsVersion: 2,
      terms: { coachingCadence: 'P6W', interventions: [{ rationale: RATIONALE }, {}] },
    });
    const unchanged = await t.call('POST', `${base}/versions/3/propose`, pmAndes);
    expect(unchanged.status).toBe(409);
    expect(errorCode(unchanged)).toBe('CONFLICT');
  });

  it('answers bad terms with stable codes and the failing field', async () => {
    const id = await newEngagement();
    const base = `/engagements/${id}/agreements`;
    const unknownItem = await t.call('POST', base, pmAndes, {
      terms: termsInput({
        interventions: [
          {
            interventionId: 'int-1',
            kind: 'method',
            catalogueRef: 'method.no-such-thing',
            priority: 'high',
            targetDate: '2027-06-30',
          },
        ],
      }),
    });
    expect(unknownItem.status).toBe(400);
    expect(unknownItem.json['error']).toMatchObject({
      code: 'UNKNOWN_CATALOGUE_ITEM',
      fields: [{ path: 'terms.interventions.0.catalogueRef' }],
    });
    const unknownModule = await t.call('POST', base, pmAndes, {
      terms: termsInput({
        trainingPlan: {
          items: [
            {
              planItemId: 'pi-1',
              moduleIds: ['method.lgbti-allies-mapping'],
              level: 'basic',
              dueAt: '2027-03-15T17:00:00.000Z',
            },
          ],
        },
      }),
    });
    expect(unknownModule.json['error']).toMatchObject({
      code: 'UNKNOWN_CATALOGUE_ITEM',
      fields: [{ path: 'terms.trainingPlan.items.0.moduleIds.0' }],
    });
    const tooShort = await t.call('POST', base, pmAndes, {
      terms: termsInput({ reminderLeadTime: 'PT30M' }),
    });
    expect(tooShort.status).toBe(400);
    expect(tooShort.json['error']).toMatchObject({
      code: 'DURATION_TOO_SHORT',
      fields: [{ path: 'terms.reminderLeadTime', message: 'must be at least PT1H' }],
    });
    const invalid = await t.call('POST', base, pmAndes, {
      terms: termsInput({ escalationGracePeriod: 'one week' }),
    });
    expect(invalid.status).toBe(400);
    expect(invalid.json['error']).toMatchObject({
      code: 'INVALID_DURATION',
      fields: [{ path: 'terms.escalationGracePeriod' }],
    });
    const other = await t.call('POST', base, pmAndes, {
      terms: termsInput({ escalationGracePeriod: 'one week', leadOfficerId: 'has spaces' }),
    });
    expect(other.json['error']).toMatchObject({ code: 'VALIDATION_FAILED' });
    const malformed = await t.call('POST', base, pmAndes, '{"terms": ');
    expect(malformed.status).toBe(400);
    expect(errorCode(malformed)).toBe('MALFORMED_JSON');
    // Nothing was stored; then a valid draft is, once.
    expect((await t.call('GET', base, pmAndes)).status).toBe(404);
    expect((await t.call('POST', base, pmAndes, { terms: termsInput() })).status).toBe(201);
    const second = await t.call('POST', base, pmAndes, { terms: termsInput() });
    expect(second.status).toBe(409);
    expect(errorCode(second)).toBe('CONFLICT');
    const badEdit = await t.call('PUT', `${base}/versions/1`, pmAndes, {
      terms: termsInput({ coachingCadence: 'P1X' }),
    });
    expect(badEdit.status).toBe(400);
    expect(errorCode(badEdit)).toBe('INVALID_DURATION');
  });

  it('withdraws a proposal back to draft, and edits drafts only', async () => {
    const { id, base } = await proposed();
    expect((await t.call('POST', `${base}/versions/1/sign`, defenderCo)).status).toBe(200);
    const editProposed = await t.call('PUT', `${base}/versions/1`, pmAndes, {
      terms: termsInput(),
    });
    expect(editProposed.status).toBe(409);
    expect(errorCode(editProposed)).toBe('INVALID_STATE_TRANSITION');

    const withdrawn = await t.call('POST', `${base}/versions/1/withdraw`, pmAndes);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.json).toMatchObject({ status: 'draft', signatures: [] });
    expect(withdrawn.json).not.toHaveProperty('proposedAt');
    const withdrawnEvent = await t.events.waitForType('engagement.agreement.withdrawn', id);
    expect(withdrawnEvent.event.payload).toEqual({
      agreementId: expect.any(String),
      agreementVersion: 1,
    });
    const twice = await t.call('POST', `${base}/versions/1/withdraw`, pmAndes);
    expect(twice.status).toBe(409);
    expect(
      (await t.call('PUT', `${base}/versions/1`, pmAndes, { terms: termsInput() })).status,
    ).toBe(200);
    const revised = await t.events.waitForType('engagement.agreement.revised', id);
    expect(revised.event.payload).toMatchObject({ agreementVersion: 1, changedSections: [] });
    expect((await t.call('POST', `${base}/versions/7/propose`, pmAndes)).status).toBe(404);
  });

  it('lets program managers manage, unit staff and the organisation’s defenders read and sign, and nobody else', async () => {
    const { base } = await proposed();
    const analyst = await t.minter.analyst();
    const officerTru = await t.minter.protectionOfficer('tru', 'officer-tru');
    const pmTru = await t.minter.programManager('tru', 'pm-tru');
    const defenderOther = await t.minter.defender(orgOther);

    expect((await t.call('GET', base, analyst)).status).toBe(403);
    expect((await t.call('GET', `${base}/versions/1`, analyst)).status).toBe(403);
    expect((await t.call('GET', base, officerTru)).status).toBe(404);
    expect((await t.call('GET', base, defenderOther)).status).toBe(404);
    expect((await t.call('GET', `${base}/versions/1`, defenderCo)).status).toBe(200);

    expect((await t.call('POST', `${base}/versions/1/withdraw`, officerAndes)).status).toBe(403);
    expect((await t.call('POST', `${base}/versions/1/withdraw`, defenderCo)).status).toBe(403);
    expect((await t.call('POST', `${base}/versions/1/withdraw`, pmTru)).status).toBe(404);
    expect((await t.call('POST', `${base}/versions/1/sign`, officerTru)).status).toBe(404);
    expect((await t.call('POST', `${base}/versions/1/sign`, analyst)).status).toBe(403);
    expect(
      (await t.call('POST', `${base}/versions/1/sign`, await t.minter.admin('admin-2'))).status,
    ).toBe(403);
    const officerCreates = await t.call(
      'POST',
      `/engagements/${await newEngagement()}/agreements`,
      officerAndes,
      { terms: termsInput() },
    );
    expect(officerCreates.status).toBe(403);
  });

  it('refuses agreement and baseline work on a closed engagement', async () => {
    const { id, base } = await proposed();
    await signBoth(base, 1);
    const orchestrator = await t.minter.service('orchestrator');
    const closed = await t.call('PUT', `/internal/engagements/${id}/phase`, orchestrator, {
      requestId: `close-${id}`,
      phase: 'terminated',
      expectedPhase: 'agreement',
      reason: 'terminated',
    });
    expect(closed.status).toBe(200);
    const activate = await t.call('POST', `${base}/versions/1/activate`, pmAndes);
    expect(activate.status).toBe(409);
    expect(errorCode(activate)).toBe('INVALID_STATE_TRANSITION');
    const baseline = await t.call('POST', `/engagements/${id}/needs-assessment`, pmAndes, {
      spokeScores: Object.fromEntries(SECURITY_WHEEL_SPOKES.map((s) => [s, 2])),
      capacities: {
        focalPointDesignated: true,
        riskAssessmentDone: true,
        securityPlanExists: true,
        incidentsRecorded: true,
        previousTraining: 'basic',
      },
      threatTypes: [],
    });
    expect(baseline.status).toBe(409);
    expect(errorCode(baseline)).toBe('INVALID_STATE_TRANSITION');
    // Reading stays possible.
    expect((await t.call('GET', base, defenderCo)).status).toBe(200);
  });

  it('applies concurrent signatures of both parties without losing one (optimistic concurrency)', async () => {
    const { base } = await proposed();
    const url = `${base}/versions/1/sign`;
    const [a, b] = await Promise.all([
      t.call('POST', url, officerAndes),
      t.call('POST', url, defenderCo),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const version = await t.call('GET', `${base}/versions/1`, pmAndes);
    expect(version.json['status']).toBe('signed');
    expect(version.json['signatures']).toHaveLength(2);

    const { base: other } = await proposed();
    const sameParty = await Promise.all([
      t.call('POST', `${other}/versions/1/sign`, officerAndes),
      t.call('POST', `${other}/versions/1/sign`, pmAndes),
    ]);
    expect(sameParty.map((r) => r.status).sort()).toEqual([200, 409]);
  });
});
