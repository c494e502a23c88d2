import { groupDigests, nextDigestAt, type DigestItem } from './digest';

const item = (
  notificationId: string,
  recipientId: string,
  createdAt: string,
  kind: DigestItem['kind'] = 'reminder',
  engagementId = 'eng-1',
): DigestItem => ({
  notificationId,
  recipientId,
  kind,
  engagementId,
  createdAt: new Date(createdAt),
});

describe('digest grouping', () => {
  it('makes one digest per recipient, oldest first, with counts per kind', () => {
    const digests = groupDigests([
      item('n3', 'officer-b', '2026-03-01T09:00:00.000Z'),
      item('n2', 'officer-a', '2026-03-01T12:00:00.000Z', 'escalation', 'eng-2'),
      item('n1', 'officer-a', '2026-03-01T08:00:00.000Z'),
      item('n4', 'officer-a', '2026-03-01T13:00:00.000Z', 'check-in-missed'),
    ]);
    expect(digests).toEqual([
      {
        recipientId: 'officer-a',
        notificationIds: ['n1', 'n2', 'n4'],
        counts: { reminder: 1, escalation: 1, 'check-in-missed': 1 },
        engagementCount: 2,
        oldest: new Date('2026-03-01T08:00:00.000Z'),
      },
      {
        recipientId: 'officer-b',
        notificationIds: ['n3'],
        counts: { reminder: 1, escalation: 0, 'check-in-missed': 0 },
        engagementCount: 1,
        oldest: new Date('2026-03-01T09:00:00.000Z'),
      },
    ]);
  });

  it('lists a notification once however often it is given, and nothing for no items', () => {
    const twice = item('n1', 'officer-a', '2026-03-01T08:00:00.000Z');
    expect(groupDigests([twice, { ...twice }])[0]?.notificationIds).toEqual(['n1']);
    expect(groupDigests([])).toEqual([]);
  });

  it('sends the digest at the next digest hour strictly after the notification', () => {
    expect(nextDigestAt(new Date('2026-03-01T05:59:00.000Z'), 7).toISOString()).toBe(
      '2026-03-01T07:00:00.000Z',
    );
    expect(nextDigestAt(new Date('2026-03-01T07:00:00.000Z'), 7).toISOString()).toBe(
      '2026-03-02T07:00:00.000Z',
    );
    expect(nextDigestAt(new Date('2026-12-31T23:30:00.000Z'), 0).toISOString()).toBe(
      '2027-01-01T00:00:00.000Z',
    );
    expect(() => nextDigestAt(new Date(), 24)).toThrow(RangeError);
  });
});
