import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Figure } from './report';
import type { GatewayClient, RunningSystem, UserSession } from '@trellis/demo-kit';

/**
 * The workspace root: the first directory above this file holding tsconfig.base.json (this file
 * runs from dist/out-tsc/tools/bench/src, where @trellis/testing's `workspaceRoot` is wrong).
 */
export function findWorkspaceRoot(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'tsconfig.base.json')) && existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no workspace root above ${from}`);
  }
}

export const workspaceRoot = findWorkspaceRoot();

// resolveEndpoints (@trellis/testing) reads the servers' addresses from <data dir>/run.
process.env['TRELLIS_DATA_DIR'] ??= join(workspaceRoot, '.data');

/** What each benchmark gets from the runner. */
export interface BenchContext {
  /** Prints a progress line. */
  say: (line: string) => void;
  /** Records a setting of this benchmark for the summary. */
  setting: (name: string, value: number | string | boolean) => void;
  /** The whole system (every app as a process, started once for the run on first use). */
  system: () => Promise<BenchSystem>;
}

/** The running system and an admin session on its gateway. */
export interface BenchSystem {
  running: RunningSystem;
  client: GatewayClient;
  admin: UserSession;
  /** The demo programme manager (seeded), who opens engagements. */
  pm: UserSession;
  /** The scenario's organisation (its unit) and the people on its engagements. */
  cast: { organisationId: string; unitId: string; officerId: string; programManagerId: string };
  /** Opens an engagement with the demo organisation through the gateway; returns its id. */
  openEngagement(): Promise<string>;
  /** The MongoDB database this run gave an app's `MONGO_DB` (e.g. `engagement`). */
  databaseOf(app: string): string;
  /** The Kafka consumer group this run gave an app's `variable` (e.g. `KAFKA_GROUP_ID`). */
  groupOf(app: string, variable?: string): string;
}

/** A benchmark: measures its figures (each beside a baseline of the same run). */
export interface Bench {
  name: string;
  description: string;
  run(context: BenchContext): Promise<Figure[]>;
}

/** A whole number from the environment, or `fallback`. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number`);
  return value;
}

/** Messages of the benchmark worker (apps/orchestrator/src/bench/bench-worker.ts). */
export type WorkerMessage =
  | { type: 'ready'; maxCachedWorkflows: number; reuseV8Context: boolean; workflowHeapMb: number }
  | { type: 'memory'; rss: number; heapUsed: number; external: number }
  | { type: 'error'; message: string };

/** A Temporal worker running in its own process. */
export interface WorkerProcess {
  child: ChildProcess;
  ready: Extract<WorkerMessage, { type: 'ready' }>;
  memory(): Promise<Extract<WorkerMessage, { type: 'memory' }>>;
  stop(): Promise<void>;
}

/**
 * Starts the orchestrator's benchmark worker (built by `nx run orchestrator:build`) as a child
 * process; BENCH_WORKER_NODE_ARGS adds Node options (e.g. `--max-old-space-size=1024`).
 */
export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const script = join(workspaceRoot, 'dist/out-tsc/apps/orchestrator/src/bench/bench-worker.js');
  if (!existsSync(script)) throw new Error(`${script} is missing: run nx run orchestrator:build`);
  const child = fork(script, [], {
    cwd: workspaceRoot,
    execArgv: [
      '--expose-gc',
      ...(process.env['BENCH_WORKER_NODE_ARGS'] ?? '').split(' ').filter(Boolean),
      '-r',
      join(workspaceRoot, 'tools/scripts/register-aliases.cjs'),
    ],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T extends WorkerMessage['type']>(type: T, timeoutMs: number) =>
    new Promise<Extract<WorkerMessage, { type: T }>>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`the benchmark worker sent no ${type} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const onMessage = (message: WorkerMessage) => {
        if (message.type === type) {
          cleanup();
          resolve(message as Extract<WorkerMessage, { type: T }>);
        } else if (message.type === 'error') {
          cleanup();
          reject(new Error(`benchmark worker: ${message.message}`));
        }
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`the benchmark worker exited (${code}) before ${type}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const ready = await next('ready', 120_000);
    return {
      child,
      ready,
      memory: () => {
        const reply = next('memory', 30_000);
        child.send({ type: 'memory' });
        return reply;
      },
      stop: async () => {
        if (child.exitCode === null) child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      },
    };
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}
