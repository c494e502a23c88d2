import {
  DEFAULT_DEMO_PASSWORD,
  GatewayClient,
  SCENARIO_CAST,
  seedDemoData,
  startSystem,
} from '@trellis/demo-kit';
import type { BenchSystem } from './context';

/**
 * Starts every app through @trellis/demo-kit's `startSystem()` (own ports, databases, consumer
 * groups and Temporal namespace) logs the bootstrap admin in and seeds the demo data
 * set (the scenario's programme manager opens the benchmark's engagements). Database and group
 * names come from startSystem (`variableOf`).
 */
export async function startBenchSystem(say: (line: string) => void): Promise<BenchSystem> {
  say('starting every app (startSystem: builds are cached, then each app as a process)…');
  // Ports of its own (default +400), away from `npm start` and the end-to-end tests (+200).
  process.env['TRELLIS_E2E_PORT_OFFSET'] ??= '400';
  // The apps inherit this process's environment: lift the gateway's per-caller rate limit
  // (600/min), which would otherwise answer most of the API benchmark's requests with 429.
  process.env['RATE_LIMIT_PER_MINUTE'] ??= '1000000';
  const t0 = Date.now();
  const running = await startSystem({ readyTimeoutMs: 180_000 });
  say(`system ready in ${Math.round((Date.now() - t0) / 1000)} s at ${running.gatewayUrl}`);
  try {
    const client = new GatewayClient({ baseUrl: running.gatewayUrl, correlationPrefix: 'bench' });
    const admin = await client.login(running.adminUsername, running.adminPassword);
    const directory = await seedDemoData({ admin, password: DEFAULT_DEMO_PASSWORD });
    const pm = await client.login(SCENARIO_CAST.programManager, DEFAULT_DEMO_PASSWORD);
    const organisation = directory.organisations[SCENARIO_CAST.organisationKey];
    const officer = directory.users[SCENARIO_CAST.officer];
    const manager = directory.users[SCENARIO_CAST.programManager];
    if (!organisation || !officer || !manager)
      throw new Error('the demo data set has no scenario cast');
    say('demo data seeded');
    return {
      running,
      client,
      admin,
      pm,
      cast: {
        organisationId: organisation.id,
        unitId: organisation.unitId,
        officerId: officer.id,
        programManagerId: manager.id,
      },
      openEngagement: async () =>
        (
          await pm.post<{ id: string }>('/api/engagement/engagements', {
            organisationId: organisation.id,
            leadOfficerId: officer.id,
          })
        ).id,
      groupOf: (app, variable = 'KAFKA_GROUP_ID') => running.variableOf(app, variable),
      databaseOf: (app) => running.variableOf(app, 'MONGO_DB'),
    };
  } catch (err) {
    await running.stop();
    throw err;
  }
}
