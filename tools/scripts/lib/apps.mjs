// Discovering, building and running the workspace's apps for `npm start` and `nx serve`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { devSecrets, serviceEnv } from './dev-secrets.mjs';

/** Apps with an HTTP port in project.json `metadata.port` (runnable services). */
export function discoverApps(root) {
  const dir = join(root, 'apps');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => join(dir, name, 'project.json'))
    .filter((f) => existsSync(f))
    .map((f) => JSON.parse(readFileSync(f, 'utf8')))
    .filter((p) => p.metadata?.port && p.targets?.build)
    .map((p) => ({
      name: p.name,
      root: p.sourceRoot.replace(/\/src$/, ''),
      port: p.metadata.port,
    }));
}

export function buildApps(root, apps) {
  const r = spawnSync(
    join(root, 'node_modules', '.bin', 'nx'),
    [
      'run-many',
      '-t',
      'build',
      '--projects',
      apps.map((a) => a.name).join(','),
      '--outputStyle=stream',
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error('building the apps failed (see above)');
}

export function appEnv(root, app) {
  const runDir = join(process.env.TRELLIS_DATA_DIR || join(root, '.data'), 'run');
  const endpoints = JSON.parse(readFileSync(join(runDir, 'endpoints.json'), 'utf8'));
  const secrets = devSecrets(join(runDir, 'dev-secrets.json'));
  return { ...serviceEnv(endpoints, secrets), ...app.env, ...process.env, PORT: String(app.port) };
}

/** Runs a built app with its output prefixed by its name. */
export function runApp(root, app, { stdio = 'prefix' } = {}) {
  const main = join(root, 'dist', 'out-tsc', app.root, 'src', 'main.js');
  const child = spawn(
    process.execPath,
    ['--enable-source-maps', '-r', join(root, 'tools', 'scripts', 'register-aliases.cjs'), main],
    {
      cwd: root,
      env: appEnv(root, app),
      stdio: stdio === 'inherit' ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    },
  );
  if (stdio !== 'inherit') {
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = '';
      stream.on('data', (chunk) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop();
        for (const line of lines) process.stdout.write(`${app.name.padEnd(20)} | ${line}\n`);
      });
    }
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
