import { levelRank, type CatalogueLevel } from '@trellis/catalogue';

/** The levels of complexity, lowest first. */
export const LEVELS_ASCENDING: readonly CatalogueLevel[] = ['basic', 'intermediate', 'advanced'];

/** Held sessions at (or above) a level needed before the organisation moves past it. */
export const SESSIONS_TO_ADVANCE = 2;

/** Mean post-session knowledge-check score (0–100) that shows a level is mastered. */
export const MASTERY_SCORE = 70;

/** The higher of two levels. */
export function maxLevel(a: CatalogueLevel, b: CatalogueLevel): CatalogueLevel {
  return levelRank(a) >= levelRank(b) ? a : b;
}

/** Evidence of progress: a held session's level and its mean post-check score (null: none). */
export interface LevelEvidence {
  readonly level: CatalogueLevel;
  readonly averagePostScore: number | null;
}

/**
 * The organisation's current level: its baseline (the needs assessment's suggested level,
 * `basic` when unknown), raised one step at a time while it has held at least
 * {@link SESSIONS_TO_ADVANCE} sessions at the current level or above whose mean post-check
 * score is at least {@link MASTERY_SCORE}. Never lower than the baseline.
 */
export function organisationLevel(
  baseline: CatalogueLevel | undefined,
  evidence: readonly LevelEvidence[],
): CatalogueLevel {
  let level: CatalogueLevel = baseline ?? 'basic';
  for (;;) {
    const next = LEVELS_ASCENDING[levelRank(level)];
    if (!next) return level;
    const mastered = evidence.filter(
      (e) =>
        levelRank(e.level) >= levelRank(level) &&
        e.averagePostScore !== null &&
        e.averagePostScore >= MASTERY_SCORE,
    );
    if (mastered.length < SESSIONS_TO_ADVANCE) return level;
    level = next;
  }
}

/**
 * The level a planned module is taught at: the organisation's current level when known, else
 * the level agreed in the agreement; never below the level already planned (`current`), so a
 * plan item is raised as the organisation progresses but never lowered.
 */
export function adaptLevel(input: {
  agreed: CatalogueLevel;
  organisation?: CatalogueLevel | undefined;
  current?: CatalogueLevel | undefined;
}): CatalogueLevel {
  const adapted = input.organisation ?? input.agreed;
  return input.current ? maxLevel(adapted, input.current) : adapted;
}
