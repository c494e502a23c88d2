import { AUTONOMY_MILESTONES, SECURITY_WHEEL_SPOKES } from '@trellis/contracts';
import {
  errorCode,
  reminderDue,
  startCoachingApp,
  waitUntil,
  type CoachingTestApp,
  type TestEngagement,
} from '../testing/coaching-app.fixture';

interface Review {
  id: string;
  state: string;
  level: number;
  levelName: string;
  version: number;
  previousLevel?: number | null;
  baselineLevel?: number | null;
  sinceBaseline?: { levelChange: number; newlyVerified: string[] };
  sinceLastReview?: { levelChange: number };
  milestones: { milestoneId: string; status: string; evidence?: { description?: string } }[];
}

const maturity = (value: number) =>
  Object.fromEntries(SECURITY_WHEEL_SPOKES.map((s) => [s, value])) as Record<string, number>;

describe('autonomy reviews on the real servers', () => {
  let t: CoachingTestApp;
  let engagement: TestEngagement;
  let officer: string;
  let pm: string;

  beforeAll(async () => {
    t = await startCoachingApp();
    engagement = await t.createEngagement('desk-andes');
    officer = await t.minter.protectionOfficer('desk-andes', engagement.leadOfficerId);
    pm = await t.minter.programManager('desk-andes', engagement.programManagerId);
  });

  afterAll(async () => {
    await t?.close();
  });

  async function openReview(reviewedAt: string, value: number, claimed: string[]): Promise<Review> {
    const res = await t.call(
      'POST',
      `/engagements/${engagement.engagementId}/autonomy-reviews`,
      officer,
      {
        reviewedAt,
        spokeMaturity: maturity(value),
        milestones: claimed.map((milestoneId) => ({
          milestoneId,
          status: 'claimed',
          evidence: { description: `Evidence for ${milestoneId}: minutes of the board meeting` },
        })),
      },
    );
    expect(res.status).toBe(201);
    return res.json as unknown as Review;
  }

  async function verifyAll(review: Review, ids: string[], by: string): Promise<Review> {
    let current = review;
    for (const id of ids) {
      const res = await t.call(
        'POST',
        `/autonomy-reviews/${review.id}/milestones/${id}/verify`,
        by,
        { version: current.version },
      );
      expect(res.status).toBe(200);
      current = res.json as unknown as Review;
    }
    return current;
  }

  it('counts a milestone only once a second person verified it, then records the level', async () => {
    const level1 = ['focal-point-designated', 'risk-assessment-with-support'];
    const draft = await openReview('2026-01-15T10:00:00.000Z', 1, level1);
    expect(draft).toMatchObject({ state: 'draft', level: 0, levelName: 'dependent' });
    expect(draft.milestones).toHaveLength(AUTONOMY_MILESTONES.length);
    await t.events.waitForType('autonomy.milestone.claimed', engagement.engagementId);

    // Bad input: the claimant verifies their own claim.
    const self = await t.call(
      'POST',
      `/autonomy-reviews/${draft.id}/milestones/focal-point-designated/verify`,
      officer,
      { version: draft.version },
    );
    expect(self.status).toBe(403);
    expect(errorCode(self)).toBe('SELF_VERIFICATION');

    const verified = await verifyAll(draft, level1, pm);
    expect(verified.level).toBe(1);
    const recorded = await t.call('POST', `/autonomy-reviews/${draft.id}/record`, pm, {
      version: verified.version,
    });
    expect(recorded.status).toBe(200);
    expect(recorded.json).toMatchObject({ state: 'recorded', level: 1, previousLevel: null });

    const event = await t.events.waitForType('autonomy.review.recorded', engagement.engagementId);
    expect(event.event.payload).toMatchObject({
      reviewId: draft.id,
      level: 1,
      previousLevel: null,
      baselineLevel: null,
      milestones: {
        'focal-point-designated': 'verified',
        'plan-adopted-by-leadership': 'not-started',
      },
    });
    expect(event.value).not.toContain('board meeting');
    const raw = JSON.stringify(
      await t.db.collection('autonomy_reviews').findOne({ _id: draft.id as never }),
    );
    expect(raw).not.toContain('board meeting');

    const again = await t.call('POST', `/autonomy-reviews/${draft.id}/record`, pm, {
      version: (recorded.json['version'] as number) ?? 0,
    });
    expect(errorCode(again)).toBe('INVALID_STATE_TRANSITION');
  });

  it('reports the change since the baseline and the last review', async () => {
    const level2 = [
      'focal-point-designated',
      'risk-assessment-with-support',
      'plan-adopted-by-leadership',
      'incident-register-kept',
    ];
    const draft = await openReview('2026-06-15T10:00:00.000Z', 2, level2);
    const verified = await verifyAll(draft, level2, pm);
    const recorded = await t.call('POST', `/autonomy-reviews/${draft.id}/record`, pm, {
      version: verified.version,
    });
    expect(recorded.json).toMatchObject({
      level: 2,
      levelName: 'practising',
      previousLevel: 1,
      baselineLevel: 1,
      sinceLastReview: { levelChange: 1 },
      sinceBaseline: {
        levelChange: 1,
        newlyVerified: ['plan-adopted-by-leadership', 'incident-register-kept'],
      },
    });
    // Defender users of the organisation read their reviews, evidence included.
    const defender = await t.minter.defender(engagement.organisationId);
    const list = await t.call(
      'GET',
      `/engagements/${engagement.engagementId}/autonomy-reviews`,
      defender,
    );
    expect(list.status).toBe(200);
    expect((list.body as Review[]).map((r) => r.level)).toEqual([2, 1]);
  });

  it('refuses maturity out of range and claims without evidence', async () => {
    const res = await t.call(
      'POST',
      `/engagements/${engagement.engagementId}/autonomy-reviews`,
      officer,
      { reviewedAt: '2026-07-01T00:00:00.000Z', spokeMaturity: { ...maturity(2), training: 5 } },
    );
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(res.json)).toContain('spokeMaturity.training');
    const noEvidence = await t.call(
      'POST',
      `/engagements/${engagement.engagementId}/autonomy-reviews`,
      officer,
      {
        reviewedAt: '2026-07-01T00:00:00.000Z',
        spokeMaturity: maturity(2),
        milestones: [{ milestoneId: 'others-trained', status: 'claimed' }],
      },
    );
    expect(noEvidence.status).toBe(400);
  });

  it('gives program managers one chronological timeline; officers and other units none', async () => {
    await t.call('POST', `/engagements/${engagement.engagementId}/follow-ups`, officer, {
      kind: 'coaching-session',
      dueAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    await t.publish(t.topics.reminders, reminderDue(engagement, { reminderId: 'rem-timeline' }));
    await waitUntil(
      () => t.db.collection('notifications').findOne({ _id: 'reminder:rem-timeline' as never }),
      20_000,
      'reminder notification',
    );
    const res = await t.call('GET', `/engagements/${engagement.engagementId}/timeline`, pm);
    expect(res.status).toBe(200);
    const entries = res.body as { at: string; source: string; what: string }[];
    expect(entries.map((e) => `${e.source}:${e.what}`)).toEqual([
      'autonomy-review:recorded',
      'autonomy-review:recorded',
      'follow-up:planned',
      'notification:reminder',
    ]);
    expect([...entries.map((e) => e.at)].sort()).toEqual(entries.map((e) => e.at));
    expect(JSON.stringify(res.body)).not.toContain('board meeting');
    expect(
      (await t.call('GET', `/engagements/${engagement.engagementId}/timeline`, officer)).status,
    ).toBe(403);
    const otherPm = await t.minter.programManager('desk-sahel', 'pm-sahel');
    expect(
      (await t.call('GET', `/engagements/${engagement.engagementId}/timeline`, otherPm)).status,
    ).toBe(404);
  });
});
