import type {
  AgreementView,
  CascadeView,
  IncidentView,
  SessionView,
  TimelineEntry,
} from '../api/types';
import { isMessageKey } from '../i18n/translate';
import { buildProcessTimeline } from './timeline';

describe('the process timeline', () => {
  const coaching: TimelineEntry[] = [
    {
      at: '2027-01-03T00:00:00Z',
      source: 'follow-up',
      id: 'f1',
      what: 'planned',
      details: { kind: 'site-visit' },
    },
    {
      at: '2027-01-04T00:00:00Z',
      source: 'follow-up',
      id: 'f1',
      what: 'check-in-missed',
      details: {},
    },
    {
      at: '2027-01-05T00:00:00Z',
      source: 'notification',
      id: 'n1',
      what: 'escalation',
      details: { obligationKind: 'follow-up' },
    },
    {
      at: '2027-01-06T00:00:00Z',
      source: 'notification',
      id: 'n2',
      what: 'reminder',
      details: { obligationKind: 'follow-up' },
    },
    {
      at: '2027-01-07T00:00:00Z',
      source: 'autonomy-review',
      id: 'r1',
      what: 'recorded',
      details: { level: 2 },
    },
  ];
  const agreement = {
    versions: [
      {
        version: 1,
        status: 'active',
        createdAt: '2027-01-01T00:00:00Z',
        proposedAt: '2027-01-01T01:00:00Z',
        activatedAt: '2027-01-01T03:00:00Z',
        signatures: [
          { party: 'defender-organisation', signerId: 'd', signedAt: '2027-01-01T02:00:00Z' },
        ],
      },
    ],
  } as AgreementView;
  const sessions = [
    {
      id: 's1',
      status: 'held',
      heldAt: '2027-01-02T00:00:00Z',
      startsAt: '2027-01-02T00:00:00Z',
      level: 'basic',
    },
  ] as SessionView[];
  const incidents = [
    { id: 'i1', occurredAt: '2027-01-08T00:00:00Z', serious: true, incidentType: 'surveillance' },
  ] as IncidentView[];
  const cascades = [
    {
      id: 'c1',
      deliveredAt: '2027-01-09T00:00:00Z',
      reachCount: 25,
      verifiedAt: '2027-01-10T00:00:00Z',
    },
  ] as CascadeView[];

  const events = buildProcessTimeline({ coaching, agreement, sessions, incidents, cascades });

  it('merges every source, newest first', () => {
    expect(events.map((e) => e.what)).toEqual([
      'cascade-verified',
      'cascade-recorded',
      'incident-serious',
      'review-recorded',
      'reminder',
      'escalation',
      'follow-up-check-in-missed',
      'follow-up-planned',
      'session-held',
      'agreement-activated',
      'agreement-signed-defender-organisation',
      'agreement-proposed',
      'agreement-drafted',
    ]);
    expect(events.find((e) => e.what === 'escalation')).toMatchObject({
      kind: 'escalation',
      detail: 'follow-up',
    });
    expect(events.find((e) => e.what === 'review-recorded')?.detail).toBe('2');
  });

  it('has a label for everything it can say', () => {
    expect(events.filter((e) => !isMessageKey(`timeline.${e.what}`)).map((e) => e.what)).toEqual(
      [],
    );
  });

  it('falls back to follow-ups and reviews for people without the coaching timeline', () => {
    const own = buildProcessTimeline({
      followUps: [
        {
          id: 'f',
          kind: 'consultation',
          state: 'held',
          createdAt: '2027-01-01T00:00:00Z',
          heldAt: '2027-01-02T00:00:00Z',
        },
      ] as never,
      reviews: [
        { id: 'r', state: 'recorded', reviewedAt: '2027-01-03T00:00:00Z', level: 3 },
      ] as never,
    });
    expect(own.map((e) => e.what)).toEqual([
      'review-recorded',
      'follow-up-held',
      'follow-up-planned',
    ]);
  });
});
