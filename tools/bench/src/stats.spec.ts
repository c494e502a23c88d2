import { percentile, ratio, runConcurrently, summarise, waitUntil } from './stats';

describe('percentile', () => {
  it('takes the nearest rank of the sorted values', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile(values, 0)).toBe(1);
  });

  it('handles one value and no values', () => {
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('rejects a percentile outside 0..100', () => {
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('summarise', () => {
  it('gives count, p50, p99, mean and max', () => {
    expect(summarise([4, 1, 3, 2])).toEqual({ count: 4, p50: 2, p99: 4, mean: 2.5, max: 4 });
  });
});

describe('ratio', () => {
  it('divides by a positive baseline and is NaN otherwise', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(3, 0)).toBeNaN();
    expect(ratio(3, Number.NaN)).toBeNaN();
  });
});

describe('runConcurrently', () => {
  it('runs every operation once with at most the given concurrency', async () => {
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    const result = await runConcurrently(20, 3, async (i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      seen.push(i);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(most).toBe(3);
    expect(result.count).toBe(20);
    expect(result.latency.count).toBe(20);
    expect(result.perSecond).toBeGreaterThan(0);
  });

  it('fails when an operation fails', async () => {
    await expect(
      runConcurrently(5, 2, (i) =>
        i === 3 ? Promise.reject(new Error('boom')) : Promise.resolve(),
      ),
    ).rejects.toThrow('boom');
  });
});

describe('waitUntil', () => {
  it('resolves once the check holds and times out naming what it waited for', async () => {
    let n = 0;
    await waitUntil(() => ++n >= 3, 1000, 'three checks', 1);
    expect(n).toBe(3);
    await expect(waitUntil(() => false, 20, 'never', 5)).rejects.toThrow('never');
  });
});
