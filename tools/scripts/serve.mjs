#!/usr/bin/env node
// `nx serve <app>`: runs one built app in the foreground with the development environment.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverApps, runApp } from './lib/apps.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const name = process.argv[2];
const app = discoverApps(root).find((a) => a.name === name);
if (!app) {
  process.stderr.write(`no runnable app named ${name}\n`);
  process.exit(1);
}
const child = runApp(root, app, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
  process.on(signal, () => child.kill('SIGTERM'));
child.on('exit', (code) => process.exit(code ?? 0));
