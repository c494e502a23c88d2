import { Worker } from '@temporalio/worker';
import { testTemporal, timeSkippingEnvironment, uniqueName } from '@trellis/testing';
import { createSmokeActivities } from './temporal/smoke.activities';
import {
  approveSignal,
  smokeWorkflow,
  stateQuery,
  thirtyDaysWorkflow,
} from './temporal/smoke.workflows';

const workflowsPath = require.resolve('./temporal/smoke.workflows');

describe('Temporal dev server (real server)', () => {
  it('runs a workflow with an activity, a timer, a signal and a query through the client', async () => {
    const temporal = await testTemporal();
    const taskQueue = uniqueName('smoke-queue');
    const worker = await Worker.create({
      connection: temporal.nativeConnection,
      namespace: temporal.namespace,
      taskQueue,
      workflowsPath,
      activities: createSmokeActivities('Hello'),
    });
    try {
      await worker.runUntil(async () => {
        const handle = await temporal.client.workflow.start(smokeWorkflow, {
          taskQueue,
          workflowId: uniqueName('smoke-wf'),
          args: ['defenders'],
        });
        // Wait until the workflow is blocked on the signal, observed through the query.
        let state = await handle.query(stateQuery);
        for (let i = 0; i < 100 && state.stage !== 'waiting-for-approval'; i++) {
          await new Promise((r) => setTimeout(r, 100));
          state = await handle.query(stateQuery);
        }
        expect(state).toEqual({ stage: 'waiting-for-approval' });
        await handle.signal(approveSignal, 'program-manager');
        expect(await handle.result()).toBe('Hello, defenders; approved by program-manager');
        expect(await handle.query(stateQuery)).toEqual({
          stage: 'done',
          approvedBy: 'program-manager',
        });
      });
    } finally {
      await temporal.dispose();
    }
  });
});

describe('Temporal time-skipping test server', () => {
  it('lets thirty days of workflow time pass in seconds', async () => {
    const env = await timeSkippingEnvironment();
    try {
      const taskQueue = uniqueName('skip-queue');
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowsPath,
        activities: createSmokeActivities('Hi'),
      });
      const started = Date.now();
      const elapsedInWorkflow = await worker.runUntil(
        env.client.workflow.execute(thirtyDaysWorkflow, {
          taskQueue,
          workflowId: uniqueName('skip-wf'),
        }),
      );
      const thirtyDays = 30 * 24 * 3600 * 1000;
      expect(elapsedInWorkflow).toBeGreaterThanOrEqual(thirtyDays);
      // Wall-clock time is reported, not asserted (speed is measured by benchmarks).
      process.stderr.write(
        `time-skipping: 30 days of workflow time in ${Date.now() - started} ms\n`,
      );
    } finally {
      await env.teardown();
    }
  });
});
