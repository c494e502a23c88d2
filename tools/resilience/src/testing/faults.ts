import type { RunningSystem } from '@trellis/demo-kit';
import { workspaceRoot } from '@trellis/testing';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * Faults injected into the running system: a local server (FerretDB, Kafka, the Temporal dev
 * server) or one app killed with SIGKILL — no clean shutdown, as a crash or an OOM kill — and
 * started again (`node infra/infra.mjs up` for the servers, the harness for the apps).
 */

/** A server of `infra/infra.mjs` (its pid file is `.data/run/<name>.pid`). */
export type InfraServer = 'mongo' | 'kafka' | 'temporal';

/** Every server, for the health check after the tests. */
export const INFRA_SERVERS: readonly InfraServer[] = ['mongo', 'kafka', 'temporal'];

const runDir = () => join(process.env['TRELLIS_DATA_DIR'] ?? join(workspaceRoot, '.data'), 'run');

/** The pid of a server from its pid file (undefined when there is none). */
export function serverPid(server: InfraServer): number | undefined {
  const file = join(runDir(), `${server}.pid`);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The process and its descendants (children first found through `pgrep -P`). */
function processTree(pid: number): number[] {
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map(Number)
      .filter((n) => n > 0);
  } catch {
    // no child (pgrep exits 1)
  }
  return [pid, ...children.flatMap(processTree)];
}

/** SIGKILLs a server and its child processes; resolves when they are gone. */
export async function killServer(server: InfraServer): Promise<void> {
  const pid = serverPid(server);
  if (pid === undefined || !isAlive(pid)) throw new Error(`${server} is not running`);
  const tree = processTree(pid);
  for (const p of tree) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + 15_000;
  while (tree.some(isAlive)) {
    if (Date.now() > deadline) throw new Error(`${server} (pid ${pid}) did not die`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * `node infra/infra.mjs up`: starts whatever is not running and waits until healthy (async, so
 * the scenario's polling goes on meanwhile).
 */
export function infraUp(): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(process.execPath, [join(workspaceRoot, 'infra', 'infra.mjs'), 'up'], {
      cwd: workspaceRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    }
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`infra up failed (${code}):\n${output.slice(-2000)}`)),
    );
  });
}

/** What one fault did and how long the part was away. */
export interface FaultRecord {
  target: string;
  /** When it was killed, relative to the scenario's start. */
  atMs: number;
  /** From the kill until the part was healthy/ready again. */
  downMs: number;
}

/** Kills a server and starts it again; returns how long it was away. */
export async function bounceServer(server: InfraServer): Promise<number> {
  const started = Date.now();
  await killServer(server);
  await infraUp();
  return Date.now() - started;
}

/** Kills an app of the harness and starts it again; returns how long it was away. */
export async function bounceApp(system: RunningSystem, app: string): Promise<number> {
  const started = Date.now();
  await system.restartApp(app);
  return Date.now() - started;
}
