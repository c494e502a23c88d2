#!/usr/bin/env node
// All set-up a fresh machine needs, idempotent and cached: npm dependencies, then the local
// infrastructure (FerretDB, Kafka, Temporal) built or fetched once and started; with
// `--browser`, Debian's Chromium for the browser tests.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureChromium, ensureNodeDeps } from './lib/deps.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const started = Date.now();
const say = (m) => process.stdout.write(`[setup] ${m}\n`);

try {
  ensureNodeDeps(root, say);
  // `npm test` runs browser tests: `setup.mjs --browser` makes sure Chromium is there.
  if (process.argv.includes('--browser')) ensureChromium(say);
} catch (err) {
  process.stderr.write(`[setup] ${err.message}\n`);
  process.exit(1);
}
const r = spawnSync(process.execPath, [join(root, 'infra', 'infra.mjs'), 'up'], {
  cwd: root,
  stdio: 'inherit',
});
if (r.status !== 0) {
  process.stderr.write('[setup] the local infrastructure did not come up (see above)\n');
  process.exit(r.status ?? 1);
}
say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
