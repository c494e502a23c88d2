import {
  AUTONOMY_MILESTONES,
  SECURITY_WHEEL_SPOKES,
  type AutonomyLevel,
  type MilestoneId,
  type MilestoneStatus,
  type SpokeId,
} from '@trellis/contracts';

/*
 * The autonomy level rule (DESIGN.md §2: 0 dependent, 1 assisted, 2 practising, 3 autonomous,
 * 4 multiplier). Levels are cumulative: a level is reached when every requirement of it AND of
 * every lower level is met. Only milestones VERIFIED by a second person count; claimed ones do
 * not. Spoke maturity is the review's 0–4 score per security-wheel spoke.
 *
 * | level | milestones verified (in addition to those of lower levels) | spoke maturity            |
 * | ----- | ------------------------------------------------------------ | ------------------------- |
 * | 1     | focal-point-designated, risk-assessment-with-support         | —                         |
 * | 2     | plan-adopted-by-leadership, incident-register-kept           | mean ≥ 2, every spoke ≥ 1 |
 * | 3     | risk-assessment-updated-independently,                       | mean ≥ 3, every spoke ≥ 2 |
 * |       | plan-reviewed-independently                                  |                           |
 * | 4     | staff-trained-internally, others-trained                     | mean ≥ 3, every spoke ≥ 3 |
 *
 * Rationale: level 1 means the organisation has someone in charge and has gone through a risk
 * assessment with support; level 2 that security management is practised (a plan adopted,
 * incidents recorded) across the whole wheel; level 3 that the organisation updates its
 * analysis and plan WITHOUT support (the definition of autonomy in DESIGN.md §1.5); level 4
 * that it passes the knowledge on (§1.6) with no weak spoke left.
 */

/** What one level requires on top of the lower levels. */
export interface LevelRequirement {
  level: Exclude<AutonomyLevel, 0>;
  milestones: readonly MilestoneId[];
  /** Lowest acceptable mean of the eight spokes (0 = no requirement). */
  minMeanMaturity: number;
  /** Lowest acceptable score of any single spoke (0 = no requirement). */
  minSpokeMaturity: number;
}

/** The rule, as data (see the table above). */
export const AUTONOMY_LEVEL_RULE: readonly LevelRequirement[] = [
  {
    level: 1,
    milestones: ['focal-point-designated', 'risk-assessment-with-support'],
    minMeanMaturity: 0,
    minSpokeMaturity: 0,
  },
  {
    level: 2,
    milestones: ['plan-adopted-by-leadership', 'incident-register-kept'],
    minMeanMaturity: 2,
    minSpokeMaturity: 1,
  },
  {
    level: 3,
    milestones: ['risk-assessment-updated-independently', 'plan-reviewed-independently'],
    minMeanMaturity: 3,
    minSpokeMaturity: 2,
  },
  {
    level: 4,
    milestones: ['staff-trained-internally', 'others-trained'],
    minMeanMaturity: 3,
    minSpokeMaturity: 3,
  },
];

/** Maturity 0–4 for every spoke. */
export type SpokeMaturity = Readonly<Record<SpokeId, number>>;

/** The status of every milestone. */
export type MilestoneStatuses = Readonly<Partial<Record<MilestoneId, MilestoneStatus>>>;

/** Why the next level is not reached. */
export interface LevelShortfall {
  nextLevel: Exclude<AutonomyLevel, 0>;
  /** Milestones of the next level (or a lower one) not yet verified. */
  missingMilestones: MilestoneId[];
  /** Spokes below the next level's minimum. */
  weakSpokes: SpokeId[];
  /** Whether the mean maturity is below the next level's minimum. */
  meanTooLow: boolean;
}

/** The computed level and, below 4, what is missing for the next one. */
export interface AutonomyAssessment {
  level: AutonomyLevel;
  meanMaturity: number;
  shortfall?: LevelShortfall;
}

/** A spoke maturity outside 0–4 (or not an integer), or a spoke missing. */
export class MaturityOutOfRangeError extends RangeError {
  override readonly name = 'MaturityOutOfRangeError';
  constructor(readonly spokes: readonly string[]) {
    super(`Spoke maturity must be an integer from 0 to 4 for every spoke: ${spokes.join(', ')}`);
  }
}

/** Throws {@link MaturityOutOfRangeError} unless every spoke has an integer maturity 0–4. */
export function assertSpokeMaturity(maturity: Readonly<Record<string, unknown>>): SpokeMaturity {
  const wrong = SECURITY_WHEEL_SPOKES.filter((spoke) => {
    const value = maturity[spoke];
    return typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 4;
  });
  const unknown = Object.keys(maturity).filter(
    (k) => !(SECURITY_WHEEL_SPOKES as readonly string[]).includes(k),
  );
  if (wrong.length > 0 || unknown.length > 0) {
    throw new MaturityOutOfRangeError([...wrong, ...unknown]);
  }
  return maturity as SpokeMaturity;
}

/** The mean of the eight spokes, rounded to two decimals. */
export function meanMaturity(maturity: SpokeMaturity): number {
  const sum = SECURITY_WHEEL_SPOKES.reduce((total, spoke) => total + maturity[spoke], 0);
  return Math.round((sum / SECURITY_WHEEL_SPOKES.length) * 100) / 100;
}

/** The milestones that count: those verified by a second person. */
export function verifiedMilestones(statuses: MilestoneStatuses): Set<MilestoneId> {
  return new Set(AUTONOMY_MILESTONES.filter((m) => statuses[m] === 'verified'));
}

/**
 * Computes the autonomy level by {@link AUTONOMY_LEVEL_RULE}: the highest level whose
 * requirements, and those of every lower level, are met. Throws
 * {@link MaturityOutOfRangeError} on a maturity outside 0–4.
 */
export function computeAutonomyLevel(
  maturity: SpokeMaturity,
  statuses: MilestoneStatuses,
): AutonomyAssessment {
  assertSpokeMaturity(maturity);
  const verified = verifiedMilestones(statuses);
  const mean = meanMaturity(maturity);
  let level: AutonomyLevel = 0;
  const missingSoFar: MilestoneId[] = [];
  for (const requirement of AUTONOMY_LEVEL_RULE) {
    missingSoFar.push(...requirement.milestones.filter((m) => !verified.has(m)));
    const weakSpokes = SECURITY_WHEEL_SPOKES.filter(
      (spoke) => maturity[spoke] < requirement.minSpokeMaturity,
    );
    const meanTooLow = mean < requirement.minMeanMaturity;
    if (missingSoFar.length > 0 || weakSpokes.length > 0 || meanTooLow) {
      return {
        level,
        meanMaturity: mean,
        shortfall: {
          nextLevel: requirement.level,
          missingMilestones: [...missingSoFar],
          weakSpokes,
          meanTooLow,
        },
      };
    }
    level = requirement.level;
  }
  return { level, meanMaturity: mean };
}

// ---------------------------------------------------------------------------------------------
// Milestone claims and verification

/** A milestone as a review holds it: evidence claimed by one person, verified by another. */
export interface MilestoneRecord {
  milestoneId: MilestoneId;
  status: MilestoneStatus;
  claimedBy?: string;
  claimedAt?: string;
  verifiedBy?: string;
  verifiedAt?: string;
}

/** Why a milestone step is refused. */
export type MilestoneRuleViolation =
  'SELF_VERIFICATION' | 'NOT_CLAIMED' | 'ALREADY_VERIFIED' | 'NO_EVIDENCE';

/** A milestone claim or verification that breaks the rules. */
export class MilestoneRuleError extends Error {
  override readonly name = 'MilestoneRuleError';
  constructor(
    readonly violation: MilestoneRuleViolation,
    readonly milestoneId: MilestoneId,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Claims a milestone (evidence given by `claimantId`): status `claimed`. A claim without
 * evidence is refused (`NO_EVIDENCE`), a verified milestone cannot be claimed again.
 */
export function claimMilestone(
  milestone: MilestoneRecord,
  claimantId: string,
  hasEvidence: boolean,
  at: Date,
): MilestoneRecord {
  if (!hasEvidence) {
    throw new MilestoneRuleError(
      'NO_EVIDENCE',
      milestone.milestoneId,
      'A milestone is claimed with evidence (a description or a reference).',
    );
  }
  if (milestone.status === 'verified') {
    throw new MilestoneRuleError(
      'ALREADY_VERIFIED',
      milestone.milestoneId,
      'The milestone is already verified.',
    );
  }
  return {
    milestoneId: milestone.milestoneId,
    status: 'claimed',
    claimedBy: claimantId,
    claimedAt: at.toISOString(),
  };
}

/**
 * Verifies a claimed milestone. The verifier must be a second person: the claimant is refused
 * (`SELF_VERIFICATION`); a milestone not claimed (`NOT_CLAIMED`) or already verified
 * (`ALREADY_VERIFIED`) cannot be verified.
 */
export function verifyMilestone(
  milestone: MilestoneRecord,
  verifierId: string,
  at: Date,
): MilestoneRecord {
  if (milestone.status === 'verified') {
    throw new MilestoneRuleError(
      'ALREADY_VERIFIED',
      milestone.milestoneId,
      'The milestone is already verified.',
    );
  }
  if (milestone.status !== 'claimed' || !milestone.claimedBy) {
    throw new MilestoneRuleError(
      'NOT_CLAIMED',
      milestone.milestoneId,
      'Only a claimed milestone (with evidence) can be verified.',
    );
  }
  if (milestone.claimedBy === verifierId) {
    throw new MilestoneRuleError(
      'SELF_VERIFICATION',
      milestone.milestoneId,
      'A milestone must be verified by a second person, not by the one who claimed it.',
    );
  }
  return { ...milestone, status: 'verified', verifiedBy: verifierId, verifiedAt: at.toISOString() };
}

// ---------------------------------------------------------------------------------------------
// Change since the baseline and the last review

/** The parts of a review compared over time. */
export interface ReviewSnapshot {
  reviewId: string;
  reviewedAt: string;
  level: AutonomyLevel;
  spokeMaturity: SpokeMaturity;
  milestones: MilestoneStatuses;
}

/** How a review differs from an earlier one. */
export interface ReviewChange {
  sinceReviewId: string;
  sinceReviewedAt: string;
  levelChange: number;
  meanMaturityChange: number;
  /** Per spoke: current minus earlier maturity (only spokes that changed). */
  spokeChanges: Partial<Record<SpokeId, number>>;
  /** Milestones verified now and not then. */
  newlyVerified: MilestoneId[];
  /** Milestones verified then and not now. */
  noLongerVerified: MilestoneId[];
}

/** The change of `current` since `earlier`. */
export function changeSince(current: ReviewSnapshot, earlier: ReviewSnapshot): ReviewChange {
  const spokeChanges: Partial<Record<SpokeId, number>> = {};
  for (const spoke of SECURITY_WHEEL_SPOKES) {
    const delta = current.spokeMaturity[spoke] - earlier.spokeMaturity[spoke];
    if (delta !== 0) spokeChanges[spoke] = delta;
  }
  const now = verifiedMilestones(current.milestones);
  const then = verifiedMilestones(earlier.milestones);
  return {
    sinceReviewId: earlier.reviewId,
    sinceReviewedAt: earlier.reviewedAt,
    levelChange: current.level - earlier.level,
    meanMaturityChange:
      Math.round(
        (meanMaturity(current.spokeMaturity) - meanMaturity(earlier.spokeMaturity)) * 100,
      ) / 100,
    spokeChanges,
    newlyVerified: AUTONOMY_MILESTONES.filter((m) => now.has(m) && !then.has(m)),
    noLongerVerified: AUTONOMY_MILESTONES.filter((m) => then.has(m) && !now.has(m)),
  };
}

/**
 * The change of `current` since the baseline (the engagement's first recorded review) and
 * since the last review recorded before it. `history` holds the earlier recorded reviews in
 * any order; both are absent for the first review.
 */
export function reviewProgress(
  current: ReviewSnapshot,
  history: readonly ReviewSnapshot[],
): { sinceBaseline?: ReviewChange; sinceLastReview?: ReviewChange } {
  const earlier = history
    .filter((r) => r.reviewId !== current.reviewId && r.reviewedAt <= current.reviewedAt)
    .sort((a, b) => a.reviewedAt.localeCompare(b.reviewedAt));
  const baseline = earlier[0];
  const last = earlier[earlier.length - 1];
  return {
    ...(baseline ? { sinceBaseline: changeSince(current, baseline) } : {}),
    ...(last ? { sinceLastReview: changeSince(current, last) } : {}),
  };
}
