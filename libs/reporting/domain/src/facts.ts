import type {
  AutonomyLevel,
  FocusArea,
  IncidentType,
  MilestoneId,
  Phase,
  RiskLevel,
} from '@trellis/contracts';

/*
 * The read models of the reporting service: one facts document per engagement and one per
 * organisation, both keyed by pseudonym. Every event adds or narrows facts with writes that
 * commute — `set` of a sub-record keyed by its own id, `min` of a first date, `max` of a last
 * date — so the documents converge to the same content whatever order events arrive in and
 * however often they are delivered. Instants are normalised ISO strings (`toISOString()`),
 * which compare correctly as strings. Only what reports need is kept: no names, no free text,
 * no foreign record ids (sub-records are keyed by `recordKey`).
 */

/** Collection names of the read models. */
export const FACT_COLLECTIONS = {
  engagements: 'engagement_facts',
  organisations: 'organisation_facts',
} as const;
export type FactCollection = keyof typeof FACT_COLLECTIONS;

/** The organisation profile fields reports filter and group by. */
export interface ProfileVersion {
  /** When this profile was current from (the event's occurredAt). */
  at: string;
  country: string;
  region?: string;
  focusAreas: FocusArea[];
}

/** The unit responsible for an engagement, last seen at `at`. */
export interface UnitMark {
  unitId: string;
  at: string;
}

/** Levels 1–4 by the key under which the first review at or above them is stored. */
export const LEVEL_KEYS = ['l1', 'l2', 'l3', 'l4'] as const;
export type LevelKey = (typeof LEVEL_KEYS)[number];

/** What the reporting service knows of one engagement. `_id` = engagement pseudonym. */
export interface EngagementFacts {
  _id: string;
  /** The organisation's pseudonym. */
  organisation: string;
  /** `engagement.engagement.created`. */
  createdAt?: string;
  /** The organisation profile given at creation (fallback when no organisation event came). */
  profile?: ProfileVersion;
  /** Units that were responsible, with when each was last seen (the latest is current). */
  units?: Record<string, UnitMark>;
  /** Phase entries (creation = `agreement`), keyed by event. */
  phases?: Record<string, { at: string; to: Phase }>;
  /** First agreement activation: the start of the capacity-building clock. */
  agreementActivatedAt?: string;
  /** First time each milestone was verified (review or milestone verification). */
  milestones?: Partial<Record<MilestoneId, string>>;
  /** First review at or above each level. */
  levelReached?: Partial<Record<LevelKey, string>>;
  reviews?: Record<string, { at: string; level: AutonomyLevel }>;
  riskAssessments?: Record<string, { at: string; level: RiskLevel }>;
  sessions?: Record<string, SessionFact>;
  /** Verified cascade trainings. */
  cascades?: Record<string, { at: string; generation: number; reach: number }>;
  followUps?: Record<string, FollowUpFact>;
  /** Obligations that were escalated or closed (an escalation is open until closed). */
  obligations?: Record<string, { escalatedAt?: string; closedAt?: string }>;
  incidents?: Record<string, { at: string; type: IncidentType }>;
}

/** A training session that was held. */
export interface SessionFact {
  at: string;
  /** Registered pseudonymous participants. */
  participants: number;
  /** Participants present: the people reached directly. */
  attendance: number;
  /** Participants with a pre and post knowledge check. */
  checks: number;
  /** Mean knowledge gain in percentage points, null without checks. */
  gain: number | null;
}

/** A follow-up: each of its events sets its own field, so arrival order does not matter. */
export interface FollowUpFact {
  dueAt?: string;
  heldAt?: string;
  missedAt?: string;
  cancelledAt?: string;
}

/** What the reporting service knows of one organisation. `_id` = organisation pseudonym. */
export interface OrganisationFacts {
  _id: string;
  /** Every profile it had, keyed by event; the latest (by `at`, then key) is current. */
  profiles?: Record<string, ProfileVersion>;
}

/**
 * One order-independent write to a facts document (upserted): `set` of absolute values at
 * dotted paths (sub-records keyed by id), `min` / `max` of instants. MongoDB update operators
 * `$set`, `$min`, `$max` with `upsert: true`; {@link applyFactWrite} does the same in memory.
 */
export interface FactWrite {
  collection: FactCollection;
  id: string;
  set?: Record<string, unknown>;
  min?: Record<string, string>;
  max?: Record<string, string>;
}

/** How many documents an erasure removed. */
export interface PurgeCounts {
  engagementFacts: number;
  organisationFacts: number;
}

/** The `removed` list of `identity.organisation.purged` for these counts. */
export function purgedRecords(counts: PurgeCounts): { kind: string; count: number }[] {
  return [
    { kind: 'engagement-facts', count: counts.engagementFacts },
    { kind: 'organisation-profiles', count: counts.organisationFacts },
  ];
}

/** Applies a write to a plain document in memory, with MongoDB's semantics for these operators. */
export function applyFactWrite(
  doc: Record<string, unknown> | undefined,
  write: FactWrite,
): Record<string, unknown> {
  const next: Record<string, unknown> = doc ? structuredClone(doc) : { _id: write.id };
  for (const [path, value] of Object.entries(write.set ?? {})) {
    setPath(next, path, structuredClone(value));
  }
  for (const [path, value] of Object.entries(write.min ?? {})) {
    const current = getPath(next, path);
    if (current === undefined || (typeof current === 'string' && value < current)) {
      setPath(next, path, value);
    }
  }
  for (const [path, value] of Object.entries(write.max ?? {})) {
    const current = getPath(next, path);
    if (current === undefined || (typeof current === 'string' && value > current)) {
      setPath(next, path, value);
    }
  }
  return next;
}

function getPath(doc: Record<string, unknown>, path: string): unknown {
  let node: unknown = doc;
  for (const part of path.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function setPath(doc: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = doc;
  for (const part of parts.slice(0, -1)) {
    const child = node[part];
    if (typeof child !== 'object' || child === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}
