// Benchmark (not a test): workflow starts per second for capacity-building engagements against
// a trivial workflow started the same way in the same run, and worker memory with many open
// engagements. Real Temporal dev server (infra:up), in-process worker with no-op activities.
//
//   npm run bench:workflows            (N=300 starts each, 10,000 open engagements)
//   BENCH_STARTS=1000 BENCH_OPEN=2000 npm run bench:workflows
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { EngagementCreatedV1, eventFixture, workflowStartFromEvent } from '@trellis/contracts';
import type { WorkflowActivities } from '@trellis/workflows';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { workflowBundlerOptions, workspaceRoot } from '../worker/workflow-bundle';

const root = workspaceRoot();
const STARTS = Number(process.env['BENCH_STARTS'] ?? 300);
const OPEN = Number(process.env['BENCH_OPEN'] ?? 10_000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 32);
const say = (m: string) => process.stdout.write(`[bench] ${m}\n`);

const noopActivities: WorkflowActivities = {
  publishReminder: () => Promise.resolve(),
  publishEscalation: () => Promise.resolve(),
  publishObligationEvent: () => Promise.resolve(),
  setEngagementPhase: () => Promise.resolve(),
};

function engagementInput() {
  const fixture = eventFixture(EngagementCreatedV1);
  const id = randomUUID();
  const event = JSON.parse(
    JSON.stringify(fixture).replaceAll(fixture.payload.engagementId, id),
  ) as typeof fixture;
  const start = workflowStartFromEvent({ ...event, id: randomUUID() });
  if (!start) throw new Error('no workflow start for the engagement-created fixture');
  return start;
}

/** Runs `count` starts with at most CONCURRENCY in flight; returns starts per second. */
async function timeStarts(
  count: number,
  start: (i: number) => Promise<unknown>,
  label: string,
): Promise<number> {
  let next = 0;
  let done = 0;
  const t0 = process.hrtime.bigint();
  const progress = setInterval(() => say(`${label}: ${done}/${count}`), 5000);
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        await start(i);
        done++;
      }
    }),
  );
  clearInterval(progress);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return count / seconds;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const endpoints = JSON.parse(
    readFileSync(join(root, '.data', 'run', 'endpoints.json'), 'utf8'),
  ) as {
    temporalAddress: string;
    temporalNamespace: string;
  };
  const address = process.env['TEMPORAL_ADDRESS'] ?? endpoints.temporalAddress;
  const namespace = process.env['TEMPORAL_NAMESPACE'] ?? endpoints.temporalNamespace;
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });
  const taskQueue = `bench-${randomUUID().slice(0, 8)}`;
  const rssBefore = process.memoryUsage().rss;
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address }),
    namespace,
    taskQueue,
    // The TypeScript source (webpack compiles it with the path aliases; see workflow-bundle.ts).
    workflowsPath: join(root, 'apps', 'orchestrator', 'src', 'bench', 'bench.workflows.ts'),
    bundlerOptions: workflowBundlerOptions(root),
    activities: noopActivities,
    maxCachedWorkflows: Number(process.env['WORKER_MAX_CACHED_WORKFLOWS'] ?? 2000),
  });
  const running = worker.run();
  say(`worker on ${taskQueue}; ${STARTS} starts each, ${CONCURRENCY} in flight`);

  // Warm-up, then baseline and subject alternately measured in the same run.
  await timeStarts(
    20,
    () =>
      client.workflow.start('trivialWorkflow', { taskQueue, workflowId: `warm-${randomUUID()}` }),
    'warm-up',
  );
  const trivial = await timeStarts(
    STARTS,
    () =>
      client.workflow.start('trivialWorkflow', {
        taskQueue,
        workflowId: `trivial-${randomUUID()}`,
      }),
    'trivial',
  );
  const engagements = await timeStarts(
    STARTS,
    () => {
      const s = engagementInput();
      return client.workflow.start(s.workflowType, {
        taskQueue,
        workflowId: `bench-${s.workflowId}`,
        args: [s.input],
      });
    },
    'engagement',
  );
  say(
    `starts/s: engagement ${engagements.toFixed(1)}, trivial ${trivial.toFixed(1)}, ratio ${(engagements / trivial).toFixed(2)} (target ≥ 0.8)`,
  );

  // Memory with many open engagements (each waits for its agreement, with its deadline child).
  const remaining = Math.max(0, OPEN - STARTS);
  await timeStarts(
    remaining,
    () => {
      const s = engagementInput();
      return client.workflow.start(s.workflowType, {
        taskQueue,
        workflowId: `bench-${s.workflowId}`,
        args: [s.input],
      });
    },
    'open engagements',
  );
  // Let the worker run the first tasks of everything started.
  await new Promise((r) => setTimeout(r, 10_000));
  global.gc?.();
  const rss = process.memoryUsage().rss;
  const mib = (b: number) => Math.round(b / 1024 / 1024);
  say(
    `worker process RSS with ${OPEN} open engagements: ${mib(rss)} MiB (before the worker: ${mib(rssBefore)} MiB; target ≤ 1536 MiB)`,
  );

  const result = {
    at: new Date().toISOString(),
    startsPerSecond: { engagement: engagements, trivial, ratio: engagements / trivial },
    openEngagements: OPEN,
    rssMiB: { before: mib(rssBefore), withOpenEngagements: mib(rss) },
    settings: {
      STARTS,
      CONCURRENCY,
      maxCachedWorkflows: Number(process.env['WORKER_MAX_CACHED_WORKFLOWS'] ?? 2000),
    },
  };
  const out = join(root, 'dist', 'bench');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'workflow-starts.json'), JSON.stringify(result, null, 2));
  say(`written ${join(out, 'workflow-starts.json')}`);
  worker.shutdown();
  await running;
  await connection.close();
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
