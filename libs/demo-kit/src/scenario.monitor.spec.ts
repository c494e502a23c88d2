import type { Phase } from '@trellis/contracts';
import {
  EngagementMonitor,
  ScenarioTimeoutError,
  type InboxNotification,
  type SeenNotification,
  type SeenPhase,
} from './scenario.monitor';

/** A person whose reads answer from a mutable state. */
function person(username: string, answer: () => unknown) {
  return {
    username,
    get: <T>() => {
      const value = answer();
      return value instanceof Error ? Promise.reject(value) : Promise.resolve(value as T);
    },
  };
}

const notification = (id: string, createdAt: string, extra: Partial<InboxNotification> = {}) => ({
  id,
  kind: 'reminder',
  engagementId: 'e-1',
  obligationId: `follow-up-${id}`,
  obligationKind: 'follow-up',
  stage: 'lead',
  createdAt,
  ...extra,
});

describe('EngagementMonitor', () => {
  let phase: Phase | Error;
  let inbox: InboxNotification[];
  let phases: Array<[SeenPhase, Phase | null]>;
  let seen: SeenNotification[];
  let monitor: EngagementMonitor;

  beforeEach(() => {
    phase = 'agreement';
    inbox = [];
    phases = [];
    seen = [];
    monitor = new EngagementMonitor(
      'e-1',
      person('pm', () => (phase instanceof Error ? phase : { phase })),
      [person('officer', () => inbox)],
      { phase: (p, from) => phases.push([p, from]), notification: (n) => seen.push(n) },
      Date.now(),
      20,
    );
  });

  afterEach(() => monitor.stop());

  it('reports each phase and each notification once, oldest notification first', async () => {
    await monitor.start();
    inbox = [
      notification('2', '2026-01-01T00:00:02.000Z', { stage: 'due' }),
      notification('1', '2026-01-01T00:00:01.000Z'),
    ];
    phase = 'implementation';
    await monitor.waitForPhase('implementation', 2000);
    await monitor.waitForNotification('the due reminder', (n) => n.stage === 'due', 2000);
    await monitor.pollOnce();
    expect(phases.map(([p, from]) => [p.phase, from])).toEqual([
      ['agreement', null],
      ['implementation', 'agreement'],
    ]);
    expect(seen.map((n) => [n.id, n.recipient])).toEqual([
      ['1', 'officer'],
      ['2', 'officer'],
    ]);
  });

  it('times out naming what it waited for and the last phase seen', async () => {
    await monitor.start();
    const err = await monitor.waitForPhase('follow-up', 100).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioTimeoutError);
    expect((err as Error).message).toBe(
      'waited 0 s for the engagement to reach phase follow-up; the engagement was last seen in phase agreement',
    );
  });

  it('gives up a wait after five failed polls in a row, with the reason', async () => {
    await monitor.start();
    phase = new Error('watch the engagement phase: GET /api/... answered 503');
    const err = await monitor.waitForPhase('follow-up', 5000).catch((e: unknown) => e);
    expect((err as Error).message).toContain('answered 503');
  });

  it('stops waiting when the engagement was terminated', async () => {
    await monitor.start();
    phase = 'terminated';
    const err = await monitor.waitForPhase('follow-up', 2000).catch((e: unknown) => e);
    expect((err as Error).message).toContain('terminated');
  });
});
