import { AUTONOMY_MILESTONES, SECURITY_WHEEL_SPOKES, type MilestoneId } from '@trellis/contracts';
import {
  AUTONOMY_LEVEL_RULE,
  changeSince,
  claimMilestone,
  computeAutonomyLevel,
  MaturityOutOfRangeError,
  MilestoneRuleError,
  reviewProgress,
  verifyMilestone,
  type MilestoneStatuses,
  type ReviewSnapshot,
  type SpokeMaturity,
} from './autonomy';

function maturity(value: number, overrides: Partial<SpokeMaturity> = {}): SpokeMaturity {
  const all = Object.fromEntries(SECURITY_WHEEL_SPOKES.map((s) => [s, value])) as SpokeMaturity;
  return { ...all, ...overrides };
}

function verified(...ids: MilestoneId[]): MilestoneStatuses {
  return Object.fromEntries(ids.map((id) => [id, 'verified']));
}

const LEVEL_1: MilestoneId[] = ['focal-point-designated', 'risk-assessment-with-support'];
const LEVEL_2: MilestoneId[] = [...LEVEL_1, 'plan-adopted-by-leadership', 'incident-register-kept'];
const LEVEL_3: MilestoneId[] = [
  ...LEVEL_2,
  'risk-assessment-updated-independently',
  'plan-reviewed-independently',
];

describe('autonomy level rule', () => {
  it('covers every milestone exactly once, levels 1 to 4 in order', () => {
    expect(AUTONOMY_LEVEL_RULE.map((r) => r.level)).toEqual([1, 2, 3, 4]);
    expect([...AUTONOMY_LEVEL_RULE.flatMap((r) => r.milestones)].sort()).toEqual(
      [...AUTONOMY_MILESTONES].sort(),
    );
  });

  it('is 0 dependent with nothing verified, and names what level 1 needs', () => {
    const result = computeAutonomyLevel(maturity(4), {});
    expect(result.level).toBe(0);
    expect(result.shortfall).toEqual({
      nextLevel: 1,
      missingMilestones: LEVEL_1,
      weakSpokes: [],
      meanTooLow: false,
    });
  });

  it('counts verified milestones only, never claimed ones', () => {
    const claimed: MilestoneStatuses = {
      'focal-point-designated': 'verified',
      'risk-assessment-with-support': 'claimed',
    };
    expect(computeAutonomyLevel(maturity(4), claimed).level).toBe(0);
    expect(computeAutonomyLevel(maturity(0), verified(...LEVEL_1)).level).toBe(1);
  });

  it('needs the maturity of each level as well as its milestones', () => {
    // Milestones of level 2, but the mean maturity is below 2.
    const low = computeAutonomyLevel(maturity(1), verified(...LEVEL_2));
    expect(low.level).toBe(1);
    expect(low.shortfall).toMatchObject({ nextLevel: 2, meanTooLow: true, missingMilestones: [] });
    // Mean 2.5, but one spoke at 0.
    const weak = computeAutonomyLevel(maturity(3, { evaluation: 0 }), verified(...LEVEL_2));
    expect(weak.level).toBe(1);
    expect(weak.shortfall?.weakSpokes).toEqual(['evaluation']);
    expect(computeAutonomyLevel(maturity(2), verified(...LEVEL_2)).level).toBe(2);
  });

  it('reaches 3 autonomous and 4 multiplier only with no weak spoke', () => {
    expect(computeAutonomyLevel(maturity(3), verified(...LEVEL_3)).level).toBe(3);
    expect(computeAutonomyLevel(maturity(3, { training: 1 }), verified(...LEVEL_3)).level).toBe(2);
    const all = verified(...AUTONOMY_MILESTONES);
    const four = computeAutonomyLevel(maturity(3), all);
    expect(four).toEqual({ level: 4, meanMaturity: 3 });
    expect(computeAutonomyLevel(maturity(4, { training: 2 }), all).level).toBe(3);
  });

  it('is cumulative: higher milestones do not make up for a missing lower one', () => {
    const skipped = verified(
      ...AUTONOMY_MILESTONES.filter((m) => m !== 'risk-assessment-with-support'),
    );
    const result = computeAutonomyLevel(maturity(4), skipped);
    expect(result.level).toBe(0);
    expect(result.shortfall?.missingMilestones).toEqual(['risk-assessment-with-support']);
  });

  it('refuses maturity out of range, fractional, missing or unknown spokes', () => {
    expect(() => computeAutonomyLevel(maturity(2, { training: 5 }), {})).toThrow(
      MaturityOutOfRangeError,
    );
    expect(() => computeAutonomyLevel(maturity(2, { training: -1 }), {})).toThrow(/training/);
    expect(() => computeAutonomyLevel(maturity(2, { training: 1.5 }), {})).toThrow(
      MaturityOutOfRangeError,
    );
    const { training: _dropped, ...missing } = maturity(2);
    expect(() => computeAutonomyLevel(missing as SpokeMaturity, {})).toThrow(/training/);
    expect(() =>
      computeAutonomyLevel({ ...maturity(2), courage: 3 } as unknown as SpokeMaturity, {}),
    ).toThrow(/courage/);
  });
});

describe('milestone verification', () => {
  const at = new Date('2026-05-01T10:00:00.000Z');
  const notStarted = {
    milestoneId: 'focal-point-designated' as const,
    status: 'not-started' as const,
  };

  it('claims with evidence and verifies by a second person', () => {
    const claimed = claimMilestone(notStarted, 'officer-1', true, at);
    expect(claimed).toMatchObject({ status: 'claimed', claimedBy: 'officer-1' });
    const done = verifyMilestone(claimed, 'pm-1', at);
    expect(done).toMatchObject({
      status: 'verified',
      claimedBy: 'officer-1',
      verifiedBy: 'pm-1',
      verifiedAt: at.toISOString(),
    });
  });

  it('refuses verification by the person who claimed it', () => {
    const claimed = claimMilestone(notStarted, 'officer-1', true, at);
    expect(() => verifyMilestone(claimed, 'officer-1', at)).toThrow(
      expect.objectContaining({ violation: 'SELF_VERIFICATION' }) as Error,
    );
  });

  it('refuses verifying an unclaimed or verified milestone, and claims without evidence', () => {
    expect(() => verifyMilestone(notStarted, 'pm-1', at)).toThrow(
      expect.objectContaining({ violation: 'NOT_CLAIMED' }) as Error,
    );
    const done = verifyMilestone(claimMilestone(notStarted, 'a', true, at), 'b', at);
    expect(() => verifyMilestone(done, 'c', at)).toThrow(MilestoneRuleError);
    expect(() => claimMilestone(done, 'c', true, at)).toThrow(
      expect.objectContaining({ violation: 'ALREADY_VERIFIED' }) as Error,
    );
    expect(() => claimMilestone(notStarted, 'a', false, at)).toThrow(
      expect.objectContaining({ violation: 'NO_EVIDENCE' }) as Error,
    );
  });
});

describe('change since the baseline and the last review', () => {
  const review = (
    reviewId: string,
    reviewedAt: string,
    level: 0 | 1 | 2,
    value: number,
    ids: MilestoneId[],
  ): ReviewSnapshot => ({
    reviewId,
    reviewedAt,
    level,
    spokeMaturity: maturity(value),
    milestones: verified(...ids),
  });
  const baseline = review('r1', '2026-01-01T00:00:00.000Z', 0, 1, ['focal-point-designated']);
  const middle = review('r2', '2026-04-01T00:00:00.000Z', 1, 1, LEVEL_1);
  const latest = {
    ...review('r3', '2026-07-01T00:00:00.000Z', 2, 2, LEVEL_2),
    spokeMaturity: maturity(2, { training: 3 }),
  };

  it('reports level, maturity and milestone changes', () => {
    expect(changeSince(latest, baseline)).toEqual({
      sinceReviewId: 'r1',
      sinceReviewedAt: baseline.reviewedAt,
      levelChange: 2,
      meanMaturityChange: 1.13,
      spokeChanges: Object.fromEntries(
        SECURITY_WHEEL_SPOKES.map((s) => [s, s === 'training' ? 2 : 1]),
      ),
      newlyVerified: [
        'risk-assessment-with-support',
        'plan-adopted-by-leadership',
        'incident-register-kept',
      ],
      noLongerVerified: [],
    });
    expect(changeSince(baseline, middle).noLongerVerified).toEqual([
      'risk-assessment-with-support',
    ]);
  });

  it('finds the baseline (first review) and the last review before the current one', () => {
    const progress = reviewProgress(latest, [middle, latest, baseline]);
    expect(progress.sinceBaseline?.sinceReviewId).toBe('r1');
    expect(progress.sinceLastReview?.sinceReviewId).toBe('r2');
    expect(progress.sinceLastReview?.levelChange).toBe(1);
    expect(reviewProgress(baseline, [baseline])).toEqual({});
  });
});
