import {
  catalogue as builtInCatalogue,
  isTrainingModule,
  levelRank,
  prerequisiteOrder,
  type CatalogueItem,
  type CatalogueLevel,
  type SecurityWheelSpoke,
  type ThreatType,
} from '@trellis/catalogue';
import { SECURITY_WHEEL_SPOKES, type FocusArea, type Setting } from '@trellis/contracts';

/**
 * The needs assessment (baseline) of DESIGN.md §1.1: the organisation's security-wheel
 * self-assessment per spoke (0–4) and a few capacity questions. From it Trellis suggests the
 * training level and the interventions (methods, measures, topics) and training modules to
 * discuss for the agreement. Suggestions are advice for the officer, each with its reasons;
 * the agreement chooses.
 */
export interface NeedsAssessmentInput {
  /** Self-assessed maturity per spoke, 0 (absent) – 4 (embedded); mean of the participants. */
  spokeScores: Record<SecurityWheelSpoke, number>;
  capacities: {
    /** A person in the organisation is responsible for security. */
    focalPointDesignated: boolean;
    /** The organisation has ever assessed its risks (with or without support). */
    riskAssessmentDone: boolean;
    /** A written security plan exists. */
    securityPlanExists: boolean;
    /** Security incidents are recorded. */
    incidentsRecorded: boolean;
    /** Highest level of security training most staff have received. */
    previousTraining: 'none' | CatalogueLevel;
  };
  /** Threats the organisation faces now (controlled list). */
  threatTypes: ThreatType[];
  profile: { focusAreas: FocusArea[]; setting: Setting };
}

export interface Suggestion {
  catalogueId: string;
  kind: CatalogueItem['kind'];
  level: CatalogueLevel;
  score: number;
  reasons: string[];
}

export interface NeedsAssessmentResult {
  /** Mean maturity over the eight spokes (0–4). */
  overallMaturity: number;
  /** Spokes at or below 1 (absent or ad hoc), weakest first. */
  weakSpokes: SecurityWheelSpoke[];
  suggestedLevel: CatalogueLevel;
  /** Methods, measures and topics, best first. */
  interventions: Suggestion[];
  /** Training modules teaching the suggested interventions, in prerequisite order. */
  trainingModules: Suggestion[];
}

/** How many interventions to suggest at most. */
export const MAX_SUGGESTED_INTERVENTIONS = 12;

const LEVELS: CatalogueLevel[] = ['basic', 'intermediate', 'advanced'];

/**
 * Suggested level: from the mean maturity (below 1.5 basic, below 2.75 intermediate, else
 * advanced), but never more than one level above the training staff already had, and basic
 * when there is neither a risk assessment nor a security plan yet.
 */
export function suggestLevel(
  overallMaturity: number,
  capacities: NeedsAssessmentInput['capacities'],
): CatalogueLevel {
  let rank = overallMaturity < 1.5 ? 1 : overallMaturity < 2.75 ? 2 : 3;
  const previous =
    capacities.previousTraining === 'none' ? 0 : levelRank(capacities.previousTraining);
  rank = Math.min(rank, previous + 1);
  if (!capacities.riskAssessmentDone && !capacities.securityPlanExists) rank = 1;
  return LEVELS[Math.max(1, rank) - 1];
}

/** Capacity gaps point at spokes: a missing focal point is a responsibilities gap, and so on. */
function gapSpokes(c: NeedsAssessmentInput['capacities']): Map<SecurityWheelSpoke, string> {
  const gaps = new Map<SecurityWheelSpoke, string>();
  if (!c.focalPointDesignated) gaps.set('responsibilities', 'no security focal point yet');
  if (!c.riskAssessmentDone || !c.securityPlanExists)
    gaps.set('security-planning', 'no risk assessment or security plan yet');
  if (!c.incidentsRecorded) gaps.set('incident-response', 'incidents are not recorded');
  if (c.previousTraining === 'none') gaps.set('training', 'staff have had no security training');
  return gaps;
}

/** True when a specialised manual fits the organisation (LGBTI manual, rural guide). */
function manualFits(item: CatalogueItem, profile: NeedsAssessmentInput['profile']): boolean {
  if (item.sourceManual === 'lgbti') return profile.focusAreas.includes('lgbti');
  if (item.sourceManual === 'rural') return profile.setting === 'rural';
  return true;
}

export function assessNeeds(
  input: NeedsAssessmentInput,
  items: readonly CatalogueItem[] = builtInCatalogue,
): NeedsAssessmentResult {
  const scores = SECURITY_WHEEL_SPOKES.map((s) => input.spokeScores[s]);
  const overallMaturity =
    Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 100) / 100;
  const weakSpokes = [...SECURITY_WHEEL_SPOKES]
    .filter((s) => input.spokeScores[s] <= 1)
    .sort(
      (a, b) =>
        input.spokeScores[a] - input.spokeScores[b] ||
        SECURITY_WHEEL_SPOKES.indexOf(a) - SECURITY_WHEEL_SPOKES.indexOf(b),
    );
  const suggestedLevel = suggestLevel(overallMaturity, input.capacities);
  const gaps = gapSpokes(input.capacities);
  const threats = new Set(input.threatTypes);

  const candidates: Suggestion[] = [];
  for (const item of items) {
    if (isTrainingModule(item)) continue;
    if (levelRank(item.level) > levelRank(suggestedLevel)) continue;
    if (!manualFits(item, input.profile)) continue;
    const reasons: string[] = [];
    let score = 0;
    for (const spoke of item.securityWheelSpokes) {
      const value = input.spokeScores[spoke];
      if (value <= 1) {
        score += 3 - value; // 0 → 3, 1 → 2
        reasons.push(`strengthens weak spoke ${spoke} (${value}/4)`);
      } else if (value < 2.5) {
        score += 1;
      }
      const gap = gaps.get(spoke);
      if (gap) {
        score += 1;
        reasons.push(`capacity gap: ${gap}`);
      }
    }
    for (const threat of item.threatTypes) {
      if (threats.has(threat)) {
        score += 2;
        reasons.push(`addresses current threat ${threat}`);
      }
    }
    if (item.sourceManual === 'lgbti') {
      score += 2;
      reasons.push('Protection Manual for LGBTI Defenders, for an LGBTI-focused organisation');
    }
    if (item.sourceManual === 'rural') {
      score += 2;
      reasons.push('Protection Guide for defenders in rural areas, for a rural organisation');
    }
    if (reasons.length === 0) continue;
    candidates.push({
      catalogueId: item.id,
      kind: item.kind,
      level: item.level,
      score,
      reasons: [...new Set(reasons)],
    });
  }
  candidates.sort((a, b) => b.score - a.score || a.catalogueId.localeCompare(b.catalogueId));
  const interventions = candidates.slice(0, MAX_SUGGESTED_INTERVENTIONS);

  // Training modules that teach the chosen interventions, at or below the suggested level.
  const chosen = new Set(interventions.map((s) => s.catalogueId));
  const modules = items
    .filter(isTrainingModule)
    .filter(
      (m) =>
        levelRank(m.level) <= levelRank(suggestedLevel) &&
        manualFits(m, input.profile) &&
        m.relatedItems.some((r) => chosen.has(r)),
    );
  const ordered = modules.length ? prerequisiteOrder(modules.map((m) => m.id)) : [];
  const trainingModules = ordered.map((id) => {
    const m = modules.find((x) => x.id === id)!;
    const taught = m.relatedItems.filter((r) => chosen.has(r));
    return {
      catalogueId: m.id,
      kind: m.kind,
      level: m.level,
      score: taught.length,
      reasons: taught.map((r) => `teaches ${r}`),
    };
  });

  return { overallMaturity, weakSpokes, suggestedLevel, interventions, trainingModules };
}
