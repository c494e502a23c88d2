/** Statistics helpers of the benchmarks: percentiles, latency summaries, paced and concurrent runs. */

/** The `p`-th percentile (0–100) of `values` by the nearest-rank method; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  if (p < 0 || p > 100) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/** Count, p50, p99, mean and max of a set of latencies (milliseconds). */
export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
}

/** Summarises latencies in milliseconds. */
export function summarise(values: readonly number[]): LatencySummary {
  const count = values.length;
  const sum = values.reduce((a, b) => a + b, 0);
  return {
    count,
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    mean: count === 0 ? Number.NaN : sum / count,
    max: count === 0 ? Number.NaN : Math.max(...values),
  };
}

/** `value / baseline`, NaN when the baseline is not a positive number. */
export function ratio(value: number, baseline: number): number {
  return baseline > 0 && Number.isFinite(baseline) ? value / baseline : Number.NaN;
}

/** Milliseconds since `start` (a `process.hrtime.bigint()` reading). */
export function elapsedMs(start: bigint, end = process.hrtime.bigint()): number {
  return Number(end - start) / 1e6;
}

/** The result of {@link runConcurrently}: operations per second and each one's latency. */
export interface ThroughputResult {
  count: number;
  seconds: number;
  perSecond: number;
  latency: LatencySummary;
}

/**
 * Runs `count` operations with at most `concurrency` in flight and times each; `onProgress`
 * is called with the number done at most every `progressMs`. A failing operation fails the run.
 */
export async function runConcurrently(
  count: number,
  concurrency: number,
  operation: (i: number) => Promise<unknown>,
  onProgress?: (done: number) => void,
  progressMs = 5000,
): Promise<ThroughputResult> {
  let next = 0;
  let done = 0;
  const latencies: number[] = [];
  const t0 = process.hrtime.bigint();
  const timer = onProgress ? setInterval(() => onProgress(done), progressMs) : undefined;
  try {
    await Promise.all(
      Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, async () => {
        while (next < count) {
          const i = next++;
          const started = process.hrtime.bigint();
          await operation(i);
          latencies.push(elapsedMs(started));
          done++;
        }
      }),
    );
  } finally {
    if (timer) clearInterval(timer);
  }
  const seconds = elapsedMs(t0) / 1000;
  return { count, seconds, perSecond: count / seconds, latency: summarise(latencies) };
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every `intervalMs` until it returns true; throws after `timeoutMs` naming `what`. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s: ${what}`);
    await sleep(intervalMs);
  }
}
