// The real workflows with a change a developer might ship to running workflows WITHOUT
// patched(): an extra activity call before anything else. Replaying an old history with it
// must fail (replay.spec.ts).
import { proxyActivities } from '@temporalio/workflow';
import { capacityBuildingWorkflow as original, type WorkflowActivities } from '@trellis/workflows';

export { obligationDeadlineWorkflow } from '@trellis/workflows';

const { publishObligationEvent } = proxyActivities<WorkflowActivities>({
  startToCloseTimeout: '10 seconds',
});

export async function capacityBuildingWorkflow(
  ...args: Parameters<typeof original>
): ReturnType<typeof original> {
  await publishObligationEvent(undefined as never);
  return original(...args);
}
