// Records the workflow histories that replay.spec.ts replays (not part of `npm test`):
//   npm run record:histories
// Runs every scenario of scenarios.ts on the real time-skipping test server with the current
// workflow code and no-op activities, and writes apps/orchestrator/test/histories/<name>.json.
// Re-record only for a deliberate, patched() change; commit the new files with the change.
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { timeSkippingEnvironment, uniqueName } from '@trellis/testing';
import type { WorkflowActivities } from '@trellis/workflows';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workflowBundlerOptions, workflowsSourcePath } from '../worker/workflow-bundle';
import { scenarios } from './scenarios';

export const HISTORIES_DIR = join(__dirname, '..', '..', 'test', 'histories');

const noop: WorkflowActivities = {
  publishReminder: () => Promise.resolve(),
  publishEscalation: () => Promise.resolve(),
  publishObligationEvent: () => Promise.resolve(),
  setEngagementPhase: () => Promise.resolve(),
};

it('records the replay histories', async () => {
  const env = await timeSkippingEnvironment();
  try {
    const taskQueue = uniqueName('record');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: workflowsSourcePath(),
      bundlerOptions: workflowBundlerOptions(),
      activities: noop,
    });
    mkdirSync(HISTORIES_DIR, { recursive: true });
    await worker.runUntil(async () => {
      for (const scenario of scenarios()) {
        const handle = await env.client.workflow.start('capacityBuildingWorkflow', {
          taskQueue,
          workflowId: scenario.workflowId,
          args: [scenario.input],
        });
        for (const step of scenario.steps) {
          if (step.kind === 'signal') await handle.signal(step.name, step.args);
          else await env.sleep(step.ms);
        }
        await handle.result();
        const history = await handle.fetchHistory();
        const file = join(HISTORIES_DIR, `${scenario.name}.json`);
        writeFileSync(file, historyToJSON(history) + '\n');
        process.stdout.write(`recorded ${file} (${history.events?.length ?? 0} events)\n`);
      }
    });
  } finally {
    await env.teardown();
  }
});
