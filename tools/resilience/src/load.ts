import {
  GatewayClient,
  SCENARIO_CAST,
  seedDemoData,
  startSystem,
  type RunningSystem,
  type UserSession,
} from '@trellis/demo-kit';
import { workspaceRoot } from '@trellis/testing';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/*
 * Load test (not part of `npm test`; `npx nx run resilience:load` runs load.run.ts): N concurrent users — protection officers of one desk, each
 * under their own login — read their portfolio (engagement list, engagement, inbox,
 * follow-ups) and record follow-ups (plan, then hold) through the gateway for D seconds, with
 * a think time between requests. Prints progress every 10 s and writes a summary (requests,
 * errors by status, p50/p95/p99 per operation, throughput) to dist/load/summary.{json,md}.
 *
 * Environment:
 *   TRELLIS_LOAD_USERS        concurrent users (default 50)
 *   TRELLIS_LOAD_SECONDS      duration (default 300)
 *   TRELLIS_LOAD_THINK_MS     mean pause between one user's requests (default 1000)
 *   TRELLIS_LOAD_OUT_DIR      where the summary goes (default dist/load)
 *   TRELLIS_GATEWAY_URL       an already running gateway (with BOOTSTRAP_ADMIN_USERNAME /
 *                             BOOTSTRAP_ADMIN_PASSWORD), e.g. `npm start`'s; default: every
 *                             app is started through the demo kit's harness, on ports of its
 *                             own (through Jest only: the harness finds the workspace from its
 *                             sources). The built script (dist/out-tsc/tools/resilience/src/
 *                             load.js) needs TRELLIS_GATEWAY_URL.
 */

/** One operation's measurements. */
export interface OperationStats {
  latenciesMs: number[];
  statuses: Record<string, number>;
}

/** What the summary files hold. */
export interface LoadSummary {
  users: number;
  durationSeconds: number;
  thinkMs: number;
  requests: number;
  errors: number;
  errorsByStatus: Record<string, number>;
  throughputPerSecond: number;
  followUpsRecorded: number;
  operations: Record<
    string,
    { requests: number; errors: number; p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number }
  >;
}

const USERS = Number(process.env['TRELLIS_LOAD_USERS'] ?? 50);
const SECONDS = Number(process.env['TRELLIS_LOAD_SECONDS'] ?? 300);
const THINK_MS = Number(process.env['TRELLIS_LOAD_THINK_MS'] ?? 1000);
const OUT_DIR = process.env['TRELLIS_LOAD_OUT_DIR'] ?? join(workspaceRoot, 'dist', 'load');
const PASSWORD = process.env['TRELLIS_DEMO_PASSWORD'] ?? 'trellis-load-password-0';
const UNIT = 'desk-americas';
/** Officers sharing one engagement (a portfolio). */
const PER_ENGAGEMENT = 2;

const say = (message: string) => process.stdout.write(`[load] ${message}\n`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The value at quantile `q` of sorted numbers (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

/** Summarises the measurements of a run. */
export function summarise(
  stats: ReadonlyMap<string, OperationStats>,
  run: { users: number; durationSeconds: number; thinkMs: number; followUpsRecorded: number },
): LoadSummary {
  const operations: LoadSummary['operations'] = {};
  const errorsByStatus: Record<string, number> = {};
  let requests = 0;
  let errors = 0;
  for (const [name, s] of stats) {
    const sorted = [...s.latenciesMs].sort((a, b) => a - b);
    const failed = Object.entries(s.statuses)
      .filter(([status]) => !/^2\d\d$/.test(status))
      .reduce((sum, [status, n]) => {
        errorsByStatus[status] = (errorsByStatus[status] ?? 0) + n;
        return sum + n;
      }, 0);
    requests += sorted.length;
    errors += failed;
    operations[name] = {
      requests: sorted.length,
      errors: failed,
      p50Ms: quantile(sorted, 0.5),
      p95Ms: quantile(sorted, 0.95),
      p99Ms: quantile(sorted, 0.99),
      maxMs: sorted.at(-1) ?? 0,
    };
  }
  return {
    ...run,
    requests,
    errors,
    errorsByStatus,
    throughputPerSecond: Math.round((requests / run.durationSeconds) * 10) / 10,
    operations,
  };
}

/** The summary as a Markdown table. */
export function summaryMarkdown(s: LoadSummary): string {
  const rows = Object.entries(s.operations).map(
    ([name, o]) =>
      `| ${name} | ${o.requests} | ${o.errors} | ${o.p50Ms} | ${o.p95Ms} | ${o.p99Ms} | ${o.maxMs} |`,
  );
  return [
    `# Load test: ${s.users} users for ${s.durationSeconds} s (think time ${s.thinkMs} ms)`,
    '',
    `- requests: ${s.requests}, errors: ${s.errors}` +
      (s.errors > 0 ? ` (${JSON.stringify(s.errorsByStatus)})` : ''),
    `- throughput: ${s.throughputPerSecond} requests/s`,
    `- follow-ups recorded: ${s.followUpsRecorded}`,
    '',
    '| operation | requests | errors | p50 ms | p95 ms | p99 ms | max ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
  ].join('\n');
}

class Recorder {
  readonly stats = new Map<string, OperationStats>();

  constructor(private readonly baseUrl: string) {}

  /**
   * One request, timed; returns the JSON body of a 2xx answer, undefined otherwise. An expired
   * access token (401) is refreshed once, as any client does (`refresh session`), and the
   * request sent again: the retry is what counts.
   */
  async call<T>(
    operation: string,
    session: UserSession,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<T | undefined> {
    let answer = await this.send<T>(session.bearerToken, method, path, body);
    if (answer.status === '401') {
      const started = performance.now();
      let refreshed = '200';
      await session.refresh().catch(() => (refreshed = 'refresh failed'));
      this.record('refresh session', refreshed, performance.now() - started);
      answer = await this.send<T>(session.bearerToken, method, path, body);
    }
    this.record(operation, answer.status, answer.ms);
    return /^2/.test(answer.status) ? (answer.parsed ?? ({} as T)) : undefined;
  }

  private async send<T>(
    token: string,
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
  ): Promise<{ status: string; ms: number; parsed: T | undefined }> {
    const started = performance.now();
    let status = 'network';
    let parsed: T | undefined;
    try {
      const res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(30_000),
      });
      status = String(res.status);
      const text = await res.text();
      if (res.ok && text.length > 0) parsed = JSON.parse(text) as T;
    } catch {
      // counted as `network`
    }
    return { status, ms: performance.now() - started, parsed };
  }

  private record(operation: string, status: string, ms: number): void {
    const s = this.stats.get(operation) ?? { latenciesMs: [], statuses: {} };
    s.latenciesMs.push(Math.round(ms));
    s.statuses[status] = (s.statuses[status] ?? 0) + 1;
    this.stats.set(operation, s);
  }

  totals(): { requests: number; errors: number } {
    let requests = 0;
    let errors = 0;
    for (const s of this.stats.values()) {
      for (const [status, n] of Object.entries(s.statuses)) {
        requests += n;
        if (!/^2/.test(status)) errors += n;
      }
    }
    return { requests, errors };
  }
}

/** One user's session: reads the portfolio and records follow-ups until `until`. */
async function virtualUser(
  recorder: Recorder,
  session: UserSession,
  engagementIds: readonly string[],
  index: number,
  until: number,
  recorded: { count: number },
): Promise<void> {
  const think = () => sleep(THINK_MS * (0.5 + Math.random()));
  await sleep((index / USERS) * Math.min(10_000, THINK_MS * 5)); // ramp up
  while (Date.now() < until) {
    const engagementId = engagementIds[Math.floor(index / PER_ENGAGEMENT)] ?? '';
    await recorder.call('list engagements', session, 'GET', '/api/engagement/engagements');
    await think();
    await recorder.call(
      'read engagement',
      session,
      'GET',
      `/api/engagement/engagements/${engagementId}`,
    );
    await think();
    await recorder.call('read inbox', session, 'GET', '/api/coaching/inbox');
    await think();
    if (Date.now() >= until) break;
    const planned = await recorder.call<{ id: string; version: number }>(
      'plan follow-up',
      session,
      'POST',
      `/api/coaching/engagements/${engagementId}/follow-ups`,
      { kind: 'coaching-session', dueAt: new Date(Date.now() + 3_600_000).toISOString() },
    );
    await think();
    if (planned?.id) {
      const held = await recorder.call(
        'record follow-up held',
        session,
        'POST',
        `/api/coaching/follow-ups/${planned.id}/held`,
        {
          version: planned.version,
          heldAt: new Date().toISOString(),
          behaviourChange: 'some',
          notes: 'Fictitious load-test follow-up notes.',
          nextActions: [],
        },
      );
      if (held) recorded.count += 1;
      await think();
    }
    await recorder.call(
      'list follow-ups',
      session,
      'GET',
      `/api/coaching/engagements/${engagementId}/follow-ups`,
    );
    await think();
  }
}

/** Runs the load test (see the file comment); writes and returns the summary. */
export async function runLoad(): Promise<LoadSummary> {
  let system: RunningSystem | undefined;
  let gatewayUrl = process.env['TRELLIS_GATEWAY_URL'];
  let adminUsername = process.env['BOOTSTRAP_ADMIN_USERNAME'] ?? 'admin';
  let adminPassword = process.env['BOOTSTRAP_ADMIN_PASSWORD'] ?? '';
  if (!gatewayUrl && process.env['JEST_WORKER_ID'] === undefined) {
    throw new Error(
      'set TRELLIS_GATEWAY_URL, or run `npx nx run resilience:load` to start the apps',
    );
  }
  if (!gatewayUrl) {
    say('starting every app (demo kit harness) ...');
    // 50 people logging in within a minute is the set-up, not the load measured.
    system = await startSystem({ appEnv: { gateway: { LOGIN_RATE_LIMIT_PER_MINUTE: '10000' } } });
    gatewayUrl = system.gatewayUrl;
    adminUsername = system.adminUsername;
    adminPassword = system.adminPassword;
  }
  const stop = () => system?.stop().catch(() => undefined);
  process.once('SIGINT', () => void stop()?.then(() => process.exit(130)));
  try {
    const client = new GatewayClient({ baseUrl: gatewayUrl, correlationPrefix: 'load' });
    const admin = await client.login(adminUsername, adminPassword);
    const directory = await seedDemoData({ admin, password: PASSWORD });
    const pm = await client.login(SCENARIO_CAST.programManager, PASSWORD);
    // The users: protection officers of the desk, each with their own login.
    const stamp = Date.now().toString(36);
    const officers: UserSession[] = [];
    for (let i = 0; i < USERS; i += 1) {
      const username = `load.officer.${stamp}.${i}`;
      await admin.post('/api/admin/users', {
        username,
        password: PASSWORD,
        roles: ['protection-officer'],
        unitId: UNIT,
      });
      officers.push(await client.login(username, PASSWORD));
    }
    // A portfolio per two officers: an organisation of the desk and its engagement, led by one.
    const country = directory.organisations[SCENARIO_CAST.organisationKey]?.country ?? 'CO';
    const engagementIds: string[] = [];
    for (let i = 0; i < Math.ceil(USERS / PER_ENGAGEMENT); i += 1) {
      const organisation = await pm.post<{ id: string }>('/api/engagement/organisations', {
        name: `Load test organisation ${stamp} ${i}`,
        contacts: [{ kind: 'email', value: `load-${i}@load-${stamp}.example` }],
        country,
        setting: 'urban',
        focusAreas: ['journalism'],
        size: 'small',
      });
      const engagement = await pm.post<{ id: string }>('/api/engagement/engagements', {
        organisationId: organisation.id,
        leadOfficerId: officers[i * PER_ENGAGEMENT]?.id ?? pm.id,
      });
      engagementIds.push(engagement.id);
    }
    // The coaching service knows the engagements once their events arrived.
    for (const id of engagementIds) {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const res = await fetch(`${gatewayUrl}/api/coaching/engagements/${id}/follow-ups`, {
          headers: { authorization: `Bearer ${officers[0]?.bearerToken ?? ''}` },
        });
        if (res.ok) break;
        if (Date.now() > deadline) throw new Error(`coaching never knew engagement ${id}`);
        await sleep(500);
      }
    }

    say(`${USERS} users, ${SECONDS} s, ${engagementIds.length} engagements, think ${THINK_MS} ms`);
    const recorder = new Recorder(gatewayUrl);
    const recorded = { count: 0 };
    const started = Date.now();
    const until = started + SECONDS * 1000;
    const ticker = setInterval(() => {
      const { requests, errors } = recorder.totals();
      const elapsed = (Date.now() - started) / 1000;
      say(
        `${Math.round(elapsed)} s: ${requests} requests (${Math.round(requests / elapsed)}/s), ` +
          `${errors} errors, ${recorded.count} follow-ups recorded`,
      );
    }, 10_000);
    await Promise.all(
      officers.map((session, i) =>
        virtualUser(recorder, session, engagementIds, i, until, recorded),
      ),
    );
    clearInterval(ticker);
    const durationSeconds = Math.round((Date.now() - started) / 100) / 10;
    const summary = summarise(recorder.stats, {
      users: USERS,
      durationSeconds,
      thinkMs: THINK_MS,
      followUpsRecorded: recorded.count,
    });
    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(join(OUT_DIR, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    writeFileSync(join(OUT_DIR, 'summary.md'), summaryMarkdown(summary));
    process.stdout.write(`\n${summaryMarkdown(summary)}\n`);
    say(`summary: ${relative(process.cwd(), join(OUT_DIR, 'summary.md'))}`);
    return summary;
  } finally {
    await stop();
  }
}

if (require.main === module) {
  runLoad().then(
    (summary) => {
      process.exitCode = summary.errors === 0 ? 0 : 1;
    },
    (err: unknown) => {
      process.stderr.write(`[load] failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
