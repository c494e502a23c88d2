import {
  assertCheckInAllowed,
  assertOutcomeDate,
  assertTransition,
  confirmCheckIn,
  FollowUpRuleError,
  FollowUpTransitionError,
  isCheckInOverdue,
} from './follow-up';
import { buildTimeline } from './timeline';

describe('follow-up state machine', () => {
  it('lets a planned follow-up be held, missed or cancelled, once', () => {
    for (const outcome of ['held', 'missed', 'cancelled'] as const) {
      expect(() => assertTransition('planned', outcome)).not.toThrow();
      expect(() => assertTransition(outcome, 'held')).toThrow(FollowUpTransitionError);
    }
  });

  it('refuses a held date in the future and a miss before the due date', () => {
    const now = new Date('2026-03-01T12:00:00.000Z');
    const due = new Date('2026-03-02T12:00:00.000Z');
    expect(() => assertOutcomeDate('held', due, new Date('2026-03-01T13:00:00.000Z'), now)).toThrow(
      FollowUpRuleError,
    );
    expect(() => assertOutcomeDate('held', due, now, now)).not.toThrow();
    expect(() => assertOutcomeDate('missed', due, now, now)).toThrow(/once it is due/);
  });

  it('opens check-ins on planned site visits only', () => {
    expect(() => assertCheckInAllowed('site-visit', 'planned')).not.toThrow();
    expect(() => assertCheckInAllowed('coaching-session', 'planned')).toThrow(/site visit/);
    expect(() => assertCheckInAllowed('site-visit', 'held')).toThrow(FollowUpRuleError);
  });

  it('tells overdue check-ins and late confirmations', () => {
    const dueAt = new Date('2026-03-01T18:00:00.000Z');
    const before = new Date('2026-03-01T17:00:00.000Z');
    const after = new Date('2026-03-01T19:00:00.000Z');
    expect(isCheckInOverdue({ state: 'open', dueAt }, before)).toBe(false);
    expect(isCheckInOverdue({ state: 'open', dueAt }, after)).toBe(true);
    expect(isCheckInOverdue({ state: 'missed', dueAt }, after)).toBe(false);
    expect(confirmCheckIn({ state: 'open', dueAt }, before)).toEqual({ late: false });
    expect(confirmCheckIn({ state: 'missed', dueAt }, after)).toEqual({ late: true });
    expect(() => confirmCheckIn({ state: 'confirmed', dueAt }, after)).toThrow(/already/);
  });
});

describe('engagement timeline', () => {
  it('orders entries chronologically with a stable tie order', () => {
    const entries = buildTimeline([
      { at: '2026-03-02T00:00:00.000Z', source: 'notification', id: 'n1', what: 'reminder' },
      { at: '2026-03-01T00:00:00.000Z', source: 'autonomy-review', id: 'r1', what: 'recorded' },
      { at: '2026-03-01T00:00:00.000Z', source: 'follow-up', id: 'f1', what: 'held' },
      { at: '2026-02-01T00:00:00.000Z', source: 'follow-up', id: 'f1', what: 'planned' },
    ]);
    expect(entries.map((e) => `${e.id}:${e.what}`)).toEqual([
      'f1:planned',
      'f1:held',
      'r1:recorded',
      'n1:reminder',
    ]);
  });
});
