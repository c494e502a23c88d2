import type { Logger } from '@trellis/platform-logging';
import { PollingLoop } from './polling-loop';

function fakeLogger(): Logger & { warnings: unknown[] } {
  const warnings: unknown[] = [];
  return { warnings, warn: (obj: unknown) => warnings.push(obj) } as unknown as Logger & {
    warnings: unknown[];
  };
}

describe('PollingLoop', () => {
  it('runs ticks one after another, survives a failing tick, and stops', async () => {
    const logger = fakeLogger();
    let running = 0;
    let maxConcurrent = 0;
    let ticks = 0;
    const loop = new PollingLoop(
      'test',
      5,
      async () => {
        running += 1;
        maxConcurrent = Math.max(maxConcurrent, running);
        ticks += 1;
        await new Promise((r) => setTimeout(r, 10));
        running -= 1;
        if (ticks === 2) throw new Error('boom');
      },
      logger,
    );
    loop.start();
    loop.start(); // a second start does not run a second loop
    const deadline = Date.now() + 5_000;
    while (ticks < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await loop.stop();
    const stoppedAt = ticks;
    await new Promise((r) => setTimeout(r, 40));
    expect(ticks).toBeGreaterThanOrEqual(3);
    expect(ticks).toBe(stoppedAt);
    expect(maxConcurrent).toBe(1);
    expect(logger.warnings).toEqual([expect.objectContaining({ loop: 'test' })]);
  });
});
