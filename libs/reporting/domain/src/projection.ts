import { AUTONOMY_MILESTONES, type TrellisEvent } from '@trellis/contracts';
import { LEVEL_KEYS, type FactWrite, type ProfileVersion, type PurgeCounts } from './facts';
import { recordKey, tombstoneOf, type Pseudonymiser } from './privacy';

/** What one event means for the read models. */
export type ProjectionStep =
  | { kind: 'write'; organisationId: string; writes: FactWrite[] }
  | {
      kind: 'erase';
      organisationId: string;
      /** The identity-context request, when the event names one. */
      erasureRequestId?: string;
      /** Answer with `identity.organisation.purged` (identity events only). */
      report: boolean;
    }
  | { kind: 'skip' };

/** A normalised instant (`toISOString()`), so instants compare correctly as strings. */
export function instant(value: string): string {
  return new Date(value).toISOString();
}

/**
 * Which facts an event adds (a pure function; see `facts.ts`). Events that no report uses
 * (desks, drafts, signatures, scheduling, threats, wheel rounds, plans, reminders, ...) are
 * skipped, so they cost no write. Organisation ids become pseudonyms here, before anything is
 * stored.
 */
export function planProjection(event: TrellisEvent, pseudonyms: Pseudonymiser): ProjectionStep {
  const at = instant(event.occurredAt);
  switch (event.type) {
    case 'identity.organisation.erasure-requested':
    case 'identity.organisation.erasure-completed':
      return {
        kind: 'erase',
        organisationId: event.payload.organisationId,
        erasureRequestId: event.payload.erasureRequestId,
        report: true,
      };
    case 'engagement.organisation.erased':
      return {
        kind: 'erase',
        organisationId: event.payload.organisationId,
        ...(event.payload.erasureRequestId
          ? { erasureRequestId: event.payload.erasureRequestId }
          : {}),
        report: false,
      };
    case 'engagement.organisation.registered':
    case 'engagement.organisation.updated': {
      const { organisationId, country, region, focusAreas } = event.payload;
      const profile: ProfileVersion = {
        at,
        country,
        ...(region ? { region } : {}),
        focusAreas: [...focusAreas].sort(),
      };
      return {
        kind: 'write',
        organisationId,
        writes: [
          {
            collection: 'organisations',
            id: pseudonyms.organisation(organisationId),
            set: { [`profiles.${recordKey(event.id)}`]: profile },
          },
        ],
      };
    }
    default:
      break;
  }
  if (event.engagementId === undefined || event.organisationId === undefined) {
    return { kind: 'skip' };
  }
  const facts = engagementFacts(event, at);
  if (facts === undefined) return { kind: 'skip' };
  const write: FactWrite = {
    collection: 'engagements',
    id: pseudonyms.engagement(event.engagementId),
    set: { organisation: pseudonyms.organisation(event.organisationId), ...facts.set },
    ...(facts.min ? { min: facts.min } : {}),
    ...(facts.max ? { max: facts.max } : {}),
  };
  if (event.unitId !== undefined) {
    const unitKey = `units.${recordKey(event.unitId)}`;
    write.set = { ...write.set, [`${unitKey}.unitId`]: event.unitId };
    write.max = { ...write.max, [`${unitKey}.at`]: at };
  }
  return { kind: 'write', organisationId: event.organisationId, writes: [write] };
}

type Facts = Pick<FactWrite, 'set' | 'min' | 'max'>;

/** The engagement facts of an event within an engagement, or undefined when none. */
function engagementFacts(event: TrellisEvent, at: string): Facts | undefined {
  const key = recordKey;
  switch (event.type) {
    case 'engagement.engagement.created': {
      const { country, region, focusAreas } = event.payload;
      return {
        set: {
          profile: {
            at,
            country,
            ...(region ? { region } : {}),
            focusAreas: [...focusAreas].sort(),
          },
          [`phases.${key(event.id)}`]: { at, to: 'agreement' },
        },
        min: { createdAt: at },
      };
    }
    case 'engagement.engagement.rerouted':
      return { set: {} };
    case 'engagement.engagement.phase-changed':
      return { set: { [`phases.${key(event.id)}`]: { at, to: event.payload.to } } };
    case 'engagement.agreement.activated':
      return { min: { agreementActivatedAt: at } };
    case 'autonomy.review.recorded': {
      const p = event.payload;
      const reviewedAt = instant(p.reviewedAt);
      const min: Record<string, string> = {};
      for (const levelKey of LEVEL_KEYS.slice(0, p.level))
        min[`levelReached.${levelKey}`] = reviewedAt;
      for (const milestone of AUTONOMY_MILESTONES) {
        if (p.milestones[milestone] === 'verified') min[`milestones.${milestone}`] = reviewedAt;
      }
      return { set: { [`reviews.${key(p.reviewId)}`]: { at: reviewedAt, level: p.level } }, min };
    }
    case 'autonomy.milestone.verified':
      return {
        min: { [`milestones.${event.payload.milestoneId}`]: instant(event.payload.verifiedAt) },
      };
    case 'risk.assessment.completed':
      return {
        set: {
          [`riskAssessments.${key(event.payload.riskAssessmentId)}`]: {
            at,
            level: event.payload.overallLevel,
          },
        },
      };
    case 'risk.incident.reported':
      return {
        set: {
          [`incidents.${key(event.payload.incidentId)}`]: {
            at: instant(event.payload.occurredAt),
            type: event.payload.incidentType,
          },
        },
      };
    case 'training.session.held': {
      const p = event.payload;
      return {
        set: {
          [`sessions.${key(p.sessionId)}`]: {
            at: instant(p.heldAt),
            participants: p.participantCount,
            attendance: p.attendanceCount,
            checks: p.knowledgeCheckCount,
            gain: p.averageKnowledgeGain,
          },
        },
      };
    }
    case 'training.cascade.verified': {
      const p = event.payload;
      return {
        set: {
          [`cascades.${key(p.cascadeId)}`]: {
            at: instant(p.deliveredAt),
            generation: p.generation,
            reach: p.reachCount,
          },
        },
      };
    }
    case 'coaching.follow-up.planned':
      return {
        set: { [`followUps.${key(event.payload.followUpId)}.dueAt`]: instant(event.payload.dueAt) },
      };
    case 'coaching.follow-up.held':
      return {
        set: {
          [`followUps.${key(event.payload.followUpId)}.heldAt`]: instant(event.payload.heldAt),
        },
      };
    case 'coaching.follow-up.missed': {
      const base = `followUps.${key(event.payload.followUpId)}`;
      return { set: { [`${base}.dueAt`]: instant(event.payload.dueAt), [`${base}.missedAt`]: at } };
    }
    case 'coaching.follow-up.cancelled':
      return { set: { [`followUps.${key(event.payload.followUpId)}.cancelledAt`]: at } };
    case 'reminders.escalation.raised':
      return { min: { [`obligations.${key(event.payload.obligationId)}.escalatedAt`]: at } };
    case 'reminders.obligation.fulfilled':
      return {
        min: {
          [`obligations.${key(event.payload.obligationId)}.closedAt`]: instant(
            event.payload.fulfilledAt,
          ),
        },
      };
    case 'reminders.obligation.cancelled':
      return { min: { [`obligations.${key(event.payload.obligationId)}.closedAt`]: at } };
    default:
      return undefined;
  }
}

/**
 * Where the projection keeps its facts: MongoDB in the service, memory in tests and the
 * benchmark. Writes must be applied with upsert semantics (see `FactWrite`).
 */
export interface ReadModelStore {
  /** Whether the organisation with this tombstone id was erased. */
  isErased(tombstone: string): Promise<boolean>;
  /** Remembers the erasure (first erasure instant kept). */
  markErased(tombstone: string, at: string): Promise<void>;
  /** Applies the writes (upserts). */
  apply(writes: readonly FactWrite[]): Promise<void>;
  /** Deletes every facts document of the organisation (by pseudonym). */
  purge(organisation: string): Promise<PurgeCounts>;
  /**
   * Records what the first purge for an erasure request removed and returns the counts
   * recorded first, so a retried request reports the same counts (and the same event).
   */
  recordPurge(
    tombstone: string,
    erasureRequestId: string,
    counts: PurgeCounts,
  ): Promise<PurgeCounts>;
}

/** What {@link Projection.apply} did with an event. */
export type ProjectionOutcome =
  | { kind: 'applied' }
  | { kind: 'skipped'; reason: 'not-reported' | 'organisation-erased' }
  | {
      kind: 'erased';
      organisationId: string;
      erasureRequestId?: string;
      report: boolean;
      /** For the purged report: the counts of the first purge of this request. */
      removed: PurgeCounts;
    };

/**
 * Applies events to a {@link ReadModelStore}: facts of erased organisations are never
 * written (tombstones), an erasure removes every document keyed to the organisation.
 */
export class Projection {
  constructor(
    private readonly store: ReadModelStore,
    private readonly pseudonyms: Pseudonymiser,
  ) {}

  async apply(event: TrellisEvent): Promise<ProjectionOutcome> {
    const step = planProjection(event, this.pseudonyms);
    switch (step.kind) {
      case 'skip':
        return { kind: 'skipped', reason: 'not-reported' };
      case 'write': {
        if (await this.store.isErased(tombstoneOf(step.organisationId))) {
          return { kind: 'skipped', reason: 'organisation-erased' };
        }
        await this.store.apply(step.writes);
        return { kind: 'applied' };
      }
      case 'erase': {
        const tombstone = tombstoneOf(step.organisationId);
        // Tombstone first: a write racing with the purge is refused from here on.
        await this.store.markErased(tombstone, instant(event.occurredAt));
        const removed = await this.store.purge(this.pseudonyms.organisation(step.organisationId));
        const reported =
          step.erasureRequestId === undefined
            ? removed
            : await this.store.recordPurge(tombstone, step.erasureRequestId, removed);
        return {
          kind: 'erased',
          organisationId: step.organisationId,
          ...(step.erasureRequestId ? { erasureRequestId: step.erasureRequestId } : {}),
          report: step.report,
          removed: reported,
        };
      }
    }
  }
}
