// Workflow entry of the benchmark worker's baselines (tools/bench), with nothing of Trellis in
// it: a trivial workflow that stays open (like an engagement waiting for its agreement) until
// signalled, for the start benchmark, and a bare sleep-then-activity workflow, for the
// reminder-latency benchmark. Temporal evaluates a bundle's modules once per workflow, so a
// baseline bundled with the real workflows would pay their cost too.
import { condition, defineSignal, proxyActivities, setHandler, sleep } from '@temporalio/workflow';

export const closeTrivial = defineSignal('close');

export async function trivialWorkflow(): Promise<void> {
  let closed = false;
  setHandler(closeTrivial, () => {
    closed = true;
  });
  await condition(() => closed);
}

/** Input of {@link sleepThenActivityWorkflow}: an id and the instant its timer is due. */
export interface SleepThenActivityInput {
  id: string;
  /** ISO-8601 instant the timer fires at. */
  at: string;
}

/** The baseline's one activity: records that the timer fired (a document with the time). */
export interface BenchActivities {
  recordArrival(input: SleepThenActivityInput): Promise<void>;
}

// The same activity options as the deadline workflow's reminder.
const bench = proxyActivities<BenchActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * The reminder benchmark's baseline: a timer due at `at` (as the deadline workflow waits for a
 * stage), then one activity writing a document — a reminder with nothing between the timer and
 * the write (no event, no broker, no consumer).
 */
export async function sleepThenActivityWorkflow(input: SleepThenActivityInput): Promise<void> {
  const wait = Date.parse(input.at) - Date.now();
  if (wait > 0) await sleep(wait);
  await bench.recordArrival(input);
}
