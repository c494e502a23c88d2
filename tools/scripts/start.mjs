#!/usr/bin/env node
// `npm start`: after set-up (infrastructure up), builds and starts every app, waits until each
// is ready and says where it listens, then runs the demo (tools/demo: demo data and one demo
// engagement through the whole process, driven through the gateway). Ctrl-C stops the apps;
// the infrastructure keeps running in the background until `npm run infra:down`.
//
// Options: --no-build (run what is built), --no-demo (apps only).
// Environment: TRELLIS_APP_LOGS=console shows every app's full output on the console (default:
// full output in TRELLIS_APP_LOG_DIR, default .data/run/apps/<app>.log, with warnings and
// errors also on the console); TRELLIS_APP_PORT_OFFSET and TRELLIS_APP_ENV (lib/apps.mjs).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appEnv, buildApps, buildableApps, discoverApps, runApp, waitReady } from './lib/apps.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const say = (m) => process.stdout.write(`[start] ${m}\n`);
const args = new Set(process.argv.slice(2));
const withDemo = !args.has('--no-demo') && existsSync(join(root, 'tools', 'demo', 'project.json'));
const logsToConsole = process.env.TRELLIS_APP_LOGS === 'console';
const logDir = resolve(
  root,
  process.env.TRELLIS_APP_LOG_DIR || join(process.env.TRELLIS_DATA_DIR || '.data', 'run', 'apps'),
);

// The infrastructure must be healthy (a server briefly busy is asked again).
for (let attempt = 1; ; attempt += 1) {
  const status = spawnSync(process.execPath, [join(root, 'infra', 'infra.mjs'), 'status'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (status.status === 0) break;
  if (attempt === 3) {
    process.stderr.write(
      '[start] infrastructure is not healthy; run `npm run infra:up` to see why\n',
    );
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 2000));
}

const apps = discoverApps(root);
if (apps.length === 0) {
  say('the infrastructure is up; no app to start yet. Stop it with: npm run infra:down');
  process.exit(0);
}

if (!args.has('--no-build')) {
  // Every app with a build (the web application too: the gateway serves it), and the demo.
  const others = buildableApps(root).filter((name) => !apps.some((a) => a.name === name));
  const extra = [...others, ...(withDemo ? ['demo'] : [])];
  say(`building ${[...apps.map((a) => a.name), ...extra].join(', ')} ...`);
  buildApps(root, apps, extra);
}
if (!logsToConsole) say(`app logs: ${relative(root, logDir) || logDir}/<app>.log`);
const children = apps.map((app) => ({
  app,
  child: logsToConsole
    ? runApp(root, app, { apps })
    : runApp(root, app, { apps, stdio: 'file', logFile: join(logDir, `${app.name}.log`) }),
}));
let demo;
let stopping = false;
const stop = (code = 0) => {
  if (stopping) return;
  stopping = true;
  say('stopping apps (the infrastructure keeps running; npm run infra:down stops it)');
  demo?.kill('SIGTERM');
  for (const { child } of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
};
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
for (const { app, child } of children) {
  child.on('exit', (code) => {
    if (!stopping) {
      process.stderr.write(`[start] ${app.name} exited (code ${code}); stopping\n`);
      if (!logsToConsole) showLogTail(app.name);
      stop(1);
    }
  });
}

try {
  await Promise.all(apps.map((a) => waitReady(a)));
} catch (err) {
  process.stderr.write(`[start] ${err.message}\n`);
  stop(1);
}
if (!stopping) {
  say('ready:');
  for (const a of apps) {
    say(
      `  ${a.name.padEnd(20)} http://127.0.0.1:${a.port}   (OpenAPI: http://127.0.0.1:${a.port}/openapi.json)`,
    );
  }
  if (withDemo) startDemo();
  else say('Ctrl-C stops the apps.');
}

/** The last lines of an app's log file (why it exited). */
function showLogTail(name) {
  const file = join(logDir, `${name}.log`);
  // The log stream may still be flushing: read it a moment later.
  setTimeout(() => {
    if (!existsSync(file)) return;
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-15);
    process.stderr.write(
      `[start] last lines of ${relative(root, file)}:\n${lines.map((l) => `  ${l}`).join('\n')}\n`,
    );
  }, 200);
}

/** Runs the built demo against the gateway; its failure leaves the apps running. */
function startDemo() {
  const gateway = apps.find((a) => a.name === 'gateway');
  if (!gateway) {
    say('no gateway app yet: the demo is skipped. Ctrl-C stops the apps.');
    return;
  }
  const gatewayEnv = appEnv(root, gateway, apps);
  demo = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      '-r',
      join(root, 'tools', 'scripts', 'register-aliases.cjs'),
      join(root, 'dist', 'out-tsc', 'tools', 'demo', 'src', 'main.js'),
    ],
    {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        TRELLIS_GATEWAY_URL: `http://127.0.0.1:${gateway.port}`,
        BOOTSTRAP_ADMIN_USERNAME: gatewayEnv.BOOTSTRAP_ADMIN_USERNAME ?? 'admin',
        ...(gatewayEnv.BOOTSTRAP_ADMIN_PASSWORD
          ? { BOOTSTRAP_ADMIN_PASSWORD: gatewayEnv.BOOTSTRAP_ADMIN_PASSWORD }
          : {}),
      },
    },
  );
  demo.on('exit', (code, signal) => {
    if (stopping) return;
    if (code === 0) say('Ctrl-C stops the apps.');
    else {
      process.stderr.write(
        `[start] the demo failed (${signal ?? `exit code ${code}`}); the apps keep running. ` +
          'Ctrl-C stops them.\n',
      );
    }
  });
}
