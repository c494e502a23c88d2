/** A knowledge-check score out of range (scores are integers 0–100). */
export class ScoreOutOfRangeError extends RangeError {
  constructor(readonly score: number) {
    super(`a knowledge-check score must be an integer from 0 to 100, got ${score}`);
    this.name = 'ScoreOutOfRangeError';
  }
}

function checkScore(score: number): number {
  if (!Number.isInteger(score) || score < 0 || score > 100) throw new ScoreOutOfRangeError(score);
  return score;
}

/** Rounds to one decimal (percentage points). */
export function roundGain(value: number): number {
  return Math.round(value * 10) / 10;
}

/** One participant's knowledge gain: post − pre in percentage points (−100 … 100). */
export function participantGain(pre: number, post: number): number {
  return checkScore(post) - checkScore(pre);
}

/** Pre and post scores of one participant; either may be missing. */
export interface KnowledgeCheck {
  readonly preScore?: number | undefined;
  readonly postScore?: number | undefined;
}

/** The knowledge checks of a session summed up. */
export interface SessionKnowledge {
  /** Participants with both a pre and a post score. */
  readonly knowledgeCheckCount: number;
  /** Mean gain over those participants (one decimal), null when there are none. */
  readonly averageKnowledgeGain: number | null;
  /** Mean pre score over the same participants, null when none. */
  readonly averagePreScore: number | null;
  /** Mean post score over the same participants, null when none. */
  readonly averagePostScore: number | null;
}

/**
 * Sums up a session's knowledge checks: only participants with both scores count (a lone pre
 * or post score shows no gain); every given score must be 0–100 ({@link ScoreOutOfRangeError}).
 */
export function sessionKnowledge(checks: readonly KnowledgeCheck[]): SessionKnowledge {
  let pre = 0;
  let post = 0;
  let count = 0;
  for (const c of checks) {
    if (c.preScore !== undefined) checkScore(c.preScore);
    if (c.postScore !== undefined) checkScore(c.postScore);
    if (c.preScore === undefined || c.postScore === undefined) continue;
    pre += c.preScore;
    post += c.postScore;
    count += 1;
  }
  if (count === 0) {
    return {
      knowledgeCheckCount: 0,
      averageKnowledgeGain: null,
      averagePreScore: null,
      averagePostScore: null,
    };
  }
  return {
    knowledgeCheckCount: count,
    averageKnowledgeGain: roundGain((post - pre) / count),
    averagePreScore: roundGain(pre / count),
    averagePostScore: roundGain(post / count),
  };
}
