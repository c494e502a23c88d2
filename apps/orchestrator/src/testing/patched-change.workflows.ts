// The same change as unpatched-change.workflows.ts, shipped the right way: behind patched(),
// so histories recorded before it replay unchanged while new executions take the new path.
import { patched, proxyActivities } from '@temporalio/workflow';
import { capacityBuildingWorkflow as original, type WorkflowActivities } from '@trellis/workflows';

export { obligationDeadlineWorkflow } from '@trellis/workflows';

const { publishObligationEvent } = proxyActivities<WorkflowActivities>({
  startToCloseTimeout: '10 seconds',
});

export async function capacityBuildingWorkflow(
  ...args: Parameters<typeof original>
): ReturnType<typeof original> {
  if (patched('replay-demo-extra-activity')) {
    await publishObligationEvent(undefined as never);
  }
  return original(...args);
}
