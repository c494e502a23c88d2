import { quantile, summarise, summaryMarkdown, type OperationStats } from './load';

describe('the load summary', () => {
  it('takes quantiles by nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(sorted, 0.5)).toBe(50);
    expect(quantile(sorted, 0.95)).toBe(95);
    expect(quantile(sorted, 0.99)).toBe(99);
    expect(quantile([7], 0.99)).toBe(7);
    expect(quantile([], 0.5)).toBe(0);
  });

  it('counts requests, errors by status and latency per operation', () => {
    const stats = new Map<string, OperationStats>([
      ['read engagement', { latenciesMs: [30, 10, 20], statuses: { '200': 2, '503': 1 } }],
      ['plan follow-up', { latenciesMs: [40], statuses: { '201': 1 } }],
    ]);
    const summary = summarise(stats, {
      users: 2,
      durationSeconds: 2,
      thinkMs: 100,
      followUpsRecorded: 1,
    });
    expect(summary).toMatchObject({
      requests: 4,
      errors: 1,
      errorsByStatus: { '503': 1 },
      throughputPerSecond: 2,
      operations: {
        'read engagement': { requests: 3, errors: 1, p50Ms: 20, p99Ms: 30, maxMs: 30 },
        'plan follow-up': { requests: 1, errors: 0, p50Ms: 40 },
      },
    });
    expect(summaryMarkdown(summary)).toContain('| read engagement | 3 | 1 | 20 | 30 | 30 | 30 |');
  });
});
