import {
  AUTONOMY_MILESTONES,
  type AutonomyLevel,
  type FocusArea,
  type IncidentType,
  type Phase,
  type RiskLevel,
} from '@trellis/contracts';
import type {
  EngagementFacts,
  FollowUpFact,
  OrganisationFacts,
  ProfileVersion,
  SessionFact,
} from './facts';
import { quarterOf } from './time';

/** The milestones of the reports: the eight autonomy milestones and `autonomy` (level ≥ 3). */
export const REPORTED_MILESTONES = [...AUTONOMY_MILESTONES, 'autonomy'] as const;
export type ReportedMilestone = (typeof REPORTED_MILESTONES)[number];

/** Where a record is counted: its engagement's unit, its organisation's country and focus. */
export interface Dimensions {
  unitId: string | null;
  country: string | null;
  region: string | null;
  focusAreas: readonly FocusArea[];
}

/** An engagement with its facts in time order, ready for the reports. */
export interface EngagementRecord extends Dimensions {
  engagement: string;
  organisation: string;
  createdAt: string | null;
  /** Phase changes in time order (creation = `agreement`). */
  phases: { at: string; to: Phase }[];
  agreementActivatedAt: string | null;
  sessions: SessionFact[];
  cascades: { at: string; generation: number; reach: number }[];
  followUps: FollowUpFact[];
  obligations: { escalatedAt?: string; closedAt?: string }[];
  incidents: { at: string; type: IncidentType }[];
}

/** An organisation across its engagements. */
export interface OrganisationRecord extends Dimensions {
  /** Pseudonym. */
  organisation: string;
  /** First agreement activation of any of its engagements. */
  startedAt: string | null;
  /** Quarter of `startedAt`. */
  cohort: string | null;
  /** First verification of each milestone, and first review at level ≥ 3 (`autonomy`). */
  milestones: Partial<Record<ReportedMilestone, string>>;
  reviews: { at: string; level: AutonomyLevel }[];
  riskAssessments: { at: string; level: RiskLevel }[];
  engagements: EngagementRecord[];
}

/** Everything the reports are computed from. */
export interface Dataset {
  engagements: EngagementRecord[];
  organisations: OrganisationRecord[];
}

/** Time order; entries at the same instant in a fixed order by content (arrival order never matters). */
function byAt<T extends { at: string }>(a: T, b: T): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  const ja = JSON.stringify(a);
  const jb = JSON.stringify(b);
  return ja < jb ? -1 : ja > jb ? 1 : 0;
}

/** The latest of keyed timed entries (by `at`, then key, so ties resolve the same everywhere). */
function latest<T extends { at: string }>(entries: Record<string, T> | undefined): T | undefined {
  let best: [string, T] | undefined;
  for (const entry of Object.entries(entries ?? {})) {
    if (!best || entry[1].at > best[1].at || (entry[1].at === best[1].at && entry[0] > best[0])) {
      best = entry;
    }
  }
  return best?.[1];
}

const minOf = (a: string | undefined | null, b: string | undefined | null): string | null =>
  a && b ? (a < b ? a : b) : (a ?? b ?? null);

/**
 * Joins the facts documents into per-engagement and per-organisation records: the current
 * unit of an engagement is the one seen last; country, region and focus areas come from the
 * organisation's latest profile (else the profile given when the engagement was created); an
 * organisation's unit is that of its most recently active engagement.
 */
export function buildDataset(
  engagementFacts: readonly EngagementFacts[],
  organisationFacts: readonly OrganisationFacts[],
): Dataset {
  const profiles = new Map<string, ProfileVersion | undefined>();
  for (const org of organisationFacts) profiles.set(org._id, latest(org.profiles));

  const engagements: EngagementRecord[] = [];
  const byOrganisation = new Map<
    string,
    { facts: EngagementFacts; record: EngagementRecord; lastSeen: string }[]
  >();
  for (const facts of [...engagementFacts].sort((a, b) => (a._id < b._id ? -1 : 1))) {
    const profile = profiles.get(facts.organisation) ?? facts.profile;
    const unit = latest(facts.units);
    const record: EngagementRecord = {
      engagement: facts._id,
      organisation: facts.organisation,
      unitId: unit?.unitId ?? null,
      country: profile?.country ?? null,
      region: profile?.region ?? null,
      focusAreas: profile?.focusAreas ?? [],
      createdAt: facts.createdAt ?? null,
      phases: Object.entries(facts.phases ?? {})
        .sort(([ka, a], [kb, b]) => byAt(a, b) || (ka < kb ? -1 : 1))
        .map(([, p]) => p),
      agreementActivatedAt: facts.agreementActivatedAt ?? null,
      sessions: Object.values(facts.sessions ?? {}).sort(byAt),
      cascades: Object.values(facts.cascades ?? {}).sort(byAt),
      followUps: sortedByContent(Object.values(facts.followUps ?? {})),
      obligations: sortedByContent(Object.values(facts.obligations ?? {})),
      incidents: Object.values(facts.incidents ?? {}).sort(byAt),
    };
    engagements.push(record);
    const list = byOrganisation.get(facts.organisation) ?? [];
    list.push({ facts, record, lastSeen: unit?.at ?? facts.createdAt ?? '' });
    byOrganisation.set(facts.organisation, list);
  }

  const organisations: OrganisationRecord[] = [];
  for (const [organisation, list] of [...byOrganisation.entries()].sort(([a], [b]) =>
    a < b ? -1 : 1,
  )) {
    const current = [...list].sort((a, b) =>
      a.lastSeen < b.lastSeen ? 1 : a.lastSeen > b.lastSeen ? -1 : 0,
    )[0];
    const milestones: Partial<Record<ReportedMilestone, string>> = {};
    let startedAt: string | null = null;
    for (const { facts } of list) {
      startedAt = minOf(startedAt, facts.agreementActivatedAt);
      for (const milestone of AUTONOMY_MILESTONES) {
        const at = minOf(milestones[milestone], facts.milestones?.[milestone]);
        if (at) milestones[milestone] = at;
      }
      const autonomy = minOf(milestones.autonomy, facts.levelReached?.l3);
      if (autonomy) milestones.autonomy = autonomy;
    }
    const dims = current?.record;
    organisations.push({
      organisation,
      unitId: dims?.unitId ?? null,
      country: dims?.country ?? null,
      region: dims?.region ?? null,
      focusAreas: dims?.focusAreas ?? [],
      startedAt,
      cohort: startedAt ? quarterOf(startedAt) : null,
      milestones,
      reviews: list.flatMap(({ facts }) => Object.values(facts.reviews ?? {})).sort(byAt),
      riskAssessments: list
        .flatMap(({ facts }) => Object.values(facts.riskAssessments ?? {}))
        .sort(byAt),
      engagements: list.map(({ record }) => record),
    });
  }
  return { engagements, organisations };
}

/** The latest entry at or before `before` (exclusive), or undefined. */
export function latestBefore<T extends { at: string }>(
  entries: readonly T[],
  before: string,
): T | undefined {
  let found: T | undefined;
  for (const entry of entries) {
    if (entry.at < before) found = entry;
    else break;
  }
  return found;
}

function sortedByContent<T>(values: T[]): T[] {
  return values
    .map((value) => [JSON.stringify(value, Object.keys(value as object).sort()), value] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, value]) => value);
}
