// Discovering, building and running the workspace's apps for `npm start`, `nx serve` and the
// demo's end-to-end test.
//
// Environment (all optional):
//   TRELLIS_APP_PORT_OFFSET  added to every app's port (project.json `metadata.port`), so a
//                            second set of apps (e.g. the e2e test's) runs beside `npm start`
//   TRELLIS_APP_ENV          JSON `{ "<app>": { VAR: value }, "*": { VAR: value } }`: variables
//                            for every app ("*") or one app, over everything else
// Every app gets the URL of every app as `<APP_NAME>_URL` (engagement-service →
// ENGAGEMENT_SERVICE_URL, gateway → GATEWAY_URL), with the ports offset, unless the variable
// is set in the environment.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { devSecrets, serviceEnv } from './dev-secrets.mjs';

/** The port offset of `TRELLIS_APP_PORT_OFFSET` (0 when unset). */
export function portOffset(env = process.env) {
  const raw = env.TRELLIS_APP_PORT_OFFSET ?? '0';
  const offset = Number(raw);
  if (!Number.isInteger(offset) || offset < 0 || offset > 60_000) {
    throw new Error(`TRELLIS_APP_PORT_OFFSET must be an integer from 0 to 60000, not "${raw}"`);
  }
  return offset;
}

/** Apps with an HTTP port in project.json `metadata.port` (runnable services). */
export function discoverApps(root, env = process.env) {
  const dir = join(root, 'apps');
  if (!existsSync(dir)) return [];
  const offset = portOffset(env);
  return readdirSync(dir)
    .map((name) => join(dir, name, 'project.json'))
    .filter((f) => existsSync(f))
    .map((f) => JSON.parse(readFileSync(f, 'utf8')))
    .filter((p) => p.metadata?.port && p.targets?.build)
    .map((p) => ({
      name: p.name,
      root: p.sourceRoot.replace(/\/src$/, ''),
      port: p.metadata.port + offset,
      // Variables the app always runs with (e.g. the orchestrator's prebuilt workflow bundle).
      env: p.metadata.env ?? {},
    }));
}

/** Names of every project under apps/ with a build target (runnable or not, e.g. `web`). */
export function buildableApps(root) {
  const dir = join(root, 'apps');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => join(dir, name, 'project.json'))
    .filter((f) => existsSync(f))
    .map((f) => JSON.parse(readFileSync(f, 'utf8')))
    .filter((p) => p.targets?.build)
    .map((p) => p.name);
}

/** Builds the apps (and any extra projects, e.g. `web`, `demo`) through Nx. */
export function buildApps(root, apps, extraProjects = []) {
  const r = spawnSync(
    join(root, 'node_modules', '.bin', 'nx'),
    [
      'run-many',
      '-t',
      'build',
      '--projects',
      [...apps.map((a) => a.name), ...extraProjects].join(','),
      '--outputStyle=stream',
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error('building the apps failed (see above)');
}

/** `engagement-service` → `ENGAGEMENT_SERVICE_URL`. */
export function urlVariable(appName) {
  return `${appName.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_URL`;
}

/** `<APP>_URL` of every app (ports offset). */
export function appUrls(apps) {
  return Object.fromEntries(apps.map((a) => [urlVariable(a.name), `http://127.0.0.1:${a.port}`]));
}

function appEnvOverrides(env, name) {
  if (!env.TRELLIS_APP_ENV) return {};
  let parsed;
  try {
    parsed = JSON.parse(env.TRELLIS_APP_ENV);
  } catch {
    throw new Error('TRELLIS_APP_ENV must be JSON: { "<app>": { "VAR": "value" } }');
  }
  return { ...(parsed['*'] ?? {}), ...(parsed[name] ?? {}) };
}

/** The environment one app runs with (see the file comment for the order). */
export function appEnv(root, app, apps = discoverApps(root)) {
  const runDir = join(process.env.TRELLIS_DATA_DIR || join(root, '.data'), 'run');
  const endpoints = JSON.parse(readFileSync(join(runDir, 'endpoints.json'), 'utf8'));
  const secrets = devSecrets(join(runDir, 'dev-secrets.json'));
  return {
    ...serviceEnv(endpoints, secrets),
    ...appUrls(apps),
    ...app.env,
    ...process.env,
    ...appEnvOverrides(process.env, app.name),
    PORT: String(app.port),
  };
}

/** pino's levels, by number and by label (the services log labels). */
const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/**
 * True for output worth showing on the console when the full log goes to a file: JSON log
 * lines at warn and above; other lines (a crash's stack trace, the Temporal SDK's own output)
 * when they say WARN or ERROR, or look like an error.
 */
function notable(line) {
  if (line.trim() === '') return false;
  if (line.startsWith('{')) {
    try {
      const { level } = JSON.parse(line);
      const value = typeof level === 'number' ? level : LEVELS[level];
      return value === undefined || value >= LEVELS.warn;
    } catch {
      return true;
    }
  }
  return /\b(WARN|ERROR|FATAL|Error|error:)/.test(line);
}

/**
 * Runs a built app. Output: prefixed by the app's name on stdout (`stdio: 'prefix'`), the
 * terminal (`'inherit'`), or the file `logFile` with warnings, errors and non-JSON lines
 * (crashes) also shown prefixed on stdout (`'file'`; `quiet: true` shows nothing).
 */
export function runApp(root, app, { stdio = 'prefix', logFile, quiet = false, apps } = {}) {
  const main = join(root, 'dist', 'out-tsc', app.root, 'src', 'main.js');
  // TRELLIS_APP_CPU_PROF_DIR: write a V8 CPU profile of each app there when it exits.
  const profile = process.env.TRELLIS_APP_CPU_PROF_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.TRELLIS_APP_CPU_PROF_DIR}`]
    : [];
  const child = spawn(
    process.execPath,
    [
      ...profile,
      '--enable-source-maps',
      '-r',
      join(root, 'tools', 'scripts', 'register-aliases.cjs'),
      main,
    ],
    {
      cwd: root,
      env: appEnv(root, app, apps),
      stdio: stdio === 'inherit' ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    },
  );
  if (stdio === 'inherit') return child;
  let file;
  if (stdio === 'file') {
    if (!logFile) throw new Error('runApp: stdio "file" needs a logFile');
    mkdirSync(join(logFile, '..'), { recursive: true });
    file = createWriteStream(logFile, { flags: 'w' });
    child.on('exit', () => file.end());
  }
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.on('data', (chunk) => {
      file?.write(chunk);
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) {
        if (file && (quiet || !notable(line))) continue;
        process.stdout.write(`${app.name.padEnd(20)} | ${line}\n`);
      }
    });
  }
  return child;
}

/** Polls GET /health/ready until 200 or the timeout. */
export async function waitReady(app, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${app.port}/health/ready`);
      if (res.status === 200) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`${app.name} not ready after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 300));
  }
}
