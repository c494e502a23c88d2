import {
  AgreementActivatedV1,
  AgreementProposedV1,
  AgreementSignedV1,
  AUTONOMY_MILESTONES,
  AutonomyReviewRecordedV1,
  CascadeVerifiedV1,
  createEvent,
  EngagementCreatedV1,
  EngagementPhaseChangedV1,
  EscalationRaisedV1,
  eventFixture,
  FOCUS_AREAS,
  FollowUpHeldV1,
  FollowUpMissedV1,
  FollowUpPlannedV1,
  INCIDENT_TYPES,
  IncidentReportedV1,
  ObligationFulfilledV1,
  OrganisationRegisteredV1,
  RISK_LEVELS,
  RiskAssessmentCompletedV1,
  SECURITY_WHEEL_SPOKES,
  SessionHeldV1,
  SessionScheduledV1,
  type AutonomyLevel,
  type CountryCode,
  type MilestoneId,
  type MilestoneStatus,
  type Phase,
  type TrellisEvent,
} from '@trellis/contracts';

/*
 * A synthetic programme: engagements as the services would report them over time, for the
 * benchmark and the integration tests. Deterministic for a seed. Per engagement and year,
 * about: registration and creation, agreement (proposal, signatures, activation), 2 training
 * sessions (scheduled and held), 6 follow-ups (planned, held or missed, the orchestrator's
 * fulfilment or escalation), 4 autonomy reviews, 2 risk assessments, an incident now and then,
 * phase changes, and verified cascades once the organisation is autonomous.
 */

/** Units and the countries they cover (`tru` takes the rest). */
export const SIMULATED_UNITS: { unitId: string; countries: CountryCode[] }[] = [
  { unitId: 'desk-andes', countries: ['CO', 'PE', 'EC'] },
  { unitId: 'desk-mesoamerica', countries: ['MX', 'GT', 'HN'] },
  { unitId: 'desk-east-africa', countries: ['KE', 'UG'] },
  { unitId: 'tru', countries: ['BR', 'PH'] },
];

/** Options of {@link simulateProgramme}. */
export interface SimulationOptions {
  engagements: number;
  /** First engagement creation (ISO instant); engagements start over the first `spreadMonths`. */
  start: string;
  /** How long the programme runs, in months (events stop then). */
  months: number;
  /** Engagements are created over this many months from `start` (default months / 4). */
  spreadMonths?: number;
  seed?: number;
  /** Prefix of the organisation and engagement ids (tests keep runs apart with it). */
  idPrefix?: string;
}

const DAY = 86_400_000;

/** A seeded pseudo-random generator (mulberry32). */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The events of a simulated programme, sorted by `occurredAt` (then id). */
export function simulateProgramme(options: SimulationOptions): TrellisEvent[] {
  const random = generator(options.seed ?? 42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const uuid = (): string => {
    const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
    hex[12] = '4';
    hex[16] = ['8', '9', 'a', 'b'][Math.floor(random() * 4)];
    const h = hex.join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };
  const start = Date.parse(options.start);
  const end = start + options.months * 30 * DAY;
  const spread = (options.spreadMonths ?? Math.max(1, options.months / 4)) * 30 * DAY;
  const prefix = options.idPrefix ?? 'sim';
  const { terms } = eventFixture(AgreementActivatedV1).payload;
  const events: TrellisEvent[] = [];
  const iso = (t: number) => new Date(t).toISOString();

  for (let n = 0; n < options.engagements; n++) {
    const organisationId = `${prefix}-org-${n}`;
    const engagementId = `${prefix}-eng-${n}`;
    const unit = pick(SIMULATED_UNITS);
    const country = pick(unit.countries);
    const focusAreas = [...new Set([pick(FOCUS_AREAS), pick(FOCUS_AREAS)])].sort();
    const scope = { engagementId, organisationId, unitId: unit.unitId };
    const officer = {
      kind: 'user',
      id: `officer-${unit.unitId}`,
      role: 'protection-officer',
    } as const;
    const orchestrator = { kind: 'service', id: 'orchestrator' } as const;
    const engagementService = { kind: 'service', id: 'engagement-service' } as const;
    const t0 = start + Math.floor(random() * spread);
    const push = (e: TrellisEvent, at: number) => {
      if (at <= end) events.push(e);
    };
    const within = (at: number) => ({ id: uuid(), occurredAt: iso(at), ...scope });

    push(
      createEvent(OrganisationRegisteredV1, {
        id: uuid(),
        occurredAt: iso(t0),
        actor: engagementService,
        organisationId,
        payload: {
          organisationId,
          country,
          setting: pick(['rural', 'urban'] as const),
          focusAreas,
          size: 'small',
        },
      }),
      t0,
    );
    const created = t0 + DAY;
    push(
      createEvent(EngagementCreatedV1, {
        ...within(created),
        actor: { kind: 'user', id: 'pm-1', role: 'program-manager' },
        payload: {
          engagementId,
          organisationId,
          unitId: unit.unitId,
          routedTo: unit.unitId === 'tru' ? { kind: 'tru' } : { kind: 'desk', deskId: unit.unitId },
          country,
          setting: 'urban',
          focusAreas,
          programManagerId: 'pm-1',
        },
      }),
      created,
    );
    const agreement = { agreementId: `${engagementId}-agr`, agreementVersion: 1 };
    const proposed = created + (10 + Math.floor(random() * 20)) * DAY;
    push(
      createEvent(AgreementProposedV1, { ...within(proposed), actor: officer, payload: agreement }),
      proposed,
    );
    push(
      createEvent(AgreementSignedV1, {
        ...within(proposed + DAY),
        actor: officer,
        payload: {
          ...agreement,
          party: 'protection-organisation',
          signerId: 'pm-1',
          fullySigned: false,
        },
      }),
      proposed + DAY,
    );
    push(
      createEvent(AgreementSignedV1, {
        ...within(proposed + 3 * DAY),
        actor: officer,
        payload: {
          ...agreement,
          party: 'defender-organisation',
          signerId: 'defender-1',
          fullySigned: true,
        },
      }),
      proposed + 3 * DAY,
    );
    const activated = proposed + 3 * DAY + 60_000;
    push(
      createEvent(AgreementActivatedV1, {
        ...within(activated),
        actor: engagementService,
        payload: { ...agreement, terms },
      }),
      activated,
    );
    let phase: Phase = 'agreement';
    const toPhase = (
      to: Phase,
      at: number,
      reason:
        | 'agreement-activated'
        | 'implementation-completed'
        | 'autonomy-goal-reached'
        | 'knowledge-transfer-completed',
    ) => {
      push(
        createEvent(EngagementPhaseChangedV1, {
          ...within(at),
          actor: engagementService,
          payload: { from: phase, to, reason },
        }),
        at,
      );
      phase = to;
    };
    toPhase('implementation', activated + 60_000, 'agreement-activated');

    // How fast this organisation progresses: a level every 2–6 months.
    const pace = (60 + Math.floor(random() * 120)) * DAY;
    const levelAt = (t: number): AutonomyLevel =>
      Math.min(4, Math.floor((t - activated) / pace)) as AutonomyLevel;

    // Training sessions every ~6 months (scheduled, then held).
    for (let t = activated + 30 * DAY, i = 0; t < end; t += 180 * DAY, i++) {
      const sessionId = `${engagementId}-ses-${i}`;
      const session = {
        sessionId,
        moduleIds: ['tm-risk-assessment-basics'],
        level: 'basic' as const,
        mode: 'in-person' as const,
        facilitatorId: officer.id,
      };
      push(
        createEvent(SessionScheduledV1, {
          ...within(t - 14 * DAY),
          actor: officer,
          payload: { ...session, startsAt: iso(t), endsAt: iso(t + 3 * 3_600_000) },
        }),
        t - 14 * DAY,
      );
      const attendance = 5 + Math.floor(random() * 15);
      const checks = Math.floor(random() * (attendance + 1));
      push(
        createEvent(SessionHeldV1, {
          ...within(t + 4 * 3_600_000),
          actor: officer,
          payload: {
            ...session,
            heldAt: iso(t),
            participantCount: attendance + Math.floor(random() * 4),
            attendanceCount: attendance,
            knowledgeCheckCount: checks,
            averageKnowledgeGain: checks > 0 ? Math.round((random() * 40 - 5) * 10) / 10 : null,
          },
        }),
        t + 4 * 3_600_000,
      );
    }

    // Follow-ups every ~2 months: held (on time or late) or missed and escalated.
    for (let due = activated + 60 * DAY, i = 0; due < end; due += 60 * DAY, i++) {
      const ref = { followUpId: `${engagementId}-fu-${i}`, kind: 'coaching-session' as const };
      const obligation = {
        obligationId: `${engagementId}-obl-fu-${i}`,
        obligationKind: 'follow-up' as const,
      };
      push(
        createEvent(FollowUpPlannedV1, {
          ...within(due - 45 * DAY),
          actor: officer,
          payload: {
            ...ref,
            obligationId: obligation.obligationId,
            assigneeId: officer.id,
            dueAt: iso(due),
          },
        }),
        due - 45 * DAY,
      );
      const r = random();
      if (r < 0.1) {
        push(
          createEvent(FollowUpMissedV1, {
            ...within(due + DAY),
            actor: officer,
            payload: { ...ref, dueAt: iso(due) },
          }),
          due + DAY,
        );
        push(
          createEvent(EscalationRaisedV1, {
            ...within(due + 7 * DAY),
            actor: orchestrator,
            payload: {
              ...obligation,
              escalationId: `${obligation.obligationId}-esc`,
              programManagerId: 'pm-1',
              assigneeId: officer.id,
              dueAt: iso(due),
              overdueSince: iso(due),
            },
          }),
          due + 7 * DAY,
        );
      } else {
        const heldAt = due + Math.floor((r < 0.3 ? 1 + random() * 10 : -random() * 10) * DAY);
        push(
          createEvent(FollowUpHeldV1, {
            ...within(heldAt),
            actor: officer,
            payload: {
              ...ref,
              heldAt: iso(heldAt),
              behaviourChange: pick(['none', 'some', 'significant'] as const),
              nextActionCount: 2,
            },
          }),
          heldAt,
        );
        push(
          createEvent(ObligationFulfilledV1, {
            ...within(heldAt + 1_000),
            actor: orchestrator,
            payload: {
              ...obligation,
              dueAt: iso(due),
              fulfilledAt: iso(heldAt),
              late: heldAt > due,
            },
          }),
          heldAt + 1_000,
        );
      }
    }

    // Autonomy reviews every quarter; milestones verified as the level rises.
    let previous: AutonomyLevel | null = null;
    let autonomousSince: number | undefined;
    for (let t = activated + 90 * DAY, i = 0; t < end; t += 90 * DAY, i++) {
      const level = levelAt(t);
      const reached = Math.min(AUTONOMY_MILESTONES.length, level * 2 + (random() < 0.5 ? 1 : 0));
      const milestones = Object.fromEntries(
        AUTONOMY_MILESTONES.map((m, j) => [
          m,
          (j < reached ? 'verified' : 'not-started') as MilestoneStatus,
        ]),
      ) as Record<MilestoneId, MilestoneStatus>;
      push(
        createEvent(AutonomyReviewRecordedV1, {
          ...within(t),
          actor: officer,
          payload: {
            reviewId: `${engagementId}-rev-${i}`,
            reviewedAt: iso(t),
            level,
            previousLevel: previous,
            baselineLevel: null,
            spokeMaturity: Object.fromEntries(
              SECURITY_WHEEL_SPOKES.map((s) => [s, level]),
            ) as never,
            milestones,
          },
        }),
        t,
      );
      if (level >= 3 && autonomousSince === undefined) {
        autonomousSince = t;
        toPhase('follow-up', t + 60_000, 'implementation-completed');
        toPhase('knowledge-transfer', t + 120_000, 'autonomy-goal-reached');
      }
      previous = level;
    }

    // Risk assessments every 6 months, the level falling as the organisation progresses.
    for (let t = activated + 20 * DAY, i = 0; t < end; t += 180 * DAY, i++) {
      const level =
        RISK_LEVELS[Math.max(0, Math.min(3, 3 - levelAt(t) + Math.floor(random() * 2) - 1))] ??
        'medium';
      push(
        createEvent(RiskAssessmentCompletedV1, {
          ...within(t),
          actor: officer,
          payload: {
            riskAssessmentId: `${engagementId}-ra-${i}`,
            trigger: i === 0 ? 'initial' : 'periodic',
            triggeringIncidentIds: [],
            threats: [],
            overallScore: 1,
            overallLevel: level,
          },
        }),
        t,
      );
    }

    // An incident now and then.
    for (
      let t = activated + Math.floor(random() * 400) * DAY, i = 0;
      t < end && i < 3;
      t += Math.floor(100 + random() * 400) * DAY, i++
    ) {
      push(
        createEvent(IncidentReportedV1, {
          ...within(t + DAY),
          actor: officer,
          payload: {
            incidentId: `${engagementId}-inc-${i}`,
            incidentType: pick(INCIDENT_TYPES),
            severity: 1 + Math.floor(random() * 5),
            serious: false,
            occurredAt: iso(t),
            linkedThreatIds: [],
          },
        }),
        t + DAY,
      );
    }

    // Cascades once autonomous: generation 2, sometimes 3.
    if (autonomousSince !== undefined) {
      for (let t = autonomousSince + 45 * DAY, i = 0; t < end && i < 3; t += 120 * DAY, i++) {
        const generation = i === 0 ? 2 : random() < 0.5 ? 2 : 3;
        push(
          createEvent(CascadeVerifiedV1, {
            ...within(t + 5 * DAY),
            actor: officer,
            payload: {
              cascadeId: `${engagementId}-cas-${i}`,
              ...(generation > 2 ? { parentCascadeId: `${engagementId}-cas-0` } : {}),
              generation,
              audienceType: 'other-defenders',
              reachCount: 5 + Math.floor(random() * 40),
              moduleIds: ['tm-risk-assessment-basics'],
              deliveredAt: iso(t),
              verifiedBy: officer.id,
            },
          }),
          t + 5 * DAY,
        );
      }
    }
  }
  return events.sort((a, b) =>
    a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : a.id < b.id ? -1 : 1,
  );
}
