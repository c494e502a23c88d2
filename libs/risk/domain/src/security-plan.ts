import { filterCatalogue, type CatalogueItem } from '@trellis/catalogue';
import {
  PLAN_ITEM_STATUSES,
  type PlanItemStatus,
  type RiskLevel,
  type SecurityPlanItemKind,
  type ThreatType,
  type VulnerabilityCategory,
} from '@trellis/contracts';

/*
 * Security plan rules: item status transitions, which item kinds are protocols (and carry a
 * rehearsal cadence), and catalogue suggestions for the threats that need them most.
 */

/** Item kinds that are protocols: they carry a rehearsal cadence and a last rehearsal. */
export const PROTOCOL_KINDS: readonly SecurityPlanItemKind[] = [
  'preventive-protocol',
  'emergency-protocol',
];

/** Whether items of `kind` are protocols. */
export function isProtocol(kind: SecurityPlanItemKind): boolean {
  return PROTOCOL_KINDS.includes(kind);
}

/** A status change the plan does not allow. */
export class InvalidItemStatusTransitionError extends Error {
  constructor(
    readonly from: PlanItemStatus,
    readonly to: PlanItemStatus,
  ) {
    super(`a plan item cannot go from ${from} to ${to}`);
    this.name = 'InvalidItemStatusTransitionError';
  }
}

/**
 * Item status moves forward only: planned → in-progress → implemented (planned → implemented
 * allowed, for measures done at once). Going back, or staying, is refused.
 */
export function assertItemStatusTransition(from: PlanItemStatus, to: PlanItemStatus): void {
  if (PLAN_ITEM_STATUSES.indexOf(to) <= PLAN_ITEM_STATUSES.indexOf(from)) {
    throw new InvalidItemStatusTransitionError(from, to);
  }
}

/** Risk levels for which the plan suggests catalogue items. */
export const SUGGESTION_LEVELS: readonly RiskLevel[] = ['high', 'critical'];

/** A threat as the suggestions need it. */
export interface SuggestionThreat {
  threatId: string;
  threatType: ThreatType;
  level: RiskLevel;
  vulnerabilityCategories: readonly VulnerabilityCategory[];
}

/** A catalogue item suggested for a threat. */
export interface CatalogueSuggestion {
  catalogueRef: string;
  kind: CatalogueItem['kind'];
  title: string;
  sourceManual: CatalogueItem['sourceManual'];
  /** The threat's vulnerability categories the item addresses too. */
  matchedVulnerabilityCategories: VulnerabilityCategory[];
}

/** The suggestions for one threat. */
export interface ThreatSuggestions {
  threatId: string;
  threatType: ThreatType;
  level: RiskLevel;
  items: CatalogueSuggestion[];
}

/**
 * For each high or critical threat, the catalogue methods, measures and topics whose tags match
 * its threat type and at least one of its vulnerability categories (by threat type alone when
 * the threat has no vulnerability recorded), best match first (most shared categories), then
 * in catalogue order. Lower threats get no suggestions.
 */
export function suggestPlanItems(
  threats: readonly SuggestionThreat[],
  catalogueFilter: typeof filterCatalogue = filterCatalogue,
): ThreatSuggestions[] {
  return threats
    .filter((t) => SUGGESTION_LEVELS.includes(t.level))
    .map((t) => {
      const candidates = catalogueFilter({
        kind: ['method', 'measure', 'topic'],
        threatType: t.threatType,
        ...(t.vulnerabilityCategories.length > 0
          ? { vulnerabilityCategory: t.vulnerabilityCategories }
          : {}),
      });
      const items = candidates
        .map((item, index) => ({
          index,
          suggestion: {
            catalogueRef: item.id,
            kind: item.kind,
            title: item.title,
            sourceManual: item.sourceManual,
            matchedVulnerabilityCategories: item.vulnerabilityCategories.filter((c) =>
              t.vulnerabilityCategories.includes(c),
            ),
          },
        }))
        .sort(
          (a, b) =>
            b.suggestion.matchedVulnerabilityCategories.length -
              a.suggestion.matchedVulnerabilityCategories.length || a.index - b.index,
        )
        .map((x) => x.suggestion);
      return { threatId: t.threatId, threatType: t.threatType, level: t.level, items };
    });
}
