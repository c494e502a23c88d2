import { evaluate, formatNumber, renderMarkdown, type BenchSummary } from './report';

describe('evaluate', () => {
  it('computes the ratio to the baseline and checks a minimum ratio', () => {
    const f = evaluate({
      bench: 'api',
      name: 'requests per second',
      unit: 'req/s',
      value: 600,
      baseline: { name: 'bare route', value: 1000 },
      target: { kind: 'min-ratio', limit: 0.5 },
    });
    expect(f.ratio).toBeCloseTo(0.6);
    expect(f.met).toBe(true);
  });

  it('checks a maximum ratio and an absolute maximum', () => {
    const p99 = { bench: 'api', name: 'p99', unit: 'ms', value: 30 };
    expect(
      evaluate({
        ...p99,
        baseline: { name: 'bare', value: 10 },
        target: { kind: 'max-ratio', limit: 2 },
      }).met,
    ).toBe(false);
    expect(evaluate({ ...p99, target: { kind: 'max-value', limit: 1000 } }).met).toBe(true);
  });

  it('does not meet a ratio target without a usable baseline', () => {
    const f = evaluate({
      bench: 'x',
      name: 'y',
      unit: 'ms',
      value: 1,
      baseline: { name: 'b', value: 0 },
      target: { kind: 'max-ratio', limit: 2 },
    });
    expect(f.met).toBe(false);
  });
});

describe('renderMarkdown', () => {
  it('puts each figure beside its baseline, ratio, target and verdict, with the machine', () => {
    const summary: BenchSummary = {
      at: '2026-01-01T00:00:00.000Z',
      machine: { cpu: 'Test CPU', cores: 2, memoryGiB: 4, node: 'v22.0.0', platform: 'linux x64' },
      figures: [
        evaluate({
          bench: 'starts',
          name: 'workflow starts per second',
          unit: 'starts/s',
          value: 90,
          baseline: { name: 'trivial workflow', value: 100 },
          target: { kind: 'min-ratio', limit: 0.8 },
        }),
        evaluate({
          bench: 'memory',
          name: 'worker RSS',
          unit: 'MiB',
          value: 2000,
          target: { kind: 'max-value', limit: 1536 },
          note: 'separate process',
        }),
      ],
      settings: { starts: { STARTS: 300 } },
      failures: [{ bench: 'api', error: 'gateway not ready' }],
      durationSeconds: 61,
    };
    const md = renderMarkdown(summary);
    expect(md).toContain('Test CPU (2 cores), 4 GiB memory, Node v22.0.0');
    expect(md).toContain(
      '| starts | workflow starts per second | 90 starts/s | 100 starts/s (trivial workflow) | 0.9× | ≥ 0.8× baseline | yes |',
    );
    expect(md).toContain('| memory | worker RSS | 2,000 MiB |  |  | ≤ 1,536 MiB | **no** |');
    expect(md).toContain('- memory / worker RSS: separate process');
    expect(md).toContain('- starts: STARTS=300');
    expect(md).toContain('- api: gateway not ready');
  });
});

describe('formatNumber', () => {
  it('keeps three significant digits below 100 and groups thousands', () => {
    expect(formatNumber(0.123456)).toBe('0.123');
    expect(formatNumber(12345.6)).toBe('12,346');
    expect(formatNumber(Number.NaN)).toBe('–');
  });
});
