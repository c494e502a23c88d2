import { SECURITY_WHEEL_SPOKES, type SpokeId } from '@trellis/contracts';

/*
 * Security wheel aggregation. Each participant scores the eight spokes 0–4 (maturity). Per
 * spoke the round shows the mean (two decimals), the spread between participants (max − min
 * and population standard deviation), the means of leadership and of staff and their gap
 * (leadership − staff), and the change of the mean since the previous round.
 */

/** The group a participant belongs to, for the leadership vs staff comparison. */
export const WHEEL_PARTICIPANT_GROUPS = ['leadership', 'staff'] as const;
export type WheelParticipantGroup = (typeof WHEEL_PARTICIPANT_GROUPS)[number];

/** One participant's scores (all eight spokes). */
export interface WheelParticipantScores {
  group: WheelParticipantGroup;
  scores: Readonly<Record<SpokeId, number>>;
}

/** The aggregate of one spoke. */
export interface SpokeAggregate {
  spoke: SpokeId;
  mean: number;
  min: number;
  max: number;
  /** max − min. */
  range: number;
  /** Population standard deviation. */
  standardDeviation: number;
  /** Mean of leadership participants (absent when none scored). */
  leadershipMean?: number;
  /** Mean of staff participants (absent when none scored). */
  staffMean?: number;
  /** leadershipMean − staffMean, when both exist. */
  leadershipStaffGap?: number;
}

/** The aggregate of a round. */
export interface WheelAggregate {
  participantCount: number;
  spokes: SpokeAggregate[];
  /** Mean of each spoke (the `spokeMeans` of the round-completed event). */
  spokeMeans: Record<SpokeId, number>;
}

/** The change of one spoke's mean since the previous round. */
export interface SpokeChange {
  spoke: SpokeId;
  previousMean: number;
  mean: number;
  change: number;
}

/** A score outside 0–4, or a participant missing a spoke. */
export class InvalidWheelScoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidWheelScoreError';
  }
}

const round2 = (v: number) => Math.round(v * 100) / 100;
const meanOf = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / values.length;

/** Aggregates a round's scores per spoke. Throws for an empty round or a bad score. */
export function aggregateWheel(participants: readonly WheelParticipantScores[]): WheelAggregate {
  if (participants.length === 0) {
    throw new InvalidWheelScoreError('a round needs at least one participant');
  }
  participants.forEach((p, i) => {
    for (const spoke of SECURITY_WHEEL_SPOKES) {
      const score = p.scores[spoke];
      if (!Number.isInteger(score) || score < 0 || score > 4) {
        throw new InvalidWheelScoreError(`participant ${i}: ${spoke} must be an integer 0–4`);
      }
    }
  });
  const spokes = SECURITY_WHEEL_SPOKES.map((spoke): SpokeAggregate => {
    const all = participants.map((p) => p.scores[spoke]);
    const leadership = participants.filter((p) => p.group === 'leadership');
    const staff = participants.filter((p) => p.group === 'staff');
    const mean = meanOf(all);
    const min = Math.min(...all);
    const max = Math.max(...all);
    const variance = meanOf(all.map((v) => (v - mean) ** 2));
    const leadershipMean = leadership.length
      ? round2(meanOf(leadership.map((p) => p.scores[spoke])))
      : undefined;
    const staffMean = staff.length ? round2(meanOf(staff.map((p) => p.scores[spoke]))) : undefined;
    return {
      spoke,
      mean: round2(mean),
      min,
      max,
      range: max - min,
      standardDeviation: round2(Math.sqrt(variance)),
      ...(leadershipMean !== undefined ? { leadershipMean } : {}),
      ...(staffMean !== undefined ? { staffMean } : {}),
      ...(leadershipMean !== undefined && staffMean !== undefined
        ? { leadershipStaffGap: round2(leadershipMean - staffMean) }
        : {}),
    };
  });
  const spokeMeans = Object.fromEntries(spokes.map((s) => [s.spoke, s.mean])) as Record<
    SpokeId,
    number
  >;
  return { participantCount: participants.length, spokes, spokeMeans };
}

/** Per spoke, how the mean changed since the previous round (positive = more mature). */
export function compareWheelRounds(
  previous: Readonly<Record<SpokeId, number>>,
  current: Readonly<Record<SpokeId, number>>,
): SpokeChange[] {
  return SECURITY_WHEEL_SPOKES.map((spoke) => ({
    spoke,
    previousMean: previous[spoke],
    mean: current[spoke],
    change: round2(current[spoke] - previous[spoke]),
  }));
}
