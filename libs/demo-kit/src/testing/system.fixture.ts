import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common';
import { TOPICS } from '@trellis/contracts';
import {
  mongoUrlForDatabase,
  resolveEndpoints,
  testKafka,
  testRunId,
  workspaceRoot,
} from '@trellis/testing';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { createConnection } from 'node:net';
import { join, relative } from 'node:path';
import mongoose from 'mongoose';

/*
 * Every app of the workspace as real processes, started the way `npm start` starts them
 * (`tools/scripts/start.mjs --no-build`, and `--no-demo` unless the demo is asked for) on their
 * own ports (TRELLIS_APP_PORT_OFFSET) and isolated from a running `npm start` and from earlier
 * runs:
 *
 * - each database variable of each app (`*MONGO_DB`) and each consumer group (`*GROUP_ID`),
 *   found in the app's `src/config.ts`, gets a name of this run; the databases are dropped and
 *   the groups deleted afterwards;
 * - the consumer groups are created at the current end of every Trellis topic before the apps
 *   start, so they do not replay the topics' history (engagements of other runs);
 * - workflows run in the Temporal namespace `trellis-e2e` on a task queue of this run;
 * - the gateway bootstraps an admin of this run.
 *
 * Every app writes its full output to `<logDir>/<app>.log`, `npm start`'s console goes to
 * `<logDir>/start.log` (kept when asked, e.g. when the test failed).
 *
 * With `restartableApps` the harness runs each app itself (same environment, computed by
 * tools/scripts/lib/apps.mjs) instead of through `npm start` — which stops everything when one
 * app exits — so a fault test can kill one app and start it again (`restartApp`).
 */

/** A runnable app (project.json `metadata.port`) with its test port. */
export interface SystemApp {
  name: string;
  root: string;
  port: number;
}

/** Options of {@link startSystem}. */
export interface SystemOptions {
  /** How long the apps may take to be ready (default 120 s). */
  readyTimeoutMs?: number;
  /** Run the demo after the apps, as `npm start` does, with these extra variables. */
  demo?: { env?: Record<string, string> };
  /**
   * Run every app as a process of the harness (not under `npm start`, which stops everything
   * when one app exits), so one app can be killed and restarted ({@link RunningSystem.restartApp});
   * no demo then.
   */
  restartableApps?: boolean;
  /** Extra variables per app (`{ gateway: { RATE_LIMIT_PER_MINUTE: '100000' } }`), over the harness's. */
  appEnv?: Record<string, Record<string, string>>;
}

/** The running system. */
export interface RunningSystem {
  apps: SystemApp[];
  gatewayUrl: string;
  adminUsername: string;
  adminPassword: string;
  /** Where every app's output is (`start.log`: what `npm start` printed). */
  logDir: string;
  /** The Temporal namespace and the orchestrator's task queue of this run. */
  temporal: { namespace: string; taskQueue: string };
  /** The value this run gave an app's variable (e.g. its `MONGO_DB` or `KAFKA_GROUP_ID`). */
  variableOf(app: string, variable: string): string;
  /** Waits until the runner's console output matches `pattern`; returns the output. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<string>;
  /**
   * Kills one app (SIGKILL) and starts it again with the same environment; resolves when it is
   * ready. Only with `restartableApps`.
   */
  restartApp(name: string): Promise<void>;
  /** Stops every app; drops the run's databases and groups; removes the logs if `keepLogs` is false. */
  stop(options?: { keepLogs?: boolean }): Promise<void>;
}

/** The Temporal namespace of end-to-end runs (created once, kept). */
export const E2E_NAMESPACE = 'trellis-e2e';

const DEFAULT_PORT_OFFSET = 200;

/** The apps of the workspace (as tools/scripts/lib/apps.mjs finds them), ports offset. */
export function discoverApps(offset: number): SystemApp[] {
  const dir = join(workspaceRoot, 'apps');
  return readdirSync(dir)
    .map((name) => join(dir, name, 'project.json'))
    .filter((file) => existsSync(file))
    .map(
      (file) =>
        JSON.parse(readFileSync(file, 'utf8')) as {
          name: string;
          sourceRoot: string;
          metadata?: { port?: number };
          targets?: { build?: unknown };
        },
    )
    .filter((p) => p.metadata?.port !== undefined && p.targets?.build !== undefined)
    .map((p) => ({
      name: p.name,
      root: p.sourceRoot.replace(/\/src$/, ''),
      port: (p.metadata?.port ?? 0) + offset,
    }));
}

/**
 * Builds the apps and the demo through Nx (cached when nothing changed). With
 * TRELLIS_E2E_SKIP_BUILD=1 (the Nx test target, which depends on those builds) it only checks
 * that they are built.
 */
export function buildApps(apps: readonly SystemApp[]): void {
  const projects = [...apps, { name: 'demo', root: 'tools/demo', port: 0 }];
  if (process.env['TRELLIS_E2E_SKIP_BUILD'] === '1') {
    const missing = projects.filter(
      (a) => !existsSync(join(workspaceRoot, 'dist', 'out-tsc', a.root, 'src', 'main.js')),
    );
    if (missing.length > 0) {
      throw new Error(`not built: ${missing.map((a) => a.name).join(', ')} (run their build)`);
    }
    return;
  }
  const result = spawnSync(
    join(workspaceRoot, 'node_modules', '.bin', 'nx'),
    [
      'run-many',
      '-t',
      'build',
      '--projects',
      projects.map((a) => a.name).join(','),
      '--outputStyle=static',
    ],
    { cwd: workspaceRoot, encoding: 'utf8', env: { ...process.env, NX_DAEMON: 'false' } },
  );
  if (result.status !== 0) {
    throw new Error(
      `building the apps failed:\n${`${result.stdout}\n${result.stderr}`.slice(-4000)}`,
    );
  }
}

/** Variables of an app's config naming a database (`*MONGO_DB`) or a consumer group (`*GROUP_ID`). */
function isolatedVariables(app: SystemApp): { databases: string[]; groups: string[] } {
  const file = join(workspaceRoot, app.root, 'src', 'config.ts');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const names = (suffix: string) =>
    [
      ...new Set(
        [...text.matchAll(new RegExp(`\\b((?:[A-Z][A-Z0-9]*_)*${suffix})\\b`, 'g'))].map(
          (m) => m[1] ?? '',
        ),
      ),
    ].filter(Boolean);
  return { databases: names('MONGO_DB'), groups: names('GROUP_ID') };
}

async function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Creates the end-to-end namespace if it does not exist (idempotent). */
async function ensureNamespace(address: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    try {
      await connection.workflowService.describeNamespace({ namespace: E2E_NAMESPACE });
      return;
    } catch {
      // not there yet
    }
    try {
      await connection.workflowService.registerNamespace({
        namespace: E2E_NAMESPACE,
        workflowExecutionRetentionPeriod: msToTs('1 day'),
      });
    } catch (err) {
      // Registered concurrently: fine.
      if (!/already/i.test(err instanceof Error ? err.message : '')) throw err;
    }
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await connection.workflowService.describeNamespace({ namespace: E2E_NAMESPACE });
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } finally {
    await connection.close();
  }
}

/**
 * Creates the consumer groups at the current end of every Trellis topic: one short-lived member
 * per group (all at once) joins, commits the high watermarks and leaves, so the apps' consumers
 * start there instead of replaying the topics' history.
 */
async function positionGroupsAtEnd(groups: readonly string[]): Promise<void> {
  const kafka = testKafka();
  const topics = Object.values(TOPICS);
  const admin = kafka.admin();
  await admin.connect();
  let ends: Array<{ topic: string; partition: number; offset: string }>;
  try {
    const perTopic = await Promise.all(
      topics.map(async (topic) => ({ topic, offsets: await admin.fetchTopicOffsets(topic) })),
    );
    ends = perTopic.flatMap(({ topic, offsets }) =>
      offsets.map((o) => ({ topic, partition: o.partition, offset: o.high })),
    );
  } finally {
    await admin.disconnect();
  }
  await Promise.all(
    groups.map(async (groupId) => {
      const consumer = kafka.consumer({
        groupId,
        sessionTimeout: 10_000,
        heartbeatInterval: 500,
        maxWaitTimeInMs: 100,
      });
      await consumer.connect();
      try {
        const joined = new Promise<void>((resolve) => {
          consumer.on(consumer.events.GROUP_JOIN, () => resolve());
        });
        await consumer.subscribe({ topics, fromBeginning: false });
        await consumer.run({ autoCommit: false, eachMessage: () => Promise.resolve() });
        consumer.pause(topics.map((topic) => ({ topic })));
        await joined;
        await consumer.commitOffsets(ends);
      } finally {
        await consumer.disconnect();
      }
    }),
  );
}

async function deleteGroups(groups: readonly string[]): Promise<void> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    await admin.deleteGroups([...groups]).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

async function dropDatabases(names: readonly string[]): Promise<void> {
  const { mongoUrl } = resolveEndpoints();
  for (const name of names) {
    const connection = await mongoose
      .createConnection(mongoUrlForDatabase(mongoUrl, name), { serverSelectionTimeoutMS: 5000 })
      .asPromise();
    try {
      await connection.dropDatabase();
    } finally {
      await connection.close();
    }
  }
}

/** The apps' processes, however they were started. */
interface AppProcesses {
  /** Signals every process (0: probes); false when none is left. */
  signal: (signal: NodeJS.Signals | 0) => boolean;
  /** Resolves when every process exited. */
  exited: () => Promise<void>;
  /** Throws when a process the harness expects to run has exited. */
  alive: () => void;
  /** What the processes printed on the console (npm start's output). */
  output: () => string;
  /** Kills one app's process and starts it again (own processes only). */
  restart?: (name: string) => Promise<void>;
}

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** `tools/scripts/start.mjs` running every app (and the demo when asked), as `npm start`. */
function npmStartProcess(env: NodeJS.ProcessEnv, logDir: string, demo: boolean): AppProcesses {
  const runnerLog = createWriteStream(join(logDir, 'start.log'));
  const runner = spawn(
    process.execPath,
    [
      join(workspaceRoot, 'tools', 'scripts', 'start.mjs'),
      '--no-build',
      ...(demo ? [] : ['--no-demo']),
    ],
    { cwd: workspaceRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  for (const stream of [runner.stdout, runner.stderr]) {
    stream?.pipe(runnerLog, { end: false });
    stream?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  }
  const exited = new Promise<void>((resolve) =>
    runner.once('exit', () => {
      runnerLog.end();
      resolve();
    }),
  );
  const group = runner.pid === undefined ? undefined : -runner.pid;
  return {
    signal: (signal) => signalGroup(group, signal),
    exited: () => exited,
    alive: () => {
      if (hasExited(runner)) {
        throw new Error(`the apps stopped before they were ready (runner exit ${runner.exitCode})`);
      }
    },
    output: () => output,
  };
}

function signalGroup(group: number | undefined, signal: NodeJS.Signals | 0): boolean {
  if (group === undefined) return false;
  try {
    process.kill(group, signal);
    return true;
  } catch {
    return false; // every process of the group has exited
  }
}

/**
 * Every app as a process of the harness, with the environment `npm start` gives it (computed by
 * tools/scripts/lib/apps.mjs) and its output appended to `<logDir>/<app>.log`.
 */
function ownAppProcesses(
  apps: readonly SystemApp[],
  env: NodeJS.ProcessEnv,
  logDir: string,
): AppProcesses {
  const script = [
    `import { appEnv, discoverApps } from ${JSON.stringify(join(workspaceRoot, 'tools', 'scripts', 'lib', 'apps.mjs'))};`,
    `const root = ${JSON.stringify(workspaceRoot)};`,
    'const apps = discoverApps(root);',
    'process.stdout.write(JSON.stringify(Object.fromEntries(apps.map((a) => [a.name, appEnv(root, a, apps)]))));',
  ].join('\n');
  const computed = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: workspaceRoot,
    env,
    encoding: 'utf8',
  });
  if (computed.status !== 0) {
    throw new Error(`computing the apps' environment failed: ${computed.stderr.slice(-2000)}`);
  }
  const envs = JSON.parse(computed.stdout) as Record<string, NodeJS.ProcessEnv>;
  const children = new Map<string, ChildProcess>();
  const expectedExit = new Set<ChildProcess>();
  const launch = (app: SystemApp) => {
    const log = openSync(join(logDir, `${app.name}.log`), 'a');
    const child = spawn(
      process.execPath,
      [
        '--enable-source-maps',
        '-r',
        join(workspaceRoot, 'tools', 'scripts', 'register-aliases.cjs'),
        join(workspaceRoot, 'dist', 'out-tsc', app.root, 'src', 'main.js'),
      ],
      { cwd: workspaceRoot, env: envs[app.name], detached: true, stdio: ['ignore', log, log] },
    );
    closeSync(log);
    children.set(app.name, child);
  };
  apps.forEach(launch);
  const each = (signal: NodeJS.Signals | 0) =>
    [...children.values()]
      .map((child) => signalGroup(child.pid === undefined ? undefined : -child.pid, signal))
      .some(Boolean);
  const untilExit = (child: ChildProcess) =>
    hasExited(child)
      ? Promise.resolve()
      : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    signal: (signal) => {
      if (signal !== 0) [...children.values()].forEach((c) => expectedExit.add(c));
      return each(signal);
    },
    exited: async () => {
      await Promise.all([...children.values()].map(untilExit));
    },
    alive: () => {
      for (const [name, child] of children) {
        if (hasExited(child) && !expectedExit.has(child)) {
          throw new Error(`${name} exited (code ${child.exitCode}); see ${name}.log`);
        }
      }
    },
    output: () => '',
    restart: async (name) => {
      const app = apps.find((a) => a.name === name);
      const child = children.get(name);
      if (!app || !child) throw new Error(`no app ${name}`);
      expectedExit.add(child);
      signalGroup(child.pid === undefined ? undefined : -child.pid, 'SIGKILL');
      await untilExit(child);
      launch(app);
    },
  };
}

async function waitReady(
  apps: readonly SystemApp[],
  alive: () => void,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(apps.map((a) => a.name));
  while (pending.size > 0) {
    alive();
    for (const app of apps) {
      if (!pending.has(app.name)) continue;
      try {
        const res = await fetch(`http://127.0.0.1:${app.port}/health/ready`, {
          signal: AbortSignal.timeout(2000),
        });
        if (res.status === 200) pending.delete(app.name);
      } catch {
        // not listening yet
      }
    }
    if (pending.size === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`not ready after ${timeoutMs / 1000} s: ${[...pending].join(', ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Starts every app of the workspace (see the file comment). */
export async function startSystem(options: SystemOptions = {}): Promise<RunningSystem> {
  const offset = Number(process.env['TRELLIS_E2E_PORT_OFFSET'] ?? DEFAULT_PORT_OFFSET);
  const apps = discoverApps(offset);
  const gateway = apps.find((a) => a.name === 'gateway');
  if (!gateway) throw new Error('there is no gateway app: the end-to-end test drives the gateway');
  for (const app of apps) {
    if (await portInUse(app.port)) {
      throw new Error(
        `port ${app.port} (${app.name}) is in use: set TRELLIS_E2E_PORT_OFFSET to another offset`,
      );
    }
  }
  buildApps(apps);

  const run = `e2e_${testRunId}`.toLowerCase();
  const adminUsername = 'e2e-admin';
  const adminPassword = `e2e-${randomBytes(12).toString('hex')}`;
  const databases: string[] = [];
  const groups: string[] = [];
  const taskQueue = `trellis-capacity-building-${run}`;
  const overrides: Record<string, Record<string, string>> = {
    '*': { TEMPORAL_NAMESPACE: E2E_NAMESPACE, OUTBOX_POLL_MS: '100', LOG_LEVEL: 'info' },
    gateway: { BOOTSTRAP_ADMIN_USERNAME: adminUsername, BOOTSTRAP_ADMIN_PASSWORD: adminPassword },
    orchestrator: { TEMPORAL_TASK_QUEUE: taskQueue },
  };
  for (const [name, vars] of Object.entries(options.appEnv ?? {})) {
    overrides[name] = { ...overrides[name], ...vars };
  }
  for (const app of apps) {
    const short = app.name.replace(/-service$/, '').replace(/[^a-z0-9]+/g, '_');
    const vars = isolatedVariables(app);
    const own = (overrides[app.name] ??= {});
    for (const variable of vars.databases) {
      own[variable] =
        `${run}_${short}_${variable.toLowerCase().replace(/_?mongo_db$/, '') || 'data'}`;
      databases.push(own[variable]);
    }
    for (const variable of vars.groups) {
      own[variable] = `${run}-${app.name}-${variable.toLowerCase().replace(/_/g, '-')}`;
      groups.push(own[variable]);
    }
  }

  const { temporalAddress } = resolveEndpoints();
  await ensureNamespace(temporalAddress);
  await positionGroupsAtEnd(groups);

  const logDir = join(workspaceRoot, '.data', 'e2e', run);
  mkdirSync(logDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TRELLIS_APP_PORT_OFFSET: String(offset),
    TRELLIS_APP_LOG_DIR: logDir,
    TRELLIS_APP_ENV: JSON.stringify(overrides),
    ...options.demo?.env,
  };
  delete env['NODE_ENV']; // Jest's "test": the apps run as `npm start` runs them
  const processes = options.restartableApps
    ? ownAppProcesses(apps, env, logDir)
    : npmStartProcess(env, logDir, options.demo !== undefined);
  // Should the test process end without afterAll (a crash), the apps must not outlive it.
  const onExit = () => processes.signal('SIGKILL');
  process.once('exit', onExit);

  let stopped = false;
  const stop = async ({ keepLogs = false }: { keepLogs?: boolean } = {}) => {
    if (stopped) return;
    stopped = true;
    processes.signal('SIGTERM');
    const deadline = Date.now() + 20_000;
    while (processes.signal(0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    processes.signal('SIGKILL');
    await processes.exited();
    process.removeListener('exit', onExit);
    await dropDatabases(databases).catch(() => undefined);
    await deleteGroups(groups).catch(() => undefined);
    if (!keepLogs) rmSync(logDir, { recursive: true, force: true });
  };

  try {
    await waitReady(apps, processes.alive, options.readyTimeoutMs ?? 120_000);
  } catch (err) {
    await stop({ keepLogs: true });
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`${message}; app logs: ${relative(process.cwd(), logDir) || logDir}`);
  }
  const waitForOutput = async (pattern: RegExp, timeoutMs: number): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(processes.output())) {
      if (Date.now() > deadline) {
        throw new Error(`npm start did not print ${String(pattern)} within ${timeoutMs / 1000} s`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return processes.output();
  };
  const restartApp = async (name: string): Promise<void> => {
    const app = apps.find((a) => a.name === name);
    if (!app || !processes.restart) {
      throw new Error(`cannot restart ${name}: start the system with restartableApps`);
    }
    await processes.restart(name);
    await waitReady([app], processes.alive, options.readyTimeoutMs ?? 120_000);
  };
  return {
    apps,
    gatewayUrl: `http://127.0.0.1:${gateway.port}`,
    waitForOutput,
    restartApp,
    adminUsername,
    adminPassword,
    logDir,
    temporal: { namespace: E2E_NAMESPACE, taskQueue },
    variableOf: (app, variable) => {
      const value = overrides[app]?.[variable];
      if (value === undefined) throw new Error(`this run set no ${variable} for ${app}`);
      return value;
    },
    stop,
  };
}
