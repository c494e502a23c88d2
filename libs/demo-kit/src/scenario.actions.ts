import { SECURITY_WHEEL_SPOKES, type AgreementTerms, type MilestoneId } from '@trellis/contracts';
import { isGatewayError, type UserSession } from './gateway.client';
import type { SeenNotification } from './scenario.monitor';

/*
 * The actions of the demo engagement, each through the gateway under the acting person's
 * login, with valid payloads for the services behind it. Texts are fictitious (narratives and
 * notes are encrypted at rest by the services and never printed).
 */

/** The agreement's compressed durations (ISO-8601) and how far ahead one-off deadlines lie. */
export interface ScenarioTiming {
  coachingCadence: string;
  cadenceShortest: string;
  cadenceLongest: string;
  autonomyReviewCadence: string;
  reminderLeadTime: string;
  escalationGracePeriod: string;
  reassessmentAfterSeriousIncident: string;
  plannedDuration: string;
  postClosureCheckInAfter: string;
  /** Training items, risk assessment and security plan are due this long after drafting. */
  implementationDeadlineMs: number;
}

/** Months in seconds: a follow-up every 20 s, reminders 8 s ahead, escalation 8 s after. */
export const DEMO_TIMING: ScenarioTiming = {
  coachingCadence: 'PT20S',
  cadenceShortest: 'PT10S',
  cadenceLongest: 'PT1M',
  autonomyReviewCadence: 'PT3M',
  reminderLeadTime: 'PT8S',
  escalationGracePeriod: 'PT8S',
  reassessmentAfterSeriousIncident: 'PT2M',
  plannedDuration: 'PT20M',
  postClosureCheckInAfter: 'PT15S',
  implementationDeadlineMs: 5 * 60_000,
};

/** Training modules of the plan (the second requires the first: a held session covers it). */
export const INTRO = 'training-module.introduction-to-security-and-protection';
export const RISK_ANALYSIS = 'training-module.risk-analysis';

/** Pseudonymous participants of the organisation (codes, roles; no names). */
export const PARTICIPANTS = [
  { participantId: 'P-01', role: 'leadership' },
  { participantId: 'P-02', role: 'security-focal-point' },
  { participantId: 'P-03', role: 'staff' },
  { participantId: 'P-04', role: 'volunteer' },
] as const;

/** Milestones of autonomy levels 1–2 and 1–3 (`@trellis/coaching-domain`'s level rule). */
export const LEVEL_2_MILESTONES: readonly MilestoneId[] = [
  'focal-point-designated',
  'risk-assessment-with-support',
  'plan-adopted-by-leadership',
  'incident-register-kept',
];
export const LEVEL_3_MILESTONES: readonly MilestoneId[] = [
  ...LEVEL_2_MILESTONES,
  'risk-assessment-updated-independently',
  'plan-reviewed-independently',
];

/** A record answered with its optimistic-concurrency version. */
export interface Versioned {
  id: string;
  version: number;
}

/** Agreement terms with compressed durations; one-off deadlines relative to now. */
export function agreementTerms(
  t: ScenarioTiming,
  programManagerId: string,
  leadOfficerId: string,
): AgreementTerms {
  const due = new Date(Date.now() + t.implementationDeadlineMs).toISOString();
  return {
    programManagerId,
    leadOfficerId,
    interventions: [
      {
        interventionId: 'int-1',
        kind: 'method',
        catalogueRef: 'method.five-step-threat-assessment',
        priority: 'high',
        targetDate: isoDate(90),
      },
      {
        interventionId: 'int-2',
        kind: 'measure',
        catalogueRef: 'measure.travel-check-in-protocol',
        priority: 'high',
        targetDate: isoDate(120),
      },
      {
        interventionId: 'int-3',
        kind: 'topic',
        catalogueRef: 'topic.land-environmental-defenders',
        priority: 'medium',
        targetDate: isoDate(180),
      },
    ],
    trainingPlan: {
      items: [
        { planItemId: 'pi-1', moduleIds: [INTRO], level: 'basic', dueAt: due },
        { planItemId: 'pi-2', moduleIds: [RISK_ANALYSIS], level: 'intermediate', dueAt: due },
      ],
    },
    riskAssessmentDueAt: due,
    securityPlanDueAt: due,
    coachingCadence: t.coachingCadence,
    coachingCadenceBounds: { shortest: t.cadenceShortest, longest: t.cadenceLongest },
    autonomyReviewCadence: t.autonomyReviewCadence,
    reminderLeadTime: t.reminderLeadTime,
    escalationGracePeriod: t.escalationGracePeriod,
    reassessmentAfterSeriousIncident: t.reassessmentAfterSeriousIncident,
    plannedDuration: t.plannedDuration,
    postClosureCheckInAfter: t.postClosureCheckInAfter,
    autonomyGoals: {
      targetLevel: 3,
      milestoneIds: [...LEVEL_3_MILESTONES],
      cascadeTarget: { verifiedCascades: 1, reach: 20 },
    },
  };
}

/**
 * Retries a request that answers 404 until the service has learnt of the engagement from its
 * events (services project engagements from Kafka, so clients retry for a moment).
 */
export async function untilKnown<T>(request: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await request();
    } catch (err) {
      if (!isGatewayError(err, 404) || Date.now() + 300 > deadline) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** Schedules a session for a plan item (a free slot of the officer), then holds it now. */
export async function holdTrainingSession(
  officer: UserSession,
  engagementId: string,
  planItemId: string,
  index: number,
): Promise<{ id: string; level: string; attendanceCount: number; gain: number | null }> {
  let scheduled: (Versioned & { level: string }) | undefined;
  for (let attempt = 0; scheduled === undefined; attempt += 1) {
    const start = Date.now() + 86_400_000 + (index * 3 + attempt * 7) * 3_600_000;
    try {
      scheduled = await officer.post<Versioned & { level: string }>(
        '/api/training/sessions',
        {
          engagementId,
          planItemId,
          mode: 'in-person',
          facilitatorId: officer.id,
          startsAt: new Date(start).toISOString(),
          endsAt: new Date(start + 2 * 3_600_000).toISOString(),
          participants: PARTICIPANTS,
        },
        `schedule the session of ${planItemId}`,
      );
    } catch (err) {
      // Another (older) demo session of this officer in that slot: take the next one.
      if (!isGatewayError(err, 409, 'SCHEDULE_CONFLICT') || attempt >= 5) throw err;
    }
  }
  const held = await officer.post<{
    id: string;
    level: string;
    knowledge: { averageKnowledgeGain: number | null } | null;
    attendance: Array<{ present: boolean }>;
  }>(
    `/api/training/sessions/${scheduled.id}/hold`,
    {
      version: scheduled.version,
      attendance: [
        { participantId: 'P-01', present: true, preScore: 40, postScore: 80 },
        { participantId: 'P-02', present: true, preScore: 55, postScore: 85 },
        { participantId: 'P-03', present: true, preScore: 30, postScore: 70 },
        { participantId: 'P-04', present: false },
      ],
      notes: 'Fictitious demo session: good participation, follow up on digital practices.',
    },
    `hold the session of ${planItemId}`,
  );
  return {
    id: held.id,
    level: held.level,
    attendanceCount: held.attendance.filter((a) => a.present).length,
    gain: held.knowledge?.averageKnowledgeGain ?? null,
  };
}

/**
 * A threat assessed through the five NPM steps in order (facts with the threat, then pattern,
 * objective, author, conclusion), with a vulnerability and a capacity.
 */
export async function assessThreat(
  officer: UserSession,
  scope: { engagementId: string; organisationId: string; unitId: string },
  timeoutMs: number,
): Promise<{ id: string; vulnerabilityId: string; capacityId: string }> {
  const created = await untilKnown(
    () =>
      officer.post<Versioned>(
        '/api/risk/threats',
        {
          ...scope,
          threatType: 'surveillance',
          likelihood: 4,
          impact: 4,
          facts: 'Fictitious demo facts: unknown people photographed the community office.',
        },
        'record the threat (step 1: facts)',
      ),
    timeoutMs,
  );
  let version = created.version;
  const steps: Array<[string, Record<string, unknown>]> = [
    ['pattern', { narrative: 'Fictitious: third time this month.', isPattern: true }],
    ['objective', { narrative: 'Fictitious: to stop the land claim.' }],
    [
      'author',
      {
        narrative: 'Fictitious: private security of a company.',
        sourceActorType: 'private-security',
      },
    ],
    ['conclusion', { narrative: 'Fictitious: they have the means to act.', canBeCarriedOut: true }],
  ];
  for (const [name, body] of steps) {
    const res = await officer.put<Versioned>(
      `/api/risk/threats/${created.id}/steps/${name}`,
      { version, ...body },
      `threat step ${name}`,
    );
    version = res.version;
  }
  const withVulnerability = await officer.post<
    Versioned & { vulnerabilities: Array<{ id: string }> }
  >(
    `/api/risk/threats/${created.id}/vulnerabilities`,
    {
      version,
      category: 'geographical-physical-technical',
      description: 'Fictitious: the office back door has no lock.',
      rating: 4,
    },
    'add a vulnerability',
  );
  const withCapacity = await officer.post<Versioned & { capacities: Array<{ id: string }> }>(
    `/api/risk/threats/${created.id}/capacities`,
    {
      version: withVulnerability.version,
      category: 'legal-political',
      description: 'Fictitious: good relations with the ombudsman office.',
      rating: 2,
    },
    'add a capacity',
  );
  return {
    id: created.id,
    vulnerabilityId: required(withVulnerability.vulnerabilities[0]?.id, 'vulnerability id'),
    capacityId: required(withCapacity.capacities[0]?.id, 'capacity id'),
  };
}

/** New likelihood and impact of a threat (at its current version). */
export async function rateThreat(
  officer: UserSession,
  threatId: string,
  rating: { likelihood: number; impact: number },
): Promise<void> {
  const threat = await officer.get<Versioned>(`/api/risk/threats/${threatId}`, 'read the threat');
  await officer.put(
    `/api/risk/threats/${threatId}/rating`,
    { ...rating, version: threat.version },
    'rate the threat again',
  );
}

/** A dated risk assessment of every concluded threat of the engagement. */
export function assessRisk(
  officer: UserSession,
  engagementId: string,
  trigger: 'initial' | 'after-incident',
  triggeringIncidentIds: string[] = [],
): Promise<{ id: string; overallLevel: string; overallScore: number }> {
  return officer.post(
    '/api/risk/risk-assessments',
    { engagementId, trigger, triggeringIncidentIds },
    `complete the ${trigger} risk assessment`,
  );
}

/** The security plan drafted from a risk assessment: a measure, a protocol and a policy. */
export function draftSecurityPlan(
  officer: UserSession,
  riskAssessmentId: string,
  threat: { id: string; vulnerabilityId: string; capacityId: string },
): Promise<Versioned> {
  return officer.post<Versioned>(
    '/api/risk/security-plans',
    {
      riskAssessmentId,
      items: [
        {
          kind: 'measure',
          title: 'Lock and key control for the community office',
          vulnerabilityIds: [threat.vulnerabilityId],
          catalogueRefs: ['measure.visitor-and-key-control'],
          ownerRole: 'leadership',
          dueDate: isoDate(30),
        },
        {
          kind: 'preventive-protocol',
          title: 'Travel in pairs with check-in calls',
          threatIds: [threat.id],
          catalogueRefs: ['measure.travel-check-in-protocol'],
          ownerRole: 'security-focal-point',
          dueDate: isoDate(14),
          rehearsalCadence: 'P1M',
        },
        {
          kind: 'policy',
          title: 'Keep the relations with the ombudsman office alive',
          capacityIds: [threat.capacityId],
          ownerRole: 'staff',
          dueDate: isoDate(60),
        },
      ],
    },
    'draft the security plan',
  );
}

/** A serious incident (a raid on the office, severity 4) reported by the organisation. */
export function reportSeriousIncident(
  defender: UserSession,
  scope: { engagementId: string; organisationId: string; unitId: string },
  threatId: string,
): Promise<{ id: string; serious: boolean }> {
  return defender.post(
    '/api/risk/incidents',
    {
      ...scope,
      occurredAt: new Date(Date.now() - 3_600_000).toISOString(),
      incidentType: 'raid-break-in',
      severity: 4,
      narrative: 'Fictitious demo incident: the community office was broken into at night.',
      linkedThreatIds: [threatId],
    },
    'report the incident',
  );
}

/** A generation-2 cascade training given by two trained participants. */
export function recordCascade(
  defender: UserSession,
  engagementId: string,
  reachCount: number,
): Promise<Versioned & { reachCount: number; generation: number }> {
  return defender.post(
    '/api/training/cascades',
    {
      engagementId,
      generation: 2,
      trainerParticipantIds: ['P-01', 'P-02'],
      audienceType: 'other-defenders',
      reachCount,
      moduleIds: [INTRO],
      deliveredAt: new Date(Date.now() - 600_000).toISOString(),
    },
    'record the cascade training',
  );
}

/** Plans the follow-up of a reminded obligation and holds it now. */
export async function holdFollowUp(
  officer: UserSession,
  engagementId: string,
  reminder: SeenNotification,
  kind: string,
): Promise<{ followUpId: string; obligationId: string; late: boolean }> {
  const obligationId = required(reminder.obligationId, 'obligationId of the reminder');
  const dueAt = reminder.dueAt ?? new Date().toISOString();
  const planned = await officer.post<Versioned>(
    `/api/coaching/engagements/${engagementId}/follow-ups`,
    { kind, dueAt, obligationId },
    `plan the follow-up of ${obligationId}`,
  );
  const heldAt = new Date().toISOString();
  await officer.post(
    `/api/coaching/follow-ups/${planned.id}/held`,
    {
      version: planned.version,
      heldAt,
      behaviourChange: 'some',
      notes: 'Fictitious demo follow-up notes.',
      nextActions: [],
    },
    `hold the follow-up of ${obligationId}`,
  );
  return { followUpId: planned.id, obligationId, late: Date.parse(heldAt) > Date.parse(dueAt) };
}

/**
 * An autonomy review: the officer opens it with the milestones claimed (evidence), the
 * program manager verifies them (a second person) and records the review.
 */
export async function recordAutonomyReview(
  officer: UserSession,
  pm: UserSession,
  engagementId: string,
  maturity: number,
  milestones: readonly MilestoneId[],
): Promise<{ id: string; level: number }> {
  let review = await officer.post<Versioned & { level: number }>(
    `/api/coaching/engagements/${engagementId}/autonomy-reviews`,
    {
      reviewedAt: new Date().toISOString(),
      spokeMaturity: spokes(maturity),
      milestones: milestones.map((milestoneId) => ({
        milestoneId,
        status: 'claimed',
        evidence: { reference: `demo-evidence/${milestoneId}` },
      })),
    },
    'open an autonomy review',
  );
  for (const milestoneId of milestones) {
    review = await pm.post<Versioned & { level: number }>(
      `/api/coaching/autonomy-reviews/${review.id}/milestones/${milestoneId}/verify`,
      { version: review.version },
      `verify milestone ${milestoneId}`,
    );
  }
  const recorded = await pm.post<Versioned & { level: number }>(
    `/api/coaching/autonomy-reviews/${review.id}/record`,
    { version: review.version },
    'record the autonomy review',
  );
  return { id: recorded.id, level: recorded.level };
}

/** A security-wheel score for every spoke (with overrides). */
export function spokes(
  value: number,
  overrides: Record<string, number> = {},
): Record<string, number> {
  return Object.fromEntries(SECURITY_WHEEL_SPOKES.map((s) => [s, overrides[s] ?? value]));
}

/** The calendar date `days` from today (UTC). */
export function isoDate(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** The value, or an error naming what the answer lacked. */
export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the answer lacked ${what}`);
  return value;
}
