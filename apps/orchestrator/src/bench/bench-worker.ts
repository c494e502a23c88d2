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
// BENCH_WORKFLOWS (`production` | `bench`), WORKER_MAX_CACHED_WORKFLOWS, WORKER_WORKFLOW_HEAP_MB,
// WORKER_REUSE_V8_CONTEXT.
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { WorkflowActivities } from '@trellis/workflows';
import { join, resolve } from 'node:path';
import { orchestratorConfigSchema } from '../config';
import { limitWorkflowThreadHeap } from '../worker/worker.service';
import { workflowBundlerOptions, workspaceRoot } from '../worker/workflow-bundle';

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
  const workflows =
    process.env['BENCH_WORKFLOWS'] === 'bench'
      ? {
          workflowsPath: join(root, 'apps', 'orchestrator', 'src', 'bench', 'bench.workflows.ts'),
          bundlerOptions: workflowBundlerOptions(root),
        }
      : {
          workflowBundle: {
            codePath: resolve(
              root,
              process.env['WORKFLOW_BUNDLE_PATH'] ?? 'dist/workflow-bundle/capacity-building.js',
            ),
          },
        };
  // As the orchestrator's worker does (its defaults unless overridden).
  const workflowHeapMb = orchestratorConfigSchema.shape.WORKER_WORKFLOW_HEAP_MB.parse(
    process.env['WORKER_WORKFLOW_HEAP_MB'],
  );
  limitWorkflowThreadHeap(workflowHeapMb);
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace: process.env['TEMPORAL_NAMESPACE'] ?? 'default',
    taskQueue: required('TEMPORAL_TASK_QUEUE'),
    ...workflows,
    activities: noopActivities,
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
  process.exit(0);
}

main().catch((err: unknown) => {
  send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  process.stderr.write(
    `bench worker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
