import {
  DEMO_ORGANISATIONS,
  GatewayClient,
  SCENARIO_CAST,
  seedDemoData,
  startSystem,
  type DemoDirectory,
  type RunningSystem,
} from '@trellis/demo-kit';
import { workspaceRoot } from '@trellis/testing';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureSchemathesis, runSchemathesis } from './testing/schemathesis';

/*
 * Input fuzzing of the gateway's public API with schemathesis (PyPI), against every app as a
 * real process with the demo data: for each role, with that role's valid token, every
 * operation of GET /api/openapi.json is called with generated valid and invalid input. No
 * answer may be a 5xx (`not_a_server_error`) or break the schema it documents
 * (`response_schema_conformance`); a defender may see no id of another organisation.
 */

const PASSWORD = 'resilience-fuzz-password-0';
/** Seconds of fuzzing per role (TRELLIS_FUZZ_SECONDS_PER_ROLE): five roles fit in ~5 min. */
const SECONDS_PER_ROLE = Number(process.env['TRELLIS_FUZZ_SECONDS_PER_ROLE'] ?? 40);
/** At most this many generated cases per operation and phase. */
const MAX_EXAMPLES = Number(process.env['TRELLIS_FUZZ_MAX_EXAMPLES'] ?? 10);

/**
 * Operations not fuzzed, and why:
 * - `POST /api/identity/logout` revokes the session whose token the run uses: every later
 *   request would answer 401 and nothing behind it would be reached;
 * - the erasure endpoints (`/api/admin/.../erasure-requests`, `/confirm`) erase an
 *   organisation's key: they would wreck the demo data the other roles' runs read.
 */
const EXCLUDED_PATHS_REGEX = '^/api/(identity/logout|admin/.*erasure-requests.*)$';

/** The user each role's run logs in as (the admin is the gateway's bootstrap admin). */
const ROLE_USERS = {
  defender: SCENARIO_CAST.defender,
  analyst: 'analyst.demo',
  'protection-officer': SCENARIO_CAST.officer,
  'program-manager': SCENARIO_CAST.programManager,
  admin: undefined,
} as const;

interface HarEntry {
  request: { method: string; url: string; postData?: { text?: string } };
  response: { status: number; content?: { text?: string } };
}

describe('fuzzing the gateway API with schemathesis', () => {
  let system: RunningSystem | undefined;
  let client: GatewayClient;
  let directory: DemoDirectory;
  let bin: string;
  /** Ids a defender of the scenario's organisation must never see, by path parameter name. */
  let foreign: { organisationId: string[]; engagementId: string[] } = {
    organisationId: [],
    engagementId: [],
  };
  const reportDir = join(workspaceRoot, 'dist', 'resilience', 'fuzz');

  beforeAll(async () => {
    bin = ensureSchemathesis();
    mkdirSync(reportDir, { recursive: true });
    system = await startSystem({
      // Fuzzing is many requests per second from one caller: not what the rate limit is for.
      appEnv: { gateway: { RATE_LIMIT_PER_MINUTE: '1000000' } },
    });
    client = new GatewayClient({ baseUrl: system.gatewayUrl, correlationPrefix: 'fuzz' });
    const admin = await client.login(system.adminUsername, system.adminPassword);
    directory = await seedDemoData({ admin, password: PASSWORD });
    // Data of two organisations: the defender's own and another one of the same desk.
    const pm = await client.login(SCENARIO_CAST.programManager, PASSWORD);
    const officer = await client.login(SCENARIO_CAST.officer, PASSWORD);
    const own = directory.organisations[SCENARIO_CAST.organisationKey]?.id;
    const other = directory.organisations['voces-libres']?.id;
    const engagements = await Promise.all(
      [own, other].map((organisationId) =>
        pm.post<{ id: string }>('/api/engagement/engagements', {
          organisationId,
          leadOfficerId: officer.id,
        }),
      ),
    );
    foreign = {
      organisationId: DEMO_ORGANISATIONS.filter((o) => o.key !== SCENARIO_CAST.organisationKey)
        .map((o) => directory.organisations[o.key]?.id ?? '')
        .filter((id) => id.length > 0),
      engagementId: [engagements[1]?.id ?? ''].filter((id) => id.length > 0),
    };
    expect(foreign.organisationId.length).toBe(DEMO_ORGANISATIONS.length - 1);
  }, 10 * 60_000);

  afterAll(async () => {
    await system?.stop({ keepLogs: process.env['TRELLIS_E2E_KEEP_LOGS'] === '1' });
  }, 60_000);

  it.each(Object.entries(ROLE_USERS))(
    'as %s: no 5xx, no answer breaking its schema, no data of another organisation',
    async (role, username) => {
      const running = system as RunningSystem;
      const session = username
        ? await client.login(username, PASSWORD)
        : await client.login(running.adminUsername, running.adminPassword);
      expect(session.user.roles).toEqual([role]);
      const har = join(reportDir, `${role}.har`);
      const run = await runSchemathesis(
        bin,
        [
          'run',
          `${running.gatewayUrl}/api/openapi.json`,
          '--url',
          running.gatewayUrl,
          '-H',
          `Authorization: Bearer ${session.bearerToken}`,
          '--checks',
          'not_a_server_error,response_schema_conformance',
          '--phases',
          'examples,fuzzing',
          '--max-examples',
          String(MAX_EXAMPLES),
          '--max-time',
          String(SECONDS_PER_ROLE),
          '--workers',
          '2',
          '--request-timeout',
          '20',
          '--seed',
          '1',
          '--exclude-path-regex',
          EXCLUDED_PATHS_REGEX,
          '--suppress-health-check',
          'all',
          '--report',
          'har',
          '--report-har-path',
          har,
          '--output-truncate',
          'true',
        ],
        {
          ...process.env,
          PYTHONPATH: join(__dirname, 'fuzz'),
          SCHEMATHESIS_HOOKS: 'trellis_fuzz_hooks',
          // The defender's run asks for other organisations' records by their real ids.
          TRELLIS_FUZZ_FOREIGN_IDS: role === 'defender' ? JSON.stringify(foreign) : '{}',
        },
      );
      process.stdout.write(
        `fuzz ${role}: exit ${run.exitCode} in ${Math.round(run.durationMs / 1000)} s\n` +
          `${run.output.split('\n').slice(-12).join('\n')}\n`,
      );
      const entries = (JSON.parse(readFileSync(har, 'utf8')) as { log: { entries: HarEntry[] } })
        .log.entries;
      // The run reached the services (not only refusals), and no answer was a server error.
      expect(entries.length).toBeGreaterThan(50);
      const serverErrors = entries
        .filter((e) => e.response.status >= 500)
        .map((e) => `${e.response.status} ${e.request.method} ${new URL(e.request.url).pathname}`);
      expect(serverErrors).toEqual([]);
      if (role === 'defender') {
        const foreignIds = [...foreign.organisationId, ...foreign.engagementId];
        // A refusal may echo the id asked for; any other appearance is a leak.
        const leaks = entries.flatMap((e) =>
          foreignIds
            .filter((id) => {
              if (!e.response.content?.text?.includes(id)) return false;
              const asked = `${e.request.url} ${e.request.postData?.text ?? ''}`.includes(id);
              return e.response.status < 400 || !asked;
            })
            .map(
              (id) =>
                `${e.response.status} ${e.request.method} ${new URL(e.request.url).pathname}: ${id}`,
            ),
        );
        expect(leaks).toEqual([]);
      }
      expect({
        role,
        exitCode: run.exitCode,
        output: run.exitCode === 0 ? '' : run.output,
      }).toEqual({ role, exitCode: 0, output: '' });
    },
    SECONDS_PER_ROLE * 1000 + 120_000,
  );
});
