import { findCatalogueItem } from '@trellis/catalogue';
import { parseIsoDuration, type AgreementTerms } from '@trellis/contracts';

/** One problem in proposed agreement terms, with the stable error code and the field. */
export interface TermsProblem {
  code: 'UNKNOWN_CATALOGUE_ITEM' | 'DURATION_TOO_SHORT' | 'INVALID_DURATION';
  path: string;
  message: string;
}

/** The duration fields of the terms (ISO-8601), by path. */
export const TERM_DURATION_FIELDS = [
  'coachingCadence',
  'coachingCadenceBounds.shortest',
  'coachingCadenceBounds.longest',
  'autonomyReviewCadence',
  'reminderLeadTime',
  'escalationGracePeriod',
  'reassessmentAfterSeriousIncident',
  'plannedDuration',
  'postClosureCheckInAfter',
] as const;

function valueAt(terms: AgreementTerms, path: string): string {
  return path
    .split('.')
    .reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], terms) as string;
}

/**
 * Checks what the schema cannot: every intervention names a catalogue item of its kind, every
 * planned module is a training module, and no duration is shorter than `minimumDuration`
 * (ISO-8601; e.g. P1D in production, lowered by configuration for demos and tests).
 */
export function checkAgreementTerms(
  terms: AgreementTerms,
  minimumDuration: string,
): TermsProblem[] {
  const problems: TermsProblem[] = [];
  terms.interventions.forEach((intervention, i) => {
    const item = findCatalogueItem(intervention.catalogueRef);
    if (!item || item.kind !== intervention.kind) {
      problems.push({
        code: 'UNKNOWN_CATALOGUE_ITEM',
        path: `interventions.${i}.catalogueRef`,
        message: item
          ? `${intervention.catalogueRef} is a ${item.kind}, not a ${intervention.kind}`
          : `no catalogue item ${intervention.catalogueRef}`,
      });
    }
  });
  terms.trainingPlan.items.forEach((planItem, i) => {
    planItem.moduleIds.forEach((id, j) => {
      if (findCatalogueItem(id)?.kind !== 'training-module') {
        problems.push({
          code: 'UNKNOWN_CATALOGUE_ITEM',
          path: `trainingPlan.items.${i}.moduleIds.${j}`,
          message: `no training module ${id}`,
        });
      }
    });
  });
  const minimum = parseIsoDuration(minimumDuration);
  for (const path of TERM_DURATION_FIELDS) {
    const value = valueAt(terms, path);
    let ms: number;
    try {
      ms = parseIsoDuration(value);
    } catch {
      problems.push({
        code: 'INVALID_DURATION',
        path,
        message: `${value} is not an ISO-8601 duration`,
      });
      continue;
    }
    if (ms < minimum) {
      problems.push({
        code: 'DURATION_TOO_SHORT',
        path,
        message: `must be at least ${minimumDuration}`,
      });
    }
  }
  return problems;
}
