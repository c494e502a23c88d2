#!/usr/bin/env node
// `npm start`: after set-up (infrastructure up), builds and starts every app, waits until each
// is ready and says where it listens. Ctrl-C stops the apps; the infrastructure keeps running
// in the background until `npm run infra:down`.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApps, discoverApps, runApp, waitReady } from './lib/apps.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const say = (m) => process.stdout.write(`[start] ${m}\n`);

const status = spawnSync(process.execPath, [join(root, 'infra', 'infra.mjs'), 'status'], {
  cwd: root,
  stdio: 'inherit',
});
if (status.status !== 0) {
  process.stderr.write(
    '[start] infrastructure is not healthy; run `npm run infra:up` to see why\n',
  );
  process.exit(1);
}

const apps = discoverApps(root);
if (apps.length === 0) {
  say('the infrastructure is up; no app to start yet. Stop it with: npm run infra:down');
  process.exit(0);
}

say(`building ${apps.map((a) => a.name).join(', ')} ...`);
buildApps(root, apps);
const children = apps.map((app) => ({ app, child: runApp(root, app) }));
let stopping = false;
const stop = (code = 0) => {
  if (stopping) return;
  stopping = true;
  say('stopping apps (the infrastructure keeps running; npm run infra:down stops it)');
  for (const { child } of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
};
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
for (const { app, child } of children) {
  child.on('exit', (code) => {
    if (!stopping) {
      process.stderr.write(`[start] ${app.name} exited (code ${code}); stopping\n`);
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
  say('Ctrl-C stops the apps.');
}
