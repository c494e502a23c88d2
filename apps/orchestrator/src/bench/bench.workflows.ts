// Workflow entry for the start benchmark: the real workflows plus a trivial baseline that
// stays open (like an engagement waiting for its agreement) until signalled.
import { condition, defineSignal, setHandler } from '@temporalio/workflow';

export * from '@trellis/workflows';

export const closeTrivial = defineSignal('close');

export async function trivialWorkflow(): Promise<void> {
  let closed = false;
  setHandler(closeTrivial, () => {
    closed = true;
  });
  await condition(() => closed);
}
