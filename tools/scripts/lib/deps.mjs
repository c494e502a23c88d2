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

/** Where the browser tests find Chromium: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`. */
export function chromiumPath(env = process.env) {
  return env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/**
 * Installs Debian's `chromium` for the browser tests when it is missing (as root, from the
 * Debian archive: the only place it may come from); otherwise says how to provide it.
 */
export function ensureChromium(log = console.log) {
  const path = chromiumPath();
  if (existsSync(path)) {
    log(`chromium found (${path})`);
    return;
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (!isRoot || !hasApt) {
    throw new Error(
      `chromium is missing at ${path}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
  log('installing chromium from Debian (apt-get) for the browser tests ...');
  const started = Date.now();
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', 'chromium'],
  ]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) throw new Error(`apt-get ${args[0]} failed with exit code ${r.status}`);
  }
  log(`chromium installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
