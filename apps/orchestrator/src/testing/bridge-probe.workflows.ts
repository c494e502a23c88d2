// A probe registered as `capacityBuildingWorkflow` on a test task queue: it records what the
// bridge delivers (start input and every signal) so the bridge can be tested on the real
// Temporal server independently of the real workflow's behaviour.
import { condition, defineQuery, setDefaultSignalHandler, setHandler } from '@temporalio/workflow';

export interface ProbeState {
  engagementId: string;
  signals: { name: string; eventId?: string }[];
}

export const probeStatus = defineQuery<ProbeState>('status.v1');

export async function capacityBuildingWorkflow(input: { engagementId: string }): Promise<void> {
  const state: ProbeState = { engagementId: input.engagementId, signals: [] };
  setHandler(probeStatus, () => state);
  setDefaultSignalHandler((name, ...args: unknown[]) => {
    const first = args[0] as { eventId?: string } | undefined;
    state.signals.push({ name, ...(first?.eventId ? { eventId: first.eventId } : {}) });
  });
  await condition(() => false);
}
