#!/usr/bin/env node
// `npm run audit:verify`: verifies the gateway's audit chain with the environment `npm start`
// gives the gateway (or MONGO_URL / MONGO_DB / AUDIT_HMAC_KEY from the caller's environment).
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appEnv, discoverApps } from './lib/apps.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const gateway = discoverApps(root).find((a) => a.name === 'gateway');
const env = gateway ? appEnv(root, gateway) : process.env;
const r = spawnSync(
  process.execPath,
  [
    '-r',
    join(root, 'tools', 'scripts', 'register-aliases.cjs'),
    join(root, 'dist', 'out-tsc', 'apps', 'gateway', 'src', 'audit', 'audit.verify.main.js'),
  ],
  { cwd: root, env, stdio: 'inherit' },
);
process.exit(r.status ?? 2);
