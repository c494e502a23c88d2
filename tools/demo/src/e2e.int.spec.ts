import type { TrellisEvent } from '@trellis/contracts';
import {
  DEMO_DESKS,
  DEMO_ORGANISATIONS,
  DEMO_USERS,
  SCENARIO_CAST,
  seedDemoData,
  GatewayClient,
  isGatewayError,
  formatScenarioEvent,
  runScenario,
  type ScenarioEvent,
  type ScenarioSummary,
  type InboxNotification,
  readEngagementEvents,
  startSystem,
  type RunningSystem,
} from '@trellis/demo-kit';

/*
 * The demo's path end to end on the real servers: every app as a real process (as `npm start`
 * runs them, on ports of their own), driven ONLY through the gateway's HTTP API, as a client
 * would. Asserts the seeding (idempotent, routing in and out of desk scope), each phase in
 * order, the reminder and the escalation in the inboxes, and the events of the engagement on
 * Kafka.
 */

const PASSWORD = 'e2e-demo-password-0';

describe('the demo engagement end to end through the gateway', () => {
  let system: RunningSystem | undefined;
  let client: GatewayClient;
  let failed = false;
  const progress: string[] = [];

  beforeAll(async () => {
    // As `npm start`: the apps, then the demo (here seeding only; the scenario runs below).
    system = await startSystem({
      demo: { env: { TRELLIS_DEMO_SCENARIO: '0', TRELLIS_DEMO_PASSWORD: PASSWORD } },
    });
    client = new GatewayClient({ baseUrl: system.gatewayUrl, correlationPrefix: 'e2e' });
  }, 10 * 60_000);

  afterAll(async () => {
    if (failed && system) {
      process.stderr.write(
        `demo e2e failed; progress:\n${progress.join('\n')}\napp logs kept in ${system.logDir}\n`,
      );
    }
    await system?.stop({ keepLogs: failed || process.env['TRELLIS_E2E_KEEP_LOGS'] === '1' });
  }, 60_000);

  /** Runs a test body; on failure the logs are kept and their place is part of the error. */
  async function reported(body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (err) {
      failed = true;
      if (err instanceof Error) err.message += `\n(app logs: ${system?.logDir ?? 'none'})`;
      throw err;
    }
  }

  let directory: Awaited<ReturnType<typeof seedDemoData>>;
  let engagementId: string | undefined;

  it(
    "npm start's demo seeds desks, organisations in and out of desk scope and users for every role, idempotently, and says where the API is",
    () =>
      reported(async () => {
        const running = system as RunningSystem;
        const output = await running.waitForOutput(/the demo is done|demo failed/, 120_000);
        expect(output).not.toContain('demo failed');
        expect(output).toContain(
          `created now: ${DEMO_DESKS.length} desks, ${DEMO_ORGANISATIONS.length} organisations, ` +
            `${DEMO_USERS.length} users`,
        );
        expect(output).toContain(`API:      ${running.gatewayUrl}/api`);
        expect(output).toContain(`API docs: ${running.gatewayUrl}/api/docs`);
        expect((await fetch(`${running.gatewayUrl}/api/docs`)).status).toBe(200);
        const openapi = await client.anonymous<{ paths: Record<string, unknown> }>(
          'GET',
          '/api/openapi.json',
        );
        expect(Object.keys(openapi.paths)).toEqual(
          expect.arrayContaining(['/api/identity/login', '/api/engagement/engagements']),
        );

        // Seeding again (as a second `npm start` does) finds everything and creates nothing.
        const admin = await client.login(running.adminUsername, running.adminPassword);
        directory = await seedDemoData({ admin, password: PASSWORD });
        expect(directory.created).toEqual({ desks: 0, organisations: 0, users: 0 });
        expect(Object.keys(directory.users).sort()).toEqual(
          DEMO_USERS.map((u) => u.username).sort(),
        );
        for (const organisation of DEMO_ORGANISATIONS) {
          expect(directory.organisations[organisation.key]?.unitId).toBe(
            organisation.expectedUnitId,
          );
        }
        const desks = await admin.get<Array<{ id: string }>>('/api/engagement/desks');
        expect(desks.map((d) => d.id).sort()).toEqual(DEMO_DESKS.map((d) => d.id).sort());
        const organisations = await admin.get<unknown[]>('/api/engagement/organisations');
        expect(organisations).toHaveLength(DEMO_ORGANISATIONS.length);
        const users = await admin.get<unknown[]>('/api/admin/users');
        expect(users).toHaveLength(DEMO_USERS.length + 1); // and the bootstrap admin

        // Every demo user can log in with their role and scope.
        const defender = await client.login(SCENARIO_CAST.defender, PASSWORD);
        expect(defender.user).toMatchObject({
          roles: ['defender'],
          organisationId: directory.organisations[SCENARIO_CAST.organisationKey]?.id,
        });
        const analyst = await client.login('analyst.demo', PASSWORD);
        expect(analyst.user.roles).toEqual(['analyst']);
        const wrong = await client
          .login('analyst.demo', 'not-the-password-at-all')
          .catch((e: unknown) => e);
        expect(isGatewayError(wrong, 401, 'UNAUTHENTICATED')).toBe(true);
      }),
    120_000,
  );

  it(
    'runs the engagement through every phase with a reminder, an escalation and the events of each step',
    () =>
      reported(async () => {
        const events: ScenarioEvent[] = [];
        const summary: ScenarioSummary = await runScenario({
          client,
          directory,
          password: PASSWORD,
          observer: (event) => {
            events.push(event);
            progress.push(formatScenarioEvent(event));
          },
        });

        engagementId = summary.engagementId;
        // Each phase, in order, as the engagement service showed it through the gateway.
        expect(summary.phases.map((p) => p.phase)).toEqual([
          'agreement',
          'implementation',
          'follow-up',
          'knowledge-transfer',
          'autonomous',
        ]);
        expect(
          events.filter((e) => e.type === 'phase').map((e) => e.type === 'phase' && e.phase),
        ).toEqual(summary.phases.map((p) => p.phase));

        expect(events.at(-1)).toMatchObject({ type: 'closed', engagementId: summary.engagementId });

        // The slipped follow-up: reminded to the officer, escalated to the program manager.
        const slipped = summary.slippedFollowUp.obligationId;
        expect(summary.slippedFollowUp.reminderStages).toContain('due');
        const officer = await client.login(SCENARIO_CAST.officer, PASSWORD);
        const pm = await client.login(SCENARIO_CAST.programManager, PASSWORD);
        const inbox = (who: typeof officer) =>
          who.get<InboxNotification[]>(`/api/coaching/inbox?engagementId=${summary.engagementId}`);
        const officerInbox = await inbox(officer);
        const pmInbox = await inbox(pm);
        expect(officerInbox).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ kind: 'reminder', obligationId: slipped, stage: 'due' }),
          ]),
        );
        expect(pmInbox).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              kind: 'escalation',
              obligationId: slipped,
              obligationKind: 'follow-up',
            }),
          ]),
        );
        expect(pmInbox.filter((n) => n.kind === 'reminder')).toEqual([]);
        expect(summary.followUps.find((f) => f.obligationId === slipped)?.late).toBe(true);
        expect(summary.incident.serious).toBe(true);
        expect(summary.autonomyReviews.map((r) => r.level)).toEqual([2, 3, 3]);

        // The events of every step, read from the topics with a fresh consumer.
        const slippedFulfilled = (e: TrellisEvent) =>
          e.type === 'reminders.obligation.fulfilled' && e.payload.obligationId === slipped;
        const checkInFulfilled = (e: TrellisEvent) =>
          e.type === 'reminders.obligation.fulfilled' &&
          e.payload.obligationKind === 'post-closure-check-in';
        const { events: log, invalid } = await readEngagementEvents(
          summary.engagementId,
          (seen) => seen.some(checkInFulfilled) && seen.some(slippedFulfilled),
        );
        expect(invalid).toEqual([]);
        const types: string[] = log.map((e) => e.type);
        for (const type of [
          'engagement.engagement.created',
          'engagement.needs-assessment.recorded',
          'engagement.agreement.signed',
          'engagement.agreement.activated',
          'training.plan.created',
          'training.session.held',
          'risk.threat.assessed',
          'risk.assessment.completed',
          'risk.security-plan.adopted',
          'reminders.obligation.opened',
          'reminders.reminder.due',
          'reminders.escalation.raised',
          'coaching.follow-up.held',
          'risk.incident.reported',
          'autonomy.milestone.verified',
          'autonomy.review.recorded',
          'training.cascade.verified',
          'reminders.obligation.fulfilled',
          'reminders.obligation.cancelled',
        ]) {
          expect({ type, seen: types.includes(type) }).toEqual({ type, seen: true });
        }
        const phaseChanges = log.flatMap((e) =>
          e.type === 'engagement.engagement.phase-changed'
            ? [`${e.payload.from}→${e.payload.to}`]
            : [],
        );
        expect(phaseChanges).toEqual([
          'agreement→implementation',
          'implementation→follow-up',
          'follow-up→knowledge-transfer',
          'knowledge-transfer→autonomous',
        ]);
        expect(log.filter((e) => e.type === 'training.session.held')).toHaveLength(
          summary.trainingSessions.length,
        );
        const assessments = log.flatMap((e) =>
          e.type === 'risk.assessment.completed' ? [e.payload.trigger] : [],
        );
        expect(assessments).toEqual(['initial', 'after-incident']);
        expect(log.find((e) => e.type === 'risk.incident.reported')?.payload).toMatchObject({
          incidentId: summary.incident.id,
          serious: true,
        });
        expect(log.filter((e) => e.type === 'autonomy.review.recorded')).toHaveLength(3);
        expect(log.find((e) => e.type === 'training.cascade.verified')?.payload).toMatchObject({
          cascadeId: summary.cascade.id,
        });
        expect(
          log.find(
            (e) => e.type === 'reminders.escalation.raised' && e.payload.obligationId === slipped,
          )?.payload,
        ).toMatchObject({
          obligationKind: 'follow-up',
          programManagerId: summary.programManagerId,
        });
        expect(
          log.find((e) => e.type === 'reminders.reminder.due' && e.payload.obligationId === slipped)
            ?.payload,
        ).toMatchObject({ assigneeId: summary.officerId });
        expect(log.find(slippedFulfilled)?.payload).toMatchObject({ late: true });
        expect(log.find(checkInFulfilled)?.payload).toMatchObject({
          obligationId: summary.postClosureCheckIn.obligationId,
          late: false,
        });
        // Graduation cancels what was still open; the check-in is the last obligation.
        const lastObligationEvent = log
          .filter((e) => e.type.startsWith('reminders.obligation.'))
          .at(-1);
        expect(lastObligationEvent && checkInFulfilled(lastObligationEvent)).toBe(true);
        // No sensitive text left the services in any event of the engagement.
        expect(JSON.stringify(log)).not.toMatch(/Fictitious|Tierra Viva|\.example/);
      }),
    6 * 60_000,
  );

  it(
    'refuses, through the gateway and the real services, every access it must refuse — with the right status — and audits each',
    () =>
      reported(async () => {
        const running = system as RunningSystem;
        const id = engagementId as string;
        const admin = await client.login(running.adminUsername, running.adminPassword);
        const startSeq = (await admin.get<Array<{ seq: number }>>('/api/admin/audit?limit=1000'))
          .map((e) => e.seq)
          .reduce((a, b) => Math.max(a, b), 0);
        const raw = async (method: string, path: string, token?: string, body?: string) => {
          const res = await fetch(`${running.gatewayUrl}${path}`, {
            method,
            headers: {
              ...(token ? { authorization: `Bearer ${token}` } : {}),
              ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            },
            ...(body !== undefined ? { body } : {}),
          });
          const json = (await res.json().catch(() => ({}))) as {
            error?: { code?: string; fields?: Array<{ path: string }> };
          };
          return { status: res.status, code: json.error?.code, fields: json.error?.fields ?? [] };
        };
        const token = async (username: string) =>
          (await client.login(username, PASSWORD)).bearerToken;
        const engagementPath = `/api/engagement/engagements/${id}`;
        const tierraViva = directory.organisations['tierra-viva']?.id;

        // No token, and a tampered token (roles changed after signing).
        expect(await raw('GET', engagementPath)).toMatchObject({
          status: 401,
          code: 'UNAUTHENTICATED',
        });
        const [h, p, sig] = (await token('analyst.demo')).split('.');
        const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<
          string,
          unknown
        >;
        const forged = Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString(
          'base64url',
        );
        expect(await raw('GET', '/api/admin/users', `${h}.${forged}.${sig}`)).toMatchObject({
          status: 401,
        });

        // Wrong role: an analyst reads identifiable engagement records; a defender creates a desk.
        expect(await raw('GET', engagementPath, await token('analyst.demo'))).toMatchObject({
          status: 403,
          code: 'FORBIDDEN',
        });
        const defenderOther = await token('defender.voces-libres');
        expect(
          await raw(
            'POST',
            '/api/engagement/desks',
            defenderOther,
            JSON.stringify({ id: 'desk-x', name: 'X', countries: ['PE'] }),
          ),
        ).toMatchObject({ status: 403, code: 'FORBIDDEN' });

        // Another organisation's records: a defender of another organisation, in the same desk.
        expect(await raw('GET', engagementPath, defenderOther)).toMatchObject({
          status: 404,
          code: 'NOT_FOUND',
        });
        expect(
          await raw('GET', `/api/engagement/organisations/${tierraViva}`, defenderOther),
        ).toMatchObject({
          status: 404,
          code: 'NOT_FOUND',
        });
        // Another unit's engagement: the East Africa desk's officer and program manager.
        expect(await raw('GET', engagementPath, await token('officer.eastafrica'))).toMatchObject({
          status: 404,
          code: 'NOT_FOUND',
        });
        expect(
          await raw(
            'GET',
            `/api/coaching/engagements/${id}/timeline`,
            await token('pm.eastafrica'),
          ),
        ).toMatchObject({
          status: 404,
        });
        // The engagement's own defender still reads it (the refusals are about scope, not a fault).
        expect((await raw('GET', engagementPath, await token('defender.tierra-viva'))).status).toBe(
          200,
        );

        // Bad input through the gateway: the service's clear 4xx with the field, never a 500.
        const pm = await token('pm.americas');
        const badCountry = await raw(
          'POST',
          '/api/engagement/organisations',
          pm,
          JSON.stringify({
            name: 'X',
            contacts: [],
            country: 'XX',
            setting: 'urban',
            focusAreas: [],
            size: 'small',
          }),
        );
        expect(badCountry.status).toBeGreaterThanOrEqual(400);
        expect(badCountry.status).toBeLessThan(500);
        const missing = await raw('POST', '/api/engagement/engagements', pm, JSON.stringify({}));
        expect(missing).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
        expect(missing.fields.map((f) => f.path)).toContain('organisationId');
        expect(
          await raw('POST', '/api/engagement/engagements', pm, '{"organisationId":'),
        ).toMatchObject({
          status: 400,
          code: 'MALFORMED_JSON',
        });
        expect(await raw('PUT', `/api/risk/threats/thr-none/steps/9`, pm, '{}')).toMatchObject({
          status: 400,
        });

        // Brute force: repeated wrong passwords lock the account (423), even for the right one.
        const attempts: number[] = [];
        for (let i = 0; i < 6; i++) {
          const res = await fetch(`${running.gatewayUrl}/api/identity/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              username: 'defender.rainbow-shield',
              password: `guess number ${i}`,
            }),
          });
          attempts.push(res.status);
        }
        expect(attempts).toEqual([401, 401, 401, 401, 423, 423]);

        // Every refusal is in the audit trail, with who, what, from where and the outcome.
        const entries = (
          await admin.get<
            Array<{
              seq: number;
              path?: string;
              status: number;
              code?: string;
              detail?: string;
              ip: string;
              actor: { userId?: string };
            }>
          >(`/api/admin/audit?afterSeq=${startSeq}&limit=1000`)
        ).filter((e) => e.status >= 400);
        const seen = (path: string, status: number) =>
          entries.some((e) => e.path === path && e.status === status && e.ip.length > 0);
        expect(seen(engagementPath, 401)).toBe(true);
        expect(seen('/api/admin/users', 401)).toBe(true);
        expect(seen(engagementPath, 403)).toBe(true);
        expect(seen('/api/engagement/desks', 403)).toBe(true);
        expect(seen(engagementPath, 404)).toBe(true);
        expect(seen(`/api/engagement/organisations/${tierraViva}`, 404)).toBe(true);
        expect(seen('/api/engagement/engagements', 400)).toBe(true);
        expect(
          entries
            .filter((e) => e.path === '/api/identity/login' && e.status === 423)
            .map((e) => e.detail),
        ).toEqual(['account-locked-now', 'locked']);
        expect(
          entries.find((e) => e.path === engagementPath && e.status === 403)?.actor.userId,
        ).toBe(directory.users['analyst.demo']?.id);
        expect((await admin.get<{ ok: boolean }>('/api/admin/audit/verification')).ok).toBe(true);
      }),
    3 * 60_000,
  );
});
