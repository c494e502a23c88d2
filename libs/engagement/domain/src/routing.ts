/**
 * Routing (DESIGN.md §1.2): an engagement is carried out by the Protection Desk whose
 * geographic scope covers the organisation's country; organisations outside every desk's
 * scope are taken in charge by the Training and Research Unit (TRU).
 */
export const TRU_UNIT_ID = 'tru';

export interface DeskScope {
  id: string;
  countries: readonly string[];
  /** Closed desks keep their history but take no new engagements. */
  active?: boolean;
}

export type Route =
  { kind: 'desk'; deskId: string; unitId: string } | { kind: 'tru'; unitId: typeof TRU_UNIT_ID };

/** Two desks claim the same country: the data breaks the one-desk-per-country rule. */
export class OverlappingDesksError extends Error {
  readonly code = 'CONFLICT';
  constructor(
    readonly country: string,
    readonly deskIds: string[],
  ) {
    super(`Country ${country} is covered by more than one desk (${deskIds.join(', ')}).`);
  }
}

export function normaliseCountry(country: string): string {
  return country.trim().toUpperCase();
}

/** The unit that takes an organisation of `country` in charge, given the desks now in place. */
export function routeEngagement(country: string, desks: readonly DeskScope[]): Route {
  const code = normaliseCountry(country);
  const covering = desks.filter(
    (d) => d.active !== false && d.countries.some((c) => normaliseCountry(c) === code),
  );
  if (covering.length > 1) throw new OverlappingDesksError(code, covering.map((d) => d.id).sort());
  const desk = covering[0];
  return desk
    ? { kind: 'desk', deskId: desk.id, unitId: desk.id }
    : { kind: 'tru', unitId: TRU_UNIT_ID };
}

/**
 * Countries of `countries` that another active desk already covers (a country may belong to
 * one desk only). `selfId` excludes the desk being updated.
 */
export function conflictingCountries(
  countries: readonly string[],
  desks: readonly DeskScope[],
  selfId?: string,
): { country: string; deskId: string }[] {
  const out: { country: string; deskId: string }[] = [];
  for (const c of countries.map(normaliseCountry)) {
    for (const d of desks) {
      if (d.id === selfId || d.active === false) continue;
      if (d.countries.some((x) => normaliseCountry(x) === c))
        out.push({ country: c, deskId: d.id });
    }
  }
  return out;
}

/** The same country twice in one desk's list. */
export function duplicateCountries(countries: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const c of countries.map(normaliseCountry)) (seen.has(c) ? dup : seen).add(c);
  return [...dup];
}
