/*
 * The system the browser tests drive: every app as a real process, the demo data seeded by
 * `npm start`'s demo — both from tools/demo (its system harness and scenario actions are
 * reused, not copied) — and a few engagements put into the states the pages show, through the
 * gateway's public API under each person's own login:
 *
 *   tierra-viva    agreement v1 in force and amendment v2 proposed, signed by the protection
 *                  organisation (the defender signs it in the browser); a held and an upcoming
 *                  training session; a threat through the five steps, a risk assessment and a
 *                  security plan not yet adopted (the defender adopts it); two recorded
 *                  autonomy reviews; a completed security-wheel round; a planned follow-up and
 *                  a cascade training to verify (the officer does both)
 *   voces-libres   deadlines seconds away: overdue, escalated to the program manager
 *   rainbow-shield another desk's engagement (refused to the Americas' people)
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  GatewayClient,
  seedDemoData,
  startSystem,
  type DemoDirectory,
  type RunningSystem,
  type UserSession,
  agreementTerms,
  assessRisk,
  assessThreat,
  DEMO_TIMING,
  draftSecurityPlan,
  holdTrainingSession,
  LEVEL_2_MILESTONES,
  LEVEL_3_MILESTONES,
  PARTICIPANTS,
  recordAutonomyReview,
  recordCascade,
  spokes,
  untilKnown,
  type ScenarioTiming,
  type Versioned,
} from '@trellis/demo-kit';

/** What the browser tests know of the prepared system. */
export interface WebFixture {
  system: RunningSystem;
  gatewayUrl: string;
  password: string;
  directory: DemoDirectory;
  /** Tierra Viva's engagement (see the file comment). */
  active: { engagementId: string; organisationName: string; cascadeId: string };
  /** Voces Libres' engagement, escalated. */
  escalated: { engagementId: string; organisationName: string };
  /** Rainbow Shield's engagement (East Africa desk). */
  otherDesk: { engagementId: string };
}

const workspace = join(__dirname, '..', '..', '..');
const STEP_TIMEOUT_MS = 60_000;

/** Months, not seconds: nothing falls due while the tests look at Tierra Viva. */
const CALM: ScenarioTiming = {
  ...DEMO_TIMING,
  coachingCadence: 'P14D',
  cadenceShortest: 'P7D',
  cadenceLongest: 'P30D',
  autonomyReviewCadence: 'P90D',
  reminderLeadTime: 'P1D',
  escalationGracePeriod: 'P2D',
  reassessmentAfterSeriousIncident: 'P14D',
  plannedDuration: 'P1Y',
  postClosureCheckInAfter: 'P30D',
  implementationDeadlineMs: 30 * 86_400_000,
};

/** Seconds: the training, risk and plan deadlines pass and escalate during the set-up. */
const HASTY: ScenarioTiming = {
  ...DEMO_TIMING,
  reminderLeadTime: 'PT1S',
  escalationGracePeriod: 'PT2S',
  implementationDeadlineMs: 4_000,
};

/** Builds the web application for the gateway (`WEB_DIST_DIR`), unless told it is built. */
export function buildWeb(): void {
  if (process.env['TRELLIS_E2E_SKIP_BUILD'] === '1') {
    if (!existsSync(join(workspace, 'dist', 'apps', 'web', 'index.html'))) {
      throw new Error('dist/apps/web is not built: run `npx nx run web:build`');
    }
    return;
  }
  const result = spawnSync(
    join(workspace, 'node_modules', '.bin', 'vite'),
    ['build', '--config', 'apps/web/vite.config.mjs', '--logLevel', 'warn'],
    { cwd: workspace, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`building apps/web failed:\n${result.stderr}`);
}

/** Opens an engagement and brings agreement v1 into force (both parties sign). */
async function openEngagement(
  pm: UserSession,
  officer: UserSession,
  defender: UserSession,
  organisationId: string,
  timing: ScenarioTiming,
): Promise<{ id: string; unitId: string; terms: ReturnType<typeof agreementTerms> }> {
  const engagement = await pm.post<{ id: string; unitId: string }>(
    '/api/engagement/engagements',
    { organisationId, leadOfficerId: officer.id },
    'open the engagement',
  );
  const base = `/api/engagement/engagements/${engagement.id}/agreements`;
  const terms = agreementTerms(timing, pm.id, officer.id);
  await pm.post(base, { terms }, 'draft the agreement');
  await pm.request('POST', `${base}/versions/1/propose`, { step: 'propose' });
  await pm.request('POST', `${base}/versions/1/sign`, { step: 'sign (protection)' });
  await defender.request('POST', `${base}/versions/1/sign`, { step: 'sign (defender)' });
  await pm.request('POST', `${base}/versions/1/activate`, { step: 'activate' });
  return { ...engagement, terms };
}

/** Waits until `check` answers true (polling), or fails naming `what`. */
async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${STEP_TIMEOUT_MS / 1000} s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Starts the system, seeds it and prepares the engagements (see the file comment). */
export async function prepareSystem(): Promise<WebFixture> {
  // Beside `npm start` (offset 0) and the demo's own end-to-end test (200).
  process.env['TRELLIS_E2E_PORT_OFFSET'] ??= '300';
  buildWeb();
  const password = `web-e2e-${randomBytes(6).toString('hex')}`;
  const system = await startSystem({
    demo: { env: { TRELLIS_DEMO_SCENARIO: '0', TRELLIS_DEMO_PASSWORD: password } },
  });
  try {
    const output = await system.waitForOutput(/the demo is done|demo failed/, 180_000);
    if (output.includes('demo failed')) throw new Error('seeding the demo data failed');
    const client = new GatewayClient({ baseUrl: system.gatewayUrl, correlationPrefix: 'web-e2e' });
    const admin = await client.login(system.adminUsername, system.adminPassword);
    // Idempotent: finds what the demo seeded and answers the ids.
    const directory = await seedDemoData({ admin, password });
    const login = (username: string) => client.login(username, password);
    const [pm, officer, defender, pmVoces, defenderVoces, pmEast] = await Promise.all([
      login('pm.americas'),
      login('officer.americas'),
      login('defender.tierra-viva'),
      login('pm.americas'),
      login('defender.voces-libres'),
      login('pm.eastafrica'),
    ]);
    const organisation = (key: string) => {
      const found = directory.organisations[key];
      if (!found) throw new Error(`the demo has no organisation ${key}`);
      return found;
    };
    const names = new Map(
      (await admin.get<Array<{ id: string; name: string }>>('/api/engagement/organisations')).map(
        (o) => [o.id, o.name],
      ),
    );

    // Voces Libres first: its deadlines pass while the rest is prepared.
    const voces = await openEngagement(
      pmVoces,
      officer,
      defenderVoces,
      organisation('voces-libres').id,
      HASTY,
    );
    const east = await pmEast.post<{ id: string }>(
      '/api/engagement/engagements',
      { organisationId: organisation('rainbow-shield').id },
      'open the East Africa engagement',
    );

    // Tierra Viva.
    const tierra = organisation('tierra-viva');
    const active = await openEngagement(pm, officer, defender, tierra.id, CALM);
    const engagementId = active.id;
    const scope = { engagementId, organisationId: tierra.id, unitId: active.unitId };
    await untilKnown(
      () => officer.get(`/api/training/training-plans?engagementId=${engagementId}`),
      STEP_TIMEOUT_MS,
    );
    await holdTrainingSession(officer, engagementId, 'pi-1', 0);
    const upcoming = Date.now() + 3 * 86_400_000;
    await officer.post(
      '/api/training/sessions',
      {
        engagementId,
        planItemId: 'pi-2',
        mode: 'remote',
        facilitatorId: officer.id,
        startsAt: new Date(upcoming).toISOString(),
        endsAt: new Date(upcoming + 2 * 3_600_000).toISOString(),
        participants: PARTICIPANTS,
      },
      'schedule the upcoming session',
    );
    const threat = await assessThreat(officer, scope, STEP_TIMEOUT_MS);
    const assessment = await assessRisk(officer, engagementId, 'initial');
    await draftSecurityPlan(officer, assessment.id, threat);
    await untilKnown(
      () =>
        officer.post(
          `/api/coaching/engagements/${engagementId}/follow-ups`,
          {
            kind: 'leadership-meeting',
            dueAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
          },
          'plan a follow-up',
        ),
      STEP_TIMEOUT_MS,
    );
    await recordAutonomyReview(officer, pm, engagementId, 2, LEVEL_2_MILESTONES);
    await recordAutonomyReview(officer, pm, engagementId, 3, LEVEL_3_MILESTONES);
    let round = await officer.post<Versioned>(
      '/api/risk/security-wheel/rounds',
      scope,
      'open a security-wheel round',
    );
    for (const [participantId, group, score] of [
      ['P-01', 'leadership', 3],
      ['P-03', 'staff', 2],
    ] as const) {
      const scores = Object.fromEntries(
        Object.entries(spokes(score)).map(([spoke, value]) => [spoke, { score: value }]),
      );
      round = await officer.put<Versioned>(
        `/api/risk/security-wheel/rounds/${round.id}/participants/${participantId}`,
        { version: round.version, group, spokes: scores },
        'score a participant',
      );
    }
    await officer.post(
      `/api/risk/security-wheel/rounds/${round.id}/complete`,
      { version: round.version },
      'complete the round',
    );
    const cascade = await recordCascade(defender, engagementId, 12);
    const agreements = `/api/engagement/engagements/${engagementId}/agreements`;
    await pm.post(
      `${agreements}/versions/1/amendments`,
      { terms: { ...active.terms, coachingCadence: 'P10D' } },
      'amend the agreement',
    );
    await pm.request('POST', `${agreements}/versions/2/propose`, { step: 'propose v2' });
    await pm.request('POST', `${agreements}/versions/2/sign`, { step: 'sign v2 (protection)' });

    await eventually('the escalation of Voces Libres in the manager inbox', async () => {
      const inbox =
        await pmVoces.get<Array<{ kind: string; engagementId: string }>>('/api/coaching/inbox');
      return inbox.some((n) => n.kind === 'escalation' && n.engagementId === voces.id);
    });

    return {
      system,
      gatewayUrl: system.gatewayUrl,
      password,
      directory,
      active: {
        engagementId,
        organisationName: names.get(tierra.id) ?? '',
        cascadeId: cascade.id,
      },
      escalated: {
        engagementId: voces.id,
        organisationName: names.get(organisation('voces-libres').id) ?? '',
      },
      otherDesk: { engagementId: east.id },
    };
  } catch (err) {
    await system.stop({ keepLogs: true });
    throw err;
  }
}
