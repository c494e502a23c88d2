import {
  DEFAULT_DEMO_PASSWORD,
  DEMO_USERS,
  seedDemoData,
  GatewayClient,
  formatScenarioEvent,
  formatSummary,
  runScenario,
} from '@trellis/demo-kit';

/*
 * `npm start`'s demo (run by tools/scripts/start.mjs once every app is ready): seeds the demo
 * data through the gateway, runs the demo engagement through every phase printing each phase,
 * reminder and escalation as it happens, says where the API and its docs are and which logins
 * exist, then keeps running until stopped (`--once`: exit instead).
 *
 * Environment: TRELLIS_GATEWAY_URL (default http://127.0.0.1:3100), BOOTSTRAP_ADMIN_USERNAME /
 * BOOTSTRAP_ADMIN_PASSWORD (the gateway's first admin), TRELLIS_DEMO_PASSWORD (the demo users'
 * password), TRELLIS_DEMO_SCENARIO=0 to seed only.
 */

const say = (line: string) => process.stdout.write(`[demo] ${line}\n`);

async function waitForGateway(baseUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(3000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(`the gateway at ${baseUrl} is not ready after ${timeoutMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Whether the gateway serves the web application (its build exists). */
async function servesWebApp(baseUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}/`, { signal: AbortSignal.timeout(3000) });
    await res.arrayBuffer();
    return res.ok && (res.headers.get('content-type') ?? '').includes('text/html');
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const once = process.argv.includes('--once');
  const baseUrl = (process.env['TRELLIS_GATEWAY_URL'] ?? 'http://127.0.0.1:3100').replace(
    /\/+$/,
    '',
  );
  const adminUsername = process.env['BOOTSTRAP_ADMIN_USERNAME'] ?? 'admin';
  const adminPassword = process.env['BOOTSTRAP_ADMIN_PASSWORD'];
  if (!adminPassword) {
    throw new Error('BOOTSTRAP_ADMIN_PASSWORD is not set: the demo logs in as the first admin');
  }
  const password = process.env['TRELLIS_DEMO_PASSWORD'] ?? DEFAULT_DEMO_PASSWORD;

  await waitForGateway(baseUrl, 60_000);
  const client = new GatewayClient({ baseUrl });
  const admin = await client.login(adminUsername, adminPassword);
  say('seeding the demo data (desks, organisations, users) through the gateway ...');
  const directory = await seedDemoData({ admin, password });
  const { created } = directory;
  say(
    `demo data ready: ${Object.keys(directory.desks).length} desks, ` +
      `${Object.keys(directory.organisations).length} organisations, ` +
      `${Object.keys(directory.users).length} users ` +
      `(created now: ${created.desks} desks, ${created.organisations} organisations, ` +
      `${created.users} users)`,
  );

  if (process.env['TRELLIS_DEMO_SCENARIO'] !== '0') {
    say('running the demo engagement in compressed time (seconds for months):');
    const summary = await runScenario({
      client,
      directory,
      password,
      observer: (event) => say(formatScenarioEvent(event)),
    });
    for (const line of formatSummary(summary)) say(line);
  }

  say(`API:      ${baseUrl}/api   (OpenAPI: ${baseUrl}/api/openapi.json)`);
  say(`API docs: ${baseUrl}/api/docs`);
  if (await servesWebApp(baseUrl)) say(`web app:  ${baseUrl}/`);
  say(`logins:   ${adminUsername} / ${adminPassword} (admin)`);
  say(`          every other demo user / ${password}:`);
  for (const user of DEMO_USERS) {
    say(
      `            ${user.username.padEnd(24)} ${user.roles.join(', ')}` +
        `${user.unitId ? ` (${user.unitId})` : ''}` +
        `${user.organisationKey ? ` (${user.organisationKey})` : ''}`,
    );
  }
  if (once) return;
  say('the demo is done; the apps keep running (Ctrl-C stops them)');
  await new Promise<void>((resolve) => {
    const keepAlive = setInterval(() => undefined, 60_000);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        clearInterval(keepAlive);
        resolve();
      });
    }
  });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `[demo] FAILED: ${err instanceof Error ? err.message : String(err)}\n` +
        '[demo] the apps keep running; their output above says more\n',
    );
    process.exit(1);
  },
);
