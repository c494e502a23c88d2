import {
  AgreementActivatedV1,
  AUTONOMY_MILESTONES,
  AutonomyReviewRecordedV1,
  CascadeVerifiedV1,
  createEvent,
  EngagementCreatedV1,
  EngagementPhaseChangedV1,
  EngagementReroutedV1,
  EscalationRaisedV1,
  eventFixture,
  FollowUpCancelledV1,
  FollowUpHeldV1,
  FollowUpMissedV1,
  FollowUpPlannedV1,
  IncidentReportedV1,
  MilestoneVerifiedV1,
  ObligationFulfilledV1,
  OrganisationErasureRequestedV1,
  OrganisationRegisteredV1,
  OrganisationUpdatedV1,
  RiskAssessmentCompletedV1,
  SECURITY_WHEEL_SPOKES,
  SessionHeldV1,
  type AutonomyLevel,
  type CountryCode,
  type FocusArea,
  type IncidentType,
  type MilestoneId,
  type MilestoneStatus,
  type Phase,
  type RiskLevel,
  type TrellisEvent,
} from '@trellis/contracts';

/*
 * Hand-made event streams for the unit tests: events as the services publish them, with ids
 * derived from a counter so streams are reproducible.
 */

const ENGAGEMENT_SERVICE = { kind: 'service', id: 'engagement-service' } as const;
const ORCHESTRATOR = { kind: 'service', id: 'orchestrator' } as const;
const OFFICER = { kind: 'user', id: 'officer-1', role: 'protection-officer' } as const;
const ADMIN = { kind: 'user', id: 'admin-1', role: 'admin' } as const;

/** A profile for organisation events. */
export interface TestProfile {
  country: CountryCode;
  region?: string;
  focusAreas?: FocusArea[];
}

/** Builds a stream of events; `events` holds them in creation order. */
export class StreamBuilder {
  readonly events: TrellisEvent[] = [];
  private sequence = 0;

  constructor(private readonly seed = 1) {}

  /** A deterministic UUID (v4 layout). */
  nextId(): string {
    this.sequence += 1;
    const hex = (this.seed * 1_000_000 + this.sequence).toString(16).padStart(12, '0');
    return `00000000-0000-4000-8000-${hex}`;
  }

  private push<E extends TrellisEvent>(event: E): E {
    this.events.push(event);
    return event;
  }

  organisation(
    organisationId: string,
    profile: TestProfile,
    at: string,
    updated = false,
  ): TrellisEvent {
    return this.push(
      createEvent(updated ? OrganisationUpdatedV1 : OrganisationRegisteredV1, {
        id: this.nextId(),
        occurredAt: at,
        actor: ENGAGEMENT_SERVICE,
        organisationId,
        payload: {
          organisationId,
          country: profile.country,
          ...(profile.region ? { region: profile.region } : {}),
          setting: 'urban',
          focusAreas: profile.focusAreas ?? [],
          size: 'small',
        },
      }),
    );
  }

  /** `engagement.engagement.created` and a handle to add the engagement's events. */
  engagement(
    engagementId: string,
    organisationId: string,
    unitId: string,
    at: string,
    profile: TestProfile = { country: 'CO' },
  ): EngagementStream {
    const scope = { engagementId, organisationId, unitId };
    this.push(
      createEvent(EngagementCreatedV1, {
        id: this.nextId(),
        occurredAt: at,
        actor: ENGAGEMENT_SERVICE,
        ...scope,
        payload: {
          engagementId,
          organisationId,
          unitId,
          routedTo: unitId === 'tru' ? { kind: 'tru' } : { kind: 'desk', deskId: unitId },
          country: profile.country,
          ...(profile.region ? { region: profile.region } : {}),
          setting: 'rural',
          focusAreas: profile.focusAreas ?? [],
          programManagerId: 'pm-1',
        },
      }),
    );
    return new EngagementStream(this, scope, (e) => this.push(e));
  }

  /** `identity.organisation.erasure-requested`. */
  erasure(organisationId: string, erasureRequestId: string, at: string): TrellisEvent {
    return this.push(
      createEvent(OrganisationErasureRequestedV1, {
        id: this.nextId(),
        occurredAt: at,
        actor: { kind: 'service', id: 'gateway' },
        organisationId,
        payload: { erasureRequestId, organisationId },
      }),
    );
  }
}

/** Adds events within one engagement. */
export class EngagementStream {
  private phase: Phase = 'agreement';

  constructor(
    private readonly builder: StreamBuilder,
    private scope: { engagementId: string; organisationId: string; unitId: string },
    private readonly push: (e: TrellisEvent) => TrellisEvent,
  ) {}

  private base(at: string) {
    return { id: this.builder.nextId(), occurredAt: at, ...this.scope };
  }

  /** `engagement.agreement.activated` (terms from the contract fixture). */
  activate(at: string): this {
    const { terms } = eventFixture(AgreementActivatedV1).payload;
    this.push(
      createEvent(AgreementActivatedV1, {
        ...this.base(at),
        actor: ENGAGEMENT_SERVICE,
        payload: { agreementId: `agr-${this.scope.engagementId}`, agreementVersion: 1, terms },
      }),
    );
    return this.toPhase('implementation', at);
  }

  toPhase(to: Phase, at: string): this {
    const from = this.phase;
    this.phase = to;
    this.push(
      createEvent(EngagementPhaseChangedV1, {
        ...this.base(at),
        actor: ENGAGEMENT_SERVICE,
        payload: {
          from,
          to,
          reason: to === 'implementation' ? 'agreement-activated' : 'terminated',
        },
      }),
    );
    return this;
  }

  reroute(toUnitId: string, at: string): this {
    const fromUnitId = this.scope.unitId;
    this.scope = { ...this.scope, unitId: toUnitId };
    this.push(
      createEvent(EngagementReroutedV1, {
        ...this.base(at),
        actor: ADMIN,
        payload: {
          fromUnitId,
          toUnitId,
          routedTo: toUnitId === 'tru' ? { kind: 'tru' } : { kind: 'desk', deskId: toUnitId },
          reason: 'manual',
        },
      }),
    );
    return this;
  }

  /** An autonomy review at `level` with these milestones verified. */
  review(at: string, level: AutonomyLevel, verified: MilestoneId[] = []): this {
    const milestones = Object.fromEntries(
      AUTONOMY_MILESTONES.map((m) => [
        m,
        (verified.includes(m) ? 'verified' : 'not-started') as MilestoneStatus,
      ]),
    ) as Record<MilestoneId, MilestoneStatus>;
    this.push(
      createEvent(AutonomyReviewRecordedV1, {
        ...this.base(at),
        actor: OFFICER,
        payload: {
          reviewId: `rev-${this.builder.nextId()}`,
          reviewedAt: at,
          level,
          previousLevel: null,
          baselineLevel: null,
          spokeMaturity: Object.fromEntries(SECURITY_WHEEL_SPOKES.map((s) => [s, level])) as never,
          milestones,
        },
      }),
    );
    return this;
  }

  verifyMilestone(milestoneId: MilestoneId, at: string): this {
    this.push(
      createEvent(MilestoneVerifiedV1, {
        ...this.base(at),
        actor: OFFICER,
        payload: {
          milestoneId,
          reviewId: 'rev-x',
          claimedBy: 'defender-1',
          verifiedBy: 'officer-1',
          verifiedAt: at,
        },
      }),
    );
    return this;
  }

  session(
    at: string,
    counts: { attendance: number; participants?: number; checks?: number; gain?: number },
  ): this {
    const checks = counts.checks ?? 0;
    this.push(
      createEvent(SessionHeldV1, {
        ...this.base(at),
        actor: OFFICER,
        payload: {
          sessionId: `ses-${this.builder.nextId()}`,
          moduleIds: ['tm-risk-assessment-basics'],
          level: 'basic',
          mode: 'in-person',
          facilitatorId: 'officer-1',
          heldAt: at,
          participantCount: counts.participants ?? counts.attendance,
          attendanceCount: counts.attendance,
          knowledgeCheckCount: checks,
          averageKnowledgeGain: checks > 0 ? (counts.gain ?? 0) : null,
        },
      }),
    );
    return this;
  }

  cascade(at: string, generation: number, reach: number): this {
    this.push(
      createEvent(CascadeVerifiedV1, {
        ...this.base(at),
        actor: OFFICER,
        payload: {
          cascadeId: `cas-${this.builder.nextId()}`,
          ...(generation > 2 ? { parentCascadeId: 'cas-parent' } : {}),
          generation,
          audienceType: 'other-defenders',
          reachCount: reach,
          moduleIds: ['tm-risk-assessment-basics'],
          deliveredAt: at,
          verifiedBy: 'officer-1',
        },
      }),
    );
    return this;
  }

  /** A follow-up planned due `dueAt`, then held at `heldAt`, missed or cancelled. */
  followUp(dueAt: string, outcome: { heldAt: string } | 'missed' | 'cancelled' | 'pending'): this {
    const ref = { followUpId: `fu-${this.builder.nextId()}`, kind: 'coaching-session' as const };
    const planned = new Date(Date.parse(dueAt) - 30 * 86_400_000).toISOString();
    this.push(
      createEvent(FollowUpPlannedV1, {
        ...this.base(planned),
        actor: OFFICER,
        payload: { ...ref, assigneeId: 'officer-1', dueAt },
      }),
    );
    if (outcome === 'missed') {
      this.push(
        createEvent(FollowUpMissedV1, {
          ...this.base(dueAt),
          actor: ORCHESTRATOR,
          payload: { ...ref, dueAt },
        }),
      );
    } else if (outcome === 'cancelled') {
      this.push(
        createEvent(FollowUpCancelledV1, {
          ...this.base(planned),
          actor: OFFICER,
          payload: { ...ref, reason: 'other' },
        }),
      );
    } else if (outcome !== 'pending') {
      this.push(
        createEvent(FollowUpHeldV1, {
          ...this.base(outcome.heldAt),
          actor: OFFICER,
          payload: { ...ref, heldAt: outcome.heldAt, behaviourChange: 'some', nextActionCount: 1 },
        }),
      );
    }
    return this;
  }

  /** An escalated obligation, fulfilled at `fulfilledAt` when given. */
  escalation(at: string, fulfilledAt?: string): this {
    const obligation = {
      obligationId: `obl-${this.builder.nextId()}`,
      obligationKind: 'follow-up' as const,
    };
    this.push(
      createEvent(EscalationRaisedV1, {
        ...this.base(at),
        actor: ORCHESTRATOR,
        payload: {
          ...obligation,
          escalationId: `esc-${this.builder.nextId()}`,
          programManagerId: 'pm-1',
          assigneeId: 'officer-1',
          dueAt: at,
          overdueSince: at,
        },
      }),
    );
    if (fulfilledAt) {
      this.push(
        createEvent(ObligationFulfilledV1, {
          ...this.base(fulfilledAt),
          actor: ORCHESTRATOR,
          payload: { ...obligation, dueAt: at, fulfilledAt, late: true },
        }),
      );
    }
    return this;
  }

  risk(at: string, level: RiskLevel): this {
    this.push(
      createEvent(RiskAssessmentCompletedV1, {
        ...this.base(at),
        actor: OFFICER,
        payload: {
          riskAssessmentId: `ra-${this.builder.nextId()}`,
          trigger: 'periodic',
          triggeringIncidentIds: [],
          threats: [],
          overallScore: 1,
          overallLevel: level,
        },
      }),
    );
    return this;
  }

  incident(at: string, type: IncidentType): this {
    this.push(
      createEvent(IncidentReportedV1, {
        ...this.base(at),
        actor: OFFICER,
        payload: {
          incidentId: `inc-${this.builder.nextId()}`,
          incidentType: type,
          severity: 3,
          serious: false,
          occurredAt: at,
          linkedThreatIds: [],
        },
      }),
    );
    return this;
  }
}

/** A deterministic shuffle (mulberry32). */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
