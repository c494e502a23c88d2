import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { CONFIG } from '@trellis/platform-config';
import { LOGGER, type Logger } from '@trellis/platform-logging';
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import type { OrchestratorConfig } from '../config';
import type { WorkflowActivities } from '@trellis/workflows';
import { workflowBundlerOptions, workflowsSourcePath } from './workflow-bundle';

export const WORKFLOW_ACTIVITIES = Symbol('WORKFLOW_ACTIVITIES');

/**
 * Caps the V8 old space of isolates created from now on — the worker's workflow thread, made by
 * `Worker.create` — at `megabytes` (0: leave V8's default, sized from the machine's memory, under
 * which the thread's garbage grows its RSS into gigabytes). The main isolate keeps its limit.
 */
export function limitWorkflowThreadHeap(megabytes: number): void {
  if (megabytes > 0) setFlagsFromString(`--max-old-space-size=${Math.floor(megabytes)}`);
}

/**
 * Hosts the Temporal worker: workflows from a bundle made at build time (WORKFLOW_BUNDLE_PATH)
 * in production, bundled from source in development and tests; an explicit workflow cache
 * size; graceful shutdown (running activities get `shutdownGraceTime` to finish).
 */
@Injectable()
export class WorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker?: Worker;
  private connection?: NativeConnection;
  private running?: Promise<void>;

  constructor(
    @Inject(CONFIG) private readonly config: OrchestratorConfig,
    @Inject(WORKFLOW_ACTIVITIES) private readonly activities: WorkflowActivities,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.WORKER_ENABLED) return;
    limitWorkflowThreadHeap(this.config.WORKER_WORKFLOW_HEAP_MB);
    this.connection = await NativeConnection.connect({ address: this.config.TEMPORAL_ADDRESS });
    const bundle = this.config.WORKFLOW_BUNDLE_PATH;
    this.worker = await Worker.create({
      connection: this.connection,
      namespace: this.config.TEMPORAL_NAMESPACE,
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      ...(bundle && existsSync(bundle)
        ? { workflowBundle: { codePath: bundle } }
        : { workflowsPath: workflowsSourcePath(), bundlerOptions: workflowBundlerOptions() }),
      activities: this.activities,
      maxCachedWorkflows: this.config.WORKER_MAX_CACHED_WORKFLOWS,
      shutdownGraceTime: '10 seconds',
    });
    this.running = this.worker.run().catch((err: unknown) => {
      this.logger.fatal({ err }, 'Temporal worker stopped with an error');
      process.exitCode = 1;
    });
    this.logger.info(
      {
        taskQueue: this.config.TEMPORAL_TASK_QUEUE,
        cache: this.config.WORKER_MAX_CACHED_WORKFLOWS,
        workflowHeapMb: this.config.WORKER_WORKFLOW_HEAP_MB || 'V8 default',
      },
      'Temporal worker running',
    );
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.worker && this.worker.getState() === 'RUNNING') this.worker.shutdown();
    await this.running;
    await this.connection?.close();
  }
}
