import type {
  EngagementView,
  FollowUpView,
  NotificationView,
  SecurityPlanView,
  SessionView,
  TrainingPlanView,
} from '../api/types';
import {
  comparePortfolioRows,
  filterPortfolio,
  mapLimit,
  openObligations,
  portfolioRow,
  type PortfolioRow,
} from './portfolio';

const NOW = new Date('2027-03-10T12:00:00Z');

function engagement(id: string, over: Partial<EngagementView> = {}): EngagementView {
  return {
    id,
    organisationId: `org-${id}`,
    unitId: 'desk-americas',
    routedTo: { kind: 'desk', deskId: 'desk-americas' },
    country: 'CO',
    setting: 'rural',
    focusAreas: [],
    phase: 'follow-up',
    programManagerId: 'usr-pm',
    version: 1,
    createdAt: '2027-01-01T00:00:00Z',
    updatedAt: '2027-01-01T00:00:00Z',
    ...over,
  };
}

const followUp = (id: string, dueAt: string, state: FollowUpView['state'] = 'planned') =>
  ({
    id,
    engagementId: 'e',
    kind: 'coaching-session',
    state,
    dueAt,
    assigneeId: 'o',
    version: 0,
    createdAt: dueAt,
  }) as FollowUpView;
const session = (
  id: string,
  startsAt: string,
  status: SessionView['status'],
  planItemId: string | null,
) =>
  ({
    id,
    engagementId: 'e',
    planItemId,
    moduleIds: ['m'],
    level: 'basic',
    mode: 'remote',
    facilitatorId: 'o',
    startsAt,
    endsAt: startsAt,
    status,
    participants: [],
    heldAt: null,
    knowledge: null,
    version: 0,
  }) as SessionView;
const escalation = (engagementId: string, read = false) =>
  ({
    id: `n-${engagementId}-${String(read)}`,
    kind: 'escalation',
    engagementId,
    read,
    createdAt: NOW.toISOString(),
  }) as NotificationView;

describe('open obligations of an engagement', () => {
  it('come from planned follow-ups, scheduled sessions, uncovered training items and unfinished plan items, earliest first', () => {
    const trainingPlan = {
      items: [
        { planItemId: 'pi-1', moduleIds: ['m1'], level: 'basic', dueAt: '2027-03-01T00:00:00Z' },
        { planItemId: 'pi-2', moduleIds: ['m2'], level: 'basic', dueAt: '2027-04-01T00:00:00Z' },
      ],
    } as TrainingPlanView;
    const securityPlan = {
      currentVersion: {
        items: [
          { id: 'it-1', title: 'Locks', dueDate: '2027-03-10', status: 'in-progress' },
          { id: 'it-2', title: 'Policy', dueDate: '2027-02-01', status: 'implemented' },
        ],
      },
    } as SecurityPlanView;
    const list = openObligations(
      {
        engagement: engagement('e'),
        followUps: [
          followUp('f-1', '2027-03-20T00:00:00Z'),
          followUp('f-2', '2027-01-01T00:00:00Z', 'held'),
        ],
        sessions: [
          session('s-1', '2027-03-15T09:00:00Z', 'scheduled', 'pi-2'),
          session('s-0', '2027-02-15T09:00:00Z', 'cancelled', 'pi-1'),
        ],
        trainingPlan,
        securityPlan,
      },
      NOW,
    );
    expect(list.map((o) => [o.source, o.id, o.overdue])).toEqual([
      ['training-session', 'pi-1', true], // only a cancelled session covered it
      ['plan-item', 'it-1', false], // due today: late only after the day
      ['training-session', 's-1', false],
      ['follow-up', 'f-1', false],
    ]);
  });

  it('are none once the engagement is closed', () => {
    expect(
      openObligations(
        {
          engagement: engagement('e', { phase: 'autonomous' }),
          followUps: [followUp('f', '2027-01-01T00:00:00Z')],
        },
        NOW,
      ),
    ).toEqual([]);
  });
});

describe('the portfolio', () => {
  const rows: PortfolioRow[] = [
    portfolioRow({ engagement: engagement('quiet') }, 'Zeta collective', NOW),
    portfolioRow(
      { engagement: engagement('soon'), followUps: [followUp('f', '2027-03-11T00:00:00Z')] },
      'Beta network',
      NOW,
    ),
    portfolioRow(
      {
        engagement: engagement('late', { phase: 'implementation', unitId: 'tru' }),
        followUps: [followUp('f', '2027-03-01T00:00:00Z')],
      },
      'Gamma forum',
      NOW,
    ),
    portfolioRow(
      {
        engagement: engagement('escalated'),
        notifications: [escalation('escalated'), escalation('escalated', true)],
      },
      'Alpha press',
      NOW,
    ),
    portfolioRow(
      {
        engagement: engagement('closed', { phase: 'autonomous' }),
        notifications: [escalation('closed')],
      },
      'Delta alliance',
      NOW,
    ),
  ];

  it('puts escalated first, then overdue, then by next due date, then the rest by name', () => {
    expect([...rows].sort(comparePortfolioRows).map((r) => r.engagement.id)).toEqual([
      'escalated',
      'late',
      'soon',
      'closed',
      'quiet',
    ]);
    const escalated = rows.find((r) => r.engagement.id === 'escalated');
    expect(escalated?.escalationCount).toBe(1); // the read one no longer counts
    expect(rows.find((r) => r.engagement.id === 'closed')?.escalationCount).toBe(0);
  });

  it('filters by search, phase, unit and attention', () => {
    const ids = (filter: Parameters<typeof filterPortfolio>[1]) =>
      filterPortfolio(rows, filter).map((r) => r.engagement.id);
    const none = { search: '', phase: '', unitId: '', attention: '' } as const;
    expect(ids({ ...none, search: 'gamma' })).toEqual(['late']);
    expect(ids({ ...none, search: 'co' })).toHaveLength(5); // the country
    expect(ids({ ...none, phase: 'implementation' })).toEqual(['late']);
    expect(ids({ ...none, unitId: 'tru' })).toEqual(['late']);
    expect(ids({ ...none, attention: 'escalated' })).toEqual(['escalated']);
    expect(ids({ ...none, attention: 'overdue' })).toEqual(['late']);
    expect(ids({ ...none, attention: 'on-track' })).toEqual(['quiet', 'soon', 'closed']);
  });
});

describe('mapLimit', () => {
  it('runs at most `limit` at a time and keeps the order', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, n));
      running -= 1;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
    await expect(mapLimit([], 3, () => Promise.resolve(1))).resolves.toEqual([]);
  });
});
