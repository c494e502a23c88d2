// A Temporal worker in its own process for the benchmarks (tools/bench), started the way
// production starts it: workflows from the prebuilt bundle (WORKFLOW_BUNDLE_PATH, made by
// `nx run orchestrator:build`) — or, for the start benchmark's trivial baseline, bundled from
// bench.workflows.ts when BENCH_WORKFLOWS=bench — with no-op activities. It reports its memory
// to the parent over IPC (`{ type: 'memory' }` → `{ rss, heapUsed }`) and stops on SIGTERM.
//
//   node --expose-gc -r ./tools/scripts/register-aliases.cjs \
//     dist/out-tsc/apps/orchestrator/src/bench/bench-worker.js
//
// Environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, WORKFLOW_BUNDLE_PATH,
// BENCH_WORKFLOWS (`production` | `bench` | `bare`), WORKER_MAX_CACHED_WORKFLOWS, WORKER_WORKFLOW_HEAP_MB,
// WORKER_REUSE_V8_CONTEXT; BENCH_ARRIVALS_MONGO_URL and BENCH_ARRIVALS_DB for the baseline's
// `recordArrival` activity (collection `arrivals`: `{ _id, at, recordedAt }`).
import {
  bundleWorkflowCode,
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
} from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import type { WorkflowActivities } from '@trellis/workflows';
import { MongoClient } from 'mongodb';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { orchestratorConfigSchema } from '../config';
import { limitWorkflowThreadHeap } from '../worker/worker.service';
import { workflowBundlerOptions, workspaceRoot } from '../worker/workflow-bundle';
import type { BenchActivities } from './bare.workflows';

/** Messages the benchmark worker sends to its parent. */
export type BenchWorkerMessage =
  | { type: 'ready'; maxCachedWorkflows: number; reuseV8Context: boolean; workflowHeapMb: number }
  | { type: 'memory'; rss: number; heapUsed: number; external: number }
  | { type: 'error'; message: string };

const noopActivities: WorkflowActivities = {
  publishReminder: () => Promise.resolve(),
  publishEscalation: () => Promise.resolve(),
  publishObligationEvent: () => Promise.resolve(),
  setEngagementPhase: () => Promise.resolve(),
};

/**
 * The reminder baseline's activity: inserts `{ _id, at, recordedAt }` into the `arrivals`
 * collection (a redelivery inserts nothing new). Without BENCH_ARRIVALS_MONGO_URL it fails
 * without retry.
 */
function benchActivities(): { activities: BenchActivities; close: () => Promise<void> } {
  const url = process.env['BENCH_ARRIVALS_MONGO_URL'];
  if (!url) {
    return {
      activities: {
        recordArrival: () =>
          Promise.reject(
            ApplicationFailure.nonRetryable('BENCH_ARRIVALS_MONGO_URL is not set', 'NO_MONGO'),
          ),
      },
      close: () => Promise.resolve(),
    };
  }
  const client = new MongoClient(url);
  const arrivals = client
    .db(process.env['BENCH_ARRIVALS_DB'] ?? 'bench_arrivals')
    .collection<{ _id: string; at: Date; recordedAt: Date }>('arrivals');
  return {
    activities: {
      async recordArrival({ id, at }) {
        const recordedAt = new Date();
        await arrivals.updateOne(
          { _id: id },
          { $setOnInsert: { at: new Date(at), recordedAt } },
          { upsert: true },
        );
      },
    },
    close: () => client.close(),
  };
}

/**
 * Bundles a benchmark entry — bench.workflows.ts (the real workflows and the baselines) or
 * bare.workflows.ts (the baselines alone) — into a file of dist/workflow-bundle.
 */
async function bundleBenchWorkflows(root: string, entry: string): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: join(root, 'apps', 'orchestrator', 'src', 'bench', entry),
    ...workflowBundlerOptions(root),
  });
  const out = join(root, 'dist', 'workflow-bundle', `bench-${process.pid}.js`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, code);
  process.once('exit', () => rmSync(out, { force: true }));
  return out;
}

function send(message: BenchWorkerMessage): void {
  if (process.send) process.send(message);
  else process.stdout.write(`${JSON.stringify(message)}\n`);
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const root = workspaceRoot();
  const address = required('TEMPORAL_ADDRESS');
  // The orchestrator's own default unless overridden (the figure the benchmark reports on).
  const maxCachedWorkflows = orchestratorConfigSchema.shape.WORKER_MAX_CACHED_WORKFLOWS.parse(
    process.env['WORKER_MAX_CACHED_WORKFLOWS'],
  );
  const reuseV8Context = process.env['WORKER_REUSE_V8_CONTEXT'] !== 'false';
  // The benchmark workflows are bundled here and loaded from the file like the production
  // bundle: a worker given `workflowsPath` (bundling inside Worker.create) ran out of its
  // workflow-thread heap with 1,000 open workflows, where the file-loaded bundle holds 10,000.
  const entry = process.env['BENCH_WORKFLOWS'];
  const codePath =
    entry === 'bench' || entry === 'bare'
      ? await bundleBenchWorkflows(root, `${entry}.workflows.ts`)
      : resolve(
          root,
          process.env['WORKFLOW_BUNDLE_PATH'] ?? 'dist/workflow-bundle/capacity-building.js',
        );
  const workflows = { workflowBundle: { codePath } };
  // As the orchestrator's worker does (its defaults unless overridden).
  const workflowHeapMb = orchestratorConfigSchema.shape.WORKER_WORKFLOW_HEAP_MB.parse(
    process.env['WORKER_WORKFLOW_HEAP_MB'],
  );
  limitWorkflowThreadHeap(workflowHeapMb);
  const connection = await NativeConnection.connect({ address });
  const bench = benchActivities();
  const worker = await Worker.create({
    connection,
    namespace: process.env['TEMPORAL_NAMESPACE'] ?? 'default',
    taskQueue: required('TEMPORAL_TASK_QUEUE'),
    ...workflows,
    activities: { ...noopActivities, ...bench.activities },
    maxCachedWorkflows,
    reuseV8Context,
  });
  process.on('message', (message: { type?: string }) => {
    if (message.type !== 'memory') return;
    global.gc?.();
    const { rss, heapUsed, external } = process.memoryUsage();
    send({ type: 'memory', rss, heapUsed, external });
  });
  process.once('SIGTERM', () => worker.shutdown());
  process.once('disconnect', () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
  });
  const running = worker.run();
  send({ type: 'ready', maxCachedWorkflows, reuseV8Context, workflowHeapMb });
  await running;
  await connection.close();
  await bench.close();
  process.exit(0);
}

main().catch((err: unknown) => {
  send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  process.stderr.write(
    `bench worker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
