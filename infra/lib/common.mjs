// Shared helpers for the local infrastructure scripts: settings from the environment,
// progress output, background processes with pid and log files, health waits.
// Node built-ins only.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const env = process.env;
const int = (name, fallback) => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new InfraError(`${name} must be a TCP port number (1-65535), got "${raw}"`);
  }
  return n;
};

export class InfraError extends Error {}

/** Every setting of the local infrastructure, each overridable by an environment variable. */
export function settings() {
  const cacheDir = resolve(env.TRELLIS_CACHE_DIR || join(homedir(), '.cache', 'trellis'));
  const dataDir = resolve(env.TRELLIS_DATA_DIR || join(ROOT, '.data'));
  const host = '127.0.0.1';
  return {
    host,
    cacheDir,
    dataDir,
    runDir: join(dataDir, 'run'),
    endpointsFile: join(dataDir, 'run', 'endpoints.json'),
    startTimeoutMs: int('TRELLIS_INFRA_TIMEOUT_SECONDS', 120) * 1000,
    mongo: {
      external: env.MONGO_URL || undefined,
      port: int('TRELLIS_MONGO_PORT', 27117),
      dataDir: resolve(env.TRELLIS_MONGO_DATA_DIR || join(dataDir, 'ferretdb')),
    },
    kafka: {
      external: env.KAFKA_BROKERS || undefined,
      port: int('TRELLIS_KAFKA_PORT', 9192),
      controllerPort: int('TRELLIS_KAFKA_CONTROLLER_PORT', 9193),
      dataDir: resolve(env.TRELLIS_KAFKA_DATA_DIR || join(dataDir, 'kafka')),
      heap: env.TRELLIS_KAFKA_HEAP || '512m',
    },
    temporal: {
      external: env.TEMPORAL_ADDRESS || undefined,
      port: int('TRELLIS_TEMPORAL_PORT', 7233),
      dataDir: resolve(env.TRELLIS_TEMPORAL_DATA_DIR || join(dataDir, 'temporal')),
      namespace: env.TEMPORAL_NAMESPACE || 'default',
    },
  };
}

// ---------------------------------------------------------------- output

const t0 = Date.now();
const quiet = env.TRELLIS_INFRA_QUIET === '1';
export function log(component, message) {
  if (quiet) return;
  const secs = ((Date.now() - t0) / 1000).toFixed(1).padStart(5);
  process.stdout.write(`[infra ${secs}s] ${component.padEnd(8)} ${message}\n`);
}

/** Runs `work` and prints a "still working" line every 10 s so long steps show progress. */
export async function withProgress(component, label, work) {
  const started = Date.now();
  log(component, `${label} ...`);
  const timer = setInterval(
    () =>
      log(component, `${label} ... still working (${Math.round((Date.now() - started) / 1000)} s)`),
    10_000,
  );
  try {
    const result = await work();
    log(component, `${label}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  } finally {
    clearInterval(timer);
  }
}

// ---------------------------------------------------------------- files and hashes

export function ensureDir(dir) {
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function hashFiles(files, extra = '') {
  const h = createHash('sha256');
  for (const f of files) h.update(readFileSync(f));
  h.update(extra);
  return h.digest('hex').slice(0, 16);
}

export function tail(file, lines = 25) {
  if (!existsSync(file)) return '(no log file)';
  const text = readFileSync(file, 'utf8').trimEnd().split('\n');
  return text.slice(-lines).join('\n');
}

// ---------------------------------------------------------------- commands

export function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export function requireTool(cmd, hint) {
  const path = which(cmd);
  if (!path) throw new InfraError(`required tool "${cmd}" not found on PATH. ${hint}`);
  return path;
}

/** Runs a command to completion; on failure throws with the last lines of its output. */
export function run(cmd, args, opts = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (err) => reject(new InfraError(`${cmd} could not start: ${err.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolvePromise(out);
      else {
        const last = out.trimEnd().split('\n').slice(-30).join('\n');
        reject(new InfraError(`${cmd} ${args.join(' ')} failed (exit ${code}):\n${last}`));
      }
    });
  });
}

// ---------------------------------------------------------------- background processes

export function pidFile(s, name) {
  return join(s.runDir, `${name}.pid`);
}
export function logFile(s, name) {
  return join(s.runDir, `${name}.log`);
}

export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function readPid(s, name) {
  const f = pidFile(s, name);
  if (!existsSync(f)) return undefined;
  const pid = Number(readFileSync(f, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Our running process for `name`, or undefined (a stale pid file is removed). */
export function runningPid(s, name) {
  const pid = readPid(s, name);
  if (pid && isAlive(pid)) return pid;
  if (pid) rmSync(pidFile(s, name), { force: true });
  return undefined;
}

/** Starts a detached background process (own process group) with its output in a log file. */
export function startBackground(s, name, cmd, args, opts = {}) {
  ensureDir(s.runDir);
  const out = openSync(logFile(s, name), 'a');
  writeFileSync(
    logFile(s, name),
    `\n---- ${new Date().toISOString()} starting: ${cmd} ${args.join(' ')}\n`,
    { flag: 'a' },
  );
  const child = spawn(cmd, args, { ...opts, detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  if (!child.pid) throw new InfraError(`${name}: could not start ${cmd}`);
  child.unref();
  writeFileSync(pidFile(s, name), String(child.pid));
  return child.pid;
}

/** Stops a background process by pid: SIGTERM to its group, then SIGKILL after a grace period. */
export async function stopBackground(s, name, graceMs = 30_000) {
  const pid = runningPid(s, name);
  if (!pid) return false;
  const signal = (sig) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(200);
  if (isAlive(pid)) {
    log(name, `did not stop within ${graceMs / 1000} s, killing`);
    signal('SIGKILL');
    while (isAlive(pid)) await sleep(100);
  }
  rmSync(pidFile(s, name), { force: true });
  return true;
}

/** Resident memory of a process and its children in MiB (Linux /proc), or undefined. */
export function rssMiB(pid) {
  const pids = [pid];
  const r = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  if (r.status === 0) pids.push(...r.stdout.split('\n').map(Number).filter(Boolean));
  let kb = 0;
  for (const p of pids) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch {
      /* gone */
    }
  }
  return kb ? Math.round(kb / 1024) : undefined;
}

/**
 * Runs `work` holding an exclusive lock file in the run folder, so concurrent `up`/`down`
 * calls (parallel test runs, several terminals) do not race to start the same server.
 */
export async function withLock(s, work, timeoutMs = 10 * 60_000) {
  ensureDir(s.runDir);
  const lock = join(s.runDir, 'infra.lock');
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(lock, 'utf8').trim() || 0);
      if (!holder || !isAlive(holder)) {
        rmSync(lock, { force: true }); // stale lock of a process that died
        continue;
      }
      if (Date.now() > deadline) {
        throw new InfraError(`another infra command (pid ${holder}) holds ${lock}`);
      }
      if (!announced) {
        log('infra', `waiting for another infra command (pid ${holder}) to finish`);
        announced = true;
      }
      await sleep(250);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { force: true });
  }
}

// ---------------------------------------------------------------- network

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function portOpen(host, port, timeoutMs = 1000) {
  return new Promise((resolvePromise) => {
    const sock = connect({ host, port });
    const done = (ok) => {
      sock.destroy();
      resolvePromise(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** True when nothing listens on host:port and we could bind it. */
export function portFree(host, port) {
  return new Promise((resolvePromise) => {
    const srv = createServer();
    srv.once('error', () => resolvePromise(false));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolvePromise(true)));
  });
}

export async function assertPortsFree(s, component, ports) {
  for (const [varName, port] of ports) {
    if (!(await portFree(s.host, port))) {
      throw new InfraError(
        `${component}: port ${s.host}:${port} is already taken by another process. ` +
          `Stop that process or choose another port with ${varName}=<port>.`,
      );
    }
  }
}

/**
 * Polls `check` until it returns true. While waiting, fails fast if the process died and
 * reports the last lines of its log on failure.
 */
export async function waitHealthy(s, name, pid, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (pid && !isAlive(pid)) {
      throw new InfraError(
        `${name}: process exited during start-up. Last log lines (${logFile(s, name)}):\n` +
          tail(logFile(s, name)),
      );
    }
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err;
    }
    await sleep(300);
  }
  throw new InfraError(
    `${name}: not healthy after ${timeoutMs / 1000} s` +
      (lastError ? ` (last check: ${lastError.message})` : '') +
      `. Last log lines (${logFile(s, name)}):\n${tail(logFile(s, name))}`,
  );
}

export function stampOk(stamp, value) {
  return existsSync(stamp) && readFileSync(stamp, 'utf8') === value;
}
export function writeStamp(stamp, value) {
  ensureDir(dirname(stamp));
  writeFileSync(stamp, value);
}
export function fileExists(f) {
  try {
    return statSync(f).isFile();
  } catch {
    return false;
  }
}
