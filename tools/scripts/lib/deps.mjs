// Installs the workspace's npm dependencies when they are missing or stale (lock changed).
// Uses only Node built-ins, so it runs on a fresh clone before anything is installed.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

export function ensureNodeDeps(root, log = console.log) {
  const lock = join(root, 'package-lock.json');
  const stamp = join(root, 'node_modules', '.trellis-lock-hash');
  const hash = createHash('sha256').update(readFileSync(lock)).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) {
    log('npm dependencies up to date');
    return;
  }
  log('installing npm dependencies (npm ci) ...');
  const started = Date.now();
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    throw new Error(`npm ci failed with exit code ${r.status}`);
  }
  writeFileSync(stamp, hash);
  log(`npm dependencies installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
