import type { EngagementView, FollowUpView, SessionView } from '../api/types';
import { homeOf } from '../ui/layout';
import { currentEngagement } from './defender/defender-frame';
import { canSign } from './engagement/agreement-panel';
import { nextStatus, statusCounts } from './engagement/plan-panel';
import { nextThreatStep } from './officer/threat-forms';
import { participantCodes } from './officer/session-forms';
import { agendaOf } from './officer/work-page';

describe('page rules', () => {
  it('send each role to its first page', () => {
    expect(homeOf(['program-manager'])).toBe('/portfolio');
    expect(homeOf(['admin'])).toBe('/portfolio');
    expect(homeOf(['protection-officer'])).toBe('/work');
    expect(homeOf(['defender'])).toBe('/organisation');
    expect(homeOf(['analyst'])).toBe('/reports');
    expect(homeOf([])).toBe('/login');
  });

  it('let a party sign a proposed version it has not signed yet, and nothing else', () => {
    const version = {
      version: 2,
      status: 'proposed' as const,
      createdAt: '',
      signatures: [{ party: 'protection-organisation' as const, signerId: 'pm', signedAt: '' }],
    };
    expect(canSign(version, 'defender-organisation')).toBe(true);
    expect(canSign(version, 'protection-organisation')).toBe(false);
    expect(canSign({ ...version, status: 'active' }, 'defender-organisation')).toBe(false);
    expect(canSign(version, undefined)).toBe(false);
  });

  it('offer only the next of the five threat steps', () => {
    expect(nextThreatStep({ steps: {} })).toBe('facts');
    const recorded = { narrative: 'x', recordedAt: '' };
    expect(nextThreatStep({ steps: { facts: recorded, pattern: recorded } })).toBe('objective');
    expect(
      nextThreatStep({
        steps: {
          facts: recorded,
          pattern: recorded,
          objective: recorded,
          author: recorded,
          conclusion: recorded,
        },
      }),
    ).toBeUndefined();
  });

  it('move plan items forward only and count them by status', () => {
    expect(nextStatus('planned')).toBe('in-progress');
    expect(nextStatus('in-progress')).toBe('implemented');
    expect(nextStatus('implemented')).toBeUndefined();
    expect(
      statusCounts([
        { status: 'planned' },
        { status: 'planned' },
        { status: 'implemented' },
      ] as never),
    ).toEqual({ planned: 2, 'in-progress': 0, implemented: 1 });
  });

  it("list the officer's own scheduled sessions and planned follow-ups, soonest first", () => {
    const s = (id: string, startsAt: string, facilitatorId: string, status = 'scheduled') =>
      ({ id, startsAt, facilitatorId, status }) as SessionView;
    const f = (id: string, dueAt: string, assigneeId: string, state = 'planned') =>
      ({ id, dueAt, assigneeId, state }) as FollowUpView;
    const agenda = agendaOf('me', [
      {
        sessions: [s('s2', '2027-02-02T00:00:00Z', 'me'), s('s3', '2027-01-01T00:00:00Z', 'other')],
        followUps: [f('f1', '2027-03-01T00:00:00Z', 'me', 'held')],
      },
      {
        sessions: [
          s('s1', '2027-01-05T00:00:00Z', 'me'),
          s('s4', '2027-01-01T00:00:00Z', 'me', 'held'),
        ],
        followUps: [f('f2', '2027-01-01T00:00:00Z', 'me')],
      },
    ]);
    expect(agenda.sessions.map((x) => x.id)).toEqual(['s1', 's2']);
    expect(agenda.followUps.map((x) => x.id)).toEqual(['f2']);
  });

  it('show a defender organisation its newest engagement that is not terminated', () => {
    const e = (id: string, createdAt: string, phase: EngagementView['phase']) =>
      ({ id, createdAt, phase }) as EngagementView;
    expect(
      currentEngagement([
        e('old', '2026-01-01T00:00:00Z', 'autonomous'),
        e('ended', '2027-01-01T00:00:00Z', 'terminated'),
      ])?.id,
    ).toBe('old');
    expect(currentEngagement([e('only', '2026-01-01T00:00:00Z', 'terminated')])?.id).toBe('only');
    expect(currentEngagement([])).toBeUndefined();
  });

  it('read pseudonymous participant codes, once each', () => {
    expect(participantCodes(' P-01, P-02;P-01\nP-03 ')).toEqual(['P-01', 'P-02', 'P-03']);
    expect(participantCodes('')).toEqual([]);
  });
});
