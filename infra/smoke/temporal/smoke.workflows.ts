// Workflows for the Temporal smoke tests (bundled by the worker; deterministic code only).
import {
  condition,
  defineQuery,
  defineSignal,
  proxyActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { SmokeActivities } from './smoke.activities';

export const approveSignal = defineSignal<[string]>('approve');
export const stateQuery = defineQuery<{ stage: string; approvedBy?: string }>('state');

const { greet } = proxyActivities<SmokeActivities>({ startToCloseTimeout: '10 seconds' });

/** Activity, timer, signal and query in one small workflow. */
export async function smokeWorkflow(name: string): Promise<string> {
  let stage = 'started';
  let approvedBy: string | undefined;
  setHandler(stateQuery, () => ({ stage, approvedBy }));
  setHandler(approveSignal, (who) => {
    approvedBy = who;
  });
  const greeting = await greet(name);
  stage = 'timer';
  await sleep('1 second');
  stage = 'waiting-for-approval';
  await condition(() => approvedBy !== undefined);
  stage = 'done';
  return `${greeting}; approved by ${approvedBy}`;
}

/** Sleeps thirty days and reports how much workflow time passed (ms). */
export async function thirtyDaysWorkflow(): Promise<number> {
  const start = Date.now();
  await sleep('30 days');
  return Date.now() - start;
}
