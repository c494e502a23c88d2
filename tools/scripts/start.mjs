#!/usr/bin/env node
// `npm start`: after set-up (infrastructure up), starts every app of the workspace that has a
// `serve` target and says where each listens. Ctrl-C stops the apps; the infrastructure keeps
// running in the background until `npm run infra:down`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const say = (m) => process.stdout.write(`[start] ${m}\n`);

const apps = existsSync(join(root, 'apps'))
  ? readdirSync(join(root, 'apps'))
      .map((name) => ({ name, file: join(root, 'apps', name, 'project.json') }))
      .filter((a) => existsSync(a.file))
      .map((a) => ({ ...a, project: JSON.parse(readFileSync(a.file, 'utf8')) }))
      .filter((a) => a.project.targets?.serve)
  : [];

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

if (apps.length === 0) {
  say('the infrastructure is up; no app has a serve target yet.');
  say('stop the infrastructure with: npm run infra:down');
  process.exit(0);
}

for (const a of apps) {
  const port = a.project.metadata?.port;
  say(`${a.project.name} -> ${port ? `http://127.0.0.1:${port}` : '(no HTTP port)'}`);
}
const child = spawn(
  join(root, 'node_modules', '.bin', 'nx'),
  ['run-many', '-t', 'serve', '--parallel', String(apps.length + 1), '--outputStyle=stream'],
  { cwd: root, stdio: 'inherit' },
);
const stop = () => child.kill('SIGINT');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
child.on('exit', (code) => process.exit(code ?? 0));
