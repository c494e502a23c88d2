import { RISK_LEVELS, type RiskLevel } from '@trellis/contracts';

/*
 * The risk model (New Protection Manual): risk = threats × vulnerabilities / capacities.
 *
 * Scales (every rating is an integer 1–5):
 * - likelihood: 1 very unlikely … 5 almost certain;
 * - impact: 1 minor … 5 life-threatening;
 * - vulnerability rating: 1 barely exposes the organisation … 5 exposes it severely;
 * - capacity rating: 1 weak … 5 strong protection.
 *
 * Formula, per threat:
 *   threat factor  T = likelihood × impact                       (1 … 25)
 *   vulnerability  V = mean of the threat's vulnerability ratings (1 … 5)
 *   capacity       C = mean of the threat's capacity ratings      (1 … 5)
 *   risk score     R = T × V / C, rounded to two decimals          (0.2 … 125)
 *
 * Missing factors are handled conservatively, never by dividing by zero:
 * - no capacity recorded: C = 1 (nothing protects against the threat yet);
 * - no vulnerability recorded: V = 3 (the middle of the scale: unknown, not absent).
 * Both cases are flagged on the result so that the UI can ask for them.
 *
 * Level bands on R (lower bound inclusive):
 *   low  R < 6 · medium 6 ≤ R < 15 · high 15 ≤ R < 40 · critical R ≥ 40
 * With balanced vulnerabilities and capacities (V = C) the score is the threat factor, so the
 * likelihood × impact matrix uses the same bands on T.
 *
 * Overall risk of a set of threats: the highest per-threat score (an organisation is as
 * exposed as its worst threat), with its band; `low` with score 0 when there is no threat.
 */

/** Lowest score of each level band (inclusive), in ascending order of level. */
export const RISK_LEVEL_THRESHOLDS: Readonly<Record<RiskLevel, number>> = {
  low: 0,
  medium: 6,
  high: 15,
  critical: 40,
};

/** Capacity assumed when a threat has no capacity recorded. */
export const MISSING_CAPACITY_VALUE = 1;

/** Vulnerability assumed when a threat has no vulnerability recorded. */
export const MISSING_VULNERABILITY_VALUE = 3;

/** Smallest and largest rating. */
export const RATING_MIN = 1;
export const RATING_MAX = 5;

/** A rated vulnerability or capacity as the computation needs it. */
export interface RatedFactor {
  rating: number;
}

/** The inputs of one threat's risk. */
export interface ThreatRiskInput {
  likelihood: number;
  impact: number;
  vulnerabilities: readonly RatedFactor[];
  capacities: readonly RatedFactor[];
}

/** One threat's computed risk. */
export interface ThreatRiskResult {
  /** T = likelihood × impact. */
  threatFactor: number;
  /** V: mean vulnerability rating (or {@link MISSING_VULNERABILITY_VALUE}). */
  vulnerability: number;
  /** C: mean capacity rating (or {@link MISSING_CAPACITY_VALUE}). */
  capacity: number;
  /** R = T × V / C, two decimals. */
  score: number;
  level: RiskLevel;
  vulnerabilitiesMissing: boolean;
  capacitiesMissing: boolean;
}

/** A rating out of 1–5 (or not an integer). */
export class RatingOutOfRangeError extends Error {
  constructor(readonly field: string) {
    super(`${field} must be an integer from ${RATING_MIN} to ${RATING_MAX}`);
    this.name = 'RatingOutOfRangeError';
  }
}

function checkRating(value: number, field: string): void {
  if (!Number.isInteger(value) || value < RATING_MIN || value > RATING_MAX) {
    throw new RatingOutOfRangeError(field);
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/** The level band of a risk score (see the bands above). */
export function riskLevelOf(score: number): RiskLevel {
  if (!Number.isFinite(score) || score < 0) throw new RangeError('a risk score is 0 or more');
  let level: RiskLevel = 'low';
  for (const candidate of RISK_LEVELS) {
    if (score >= RISK_LEVEL_THRESHOLDS[candidate]) level = candidate;
  }
  return level;
}

/**
 * The risk of one threat: R = likelihood × impact × mean(vulnerabilities) / mean(capacities).
 * Throws {@link RatingOutOfRangeError} for a rating outside 1–5.
 */
export function computeThreatRisk(input: ThreatRiskInput): ThreatRiskResult {
  checkRating(input.likelihood, 'likelihood');
  checkRating(input.impact, 'impact');
  input.vulnerabilities.forEach((v, i) => checkRating(v.rating, `vulnerabilities.${i}.rating`));
  input.capacities.forEach((c, i) => checkRating(c.rating, `capacities.${i}.rating`));
  const vulnerabilitiesMissing = input.vulnerabilities.length === 0;
  const capacitiesMissing = input.capacities.length === 0;
  const threatFactor = input.likelihood * input.impact;
  const vulnerability = vulnerabilitiesMissing
    ? MISSING_VULNERABILITY_VALUE
    : mean(input.vulnerabilities.map((v) => v.rating));
  const capacity = capacitiesMissing
    ? MISSING_CAPACITY_VALUE
    : mean(input.capacities.map((c) => c.rating));
  const score = round2((threatFactor * vulnerability) / capacity);
  return {
    threatFactor,
    vulnerability: round2(vulnerability),
    capacity: round2(capacity),
    score,
    level: riskLevelOf(score),
    vulnerabilitiesMissing,
    capacitiesMissing,
  };
}

/** The overall risk of a set of per-threat results. */
export interface OverallRisk {
  score: number;
  level: RiskLevel;
}

/** Overall risk: the highest per-threat score and its band (`low`, 0 without threats). */
export function overallRisk(threats: readonly Pick<ThreatRiskResult, 'score'>[]): OverallRisk {
  const score = threats.reduce((max, t) => Math.max(max, t.score), 0);
  return { score, level: riskLevelOf(score) };
}

/** A threat placed in the risk matrix. */
export interface MatrixThreat {
  threatId: string;
  likelihood: number;
  impact: number;
}

/** One cell of the likelihood × impact matrix. */
export interface RiskMatrixCell {
  likelihood: number;
  impact: number;
  /** likelihood × impact, banded like a risk score with V = C. */
  level: RiskLevel;
  threatIds: string[];
}

/**
 * The 5 × 5 risk matrix: rows of likelihood 5 (top) down to 1, columns of impact 1 to 5; each
 * cell carries its band and the threats placed in it.
 */
export function riskMatrix(threats: readonly MatrixThreat[]): RiskMatrixCell[][] {
  threats.forEach((t, i) => {
    checkRating(t.likelihood, `threats.${i}.likelihood`);
    checkRating(t.impact, `threats.${i}.impact`);
  });
  const rows: RiskMatrixCell[][] = [];
  for (let likelihood = RATING_MAX; likelihood >= RATING_MIN; likelihood--) {
    const row: RiskMatrixCell[] = [];
    for (let impact = RATING_MIN; impact <= RATING_MAX; impact++) {
      row.push({
        likelihood,
        impact,
        level: riskLevelOf(likelihood * impact),
        threatIds: threats
          .filter((t) => t.likelihood === likelihood && t.impact === impact)
          .map((t) => t.threatId),
      });
    }
    rows.push(row);
  }
  return rows;
}

/** How a threat's risk moved between two assessments. */
export interface ThreatRiskChange {
  threatId: string;
  previousScore?: number;
  previousLevel?: RiskLevel;
  score?: number;
  level?: RiskLevel;
  /** `new`: only in the later assessment; `dropped`: only in the earlier one. */
  trend: 'new' | 'dropped' | 'up' | 'down' | 'unchanged';
}

/** Compares per-threat risk between an earlier and a later assessment. */
export function compareThreatRisks(
  previous: readonly { threatId: string; score: number; level: RiskLevel }[],
  current: readonly { threatId: string; score: number; level: RiskLevel }[],
): ThreatRiskChange[] {
  const before = new Map(previous.map((t) => [t.threatId, t]));
  const changes: ThreatRiskChange[] = current.map((now) => {
    const then = before.get(now.threatId);
    if (!then) return { threatId: now.threatId, score: now.score, level: now.level, trend: 'new' };
    const trend = now.score > then.score ? 'up' : now.score < then.score ? 'down' : 'unchanged';
    return {
      threatId: now.threatId,
      previousScore: then.score,
      previousLevel: then.level,
      score: now.score,
      level: now.level,
      trend,
    };
  });
  const seen = new Set(current.map((t) => t.threatId));
  for (const then of previous) {
    if (!seen.has(then.threatId)) {
      changes.push({
        threatId: then.threatId,
        previousScore: then.score,
        previousLevel: then.level,
        trend: 'dropped',
      });
    }
  }
  return changes;
}
