import type { Phase } from '@trellis/contracts';
import { SCENARIO_CAST, type DemoDirectory } from './demo-data';
import type { GatewayClient, UserSession } from './gateway.client';
import {
  agreementTerms,
  assessRisk,
  assessThreat,
  DEMO_TIMING,
  draftSecurityPlan,
  holdFollowUp,
  holdTrainingSession,
  LEVEL_2_MILESTONES,
  LEVEL_3_MILESTONES,
  PARTICIPANTS,
  rateThreat,
  recordAutonomyReview,
  recordCascade,
  reportSeriousIncident,
  required,
  spokes,
  untilKnown,
  type ScenarioTiming,
} from './scenario.actions';
import { EngagementMonitor, type SeenNotification, type SeenPhase } from './scenario.monitor';

export { DEMO_TIMING, type ScenarioTiming } from './scenario.actions';

/*
 * The demo engagement: ONE capacity-building process run through every phase in compressed
 * time, each person acting under their own login through the gateway:
 *
 *   agreement           the program manager opens the engagement, records the baseline needs
 *                       assessment, drafts and proposes the agreement (durations in seconds);
 *                       both parties sign; the program manager activates it
 *   implementation      the officer holds a training session per plan item, assesses a threat
 *                       through the five NPM steps, completes a risk assessment and drafts the
 *                       security plan; the organisation's leadership adopts it
 *   follow-up           one coaching follow-up held on time after its reminder; the next one is
 *                       deliberately let slip: reminders to the officer, an escalation to the
 *                       program manager, then held late; the defender reports a serious
 *                       incident and the officer re-assesses the risk; autonomy reviews reach
 *                       the target level twice
 *   knowledge-transfer  the organisation records a cascade training; the officer verifies it
 *   autonomous          graduation; the post-closure check-in is held after its reminder, which
 *                       closes the engagement (no further reminder follows)
 *
 * Phases are what the engagement service shows (moved by the orchestrator's workflow);
 * reminders and escalations are what the coaching service's inboxes show.
 */

/** Something that happened, reported as it happens (no sensitive data). */
export type ScenarioEvent =
  | { type: 'step'; elapsedMs: number; actor: string; action: string }
  | { type: 'phase'; elapsedMs: number; phase: Phase; from: Phase | null }
  | {
      type: 'notification';
      elapsedMs: number;
      recipient: string;
      kind: string;
      obligationKind?: string;
      obligationId?: string;
      stage?: string;
    }
  | { type: 'waiting'; elapsedMs: number; what: string }
  | { type: 'closed'; elapsedMs: number; engagementId: string };

/** Receives every {@link ScenarioEvent}. */
export type ScenarioObserver = (event: ScenarioEvent) => void;

/** Options of {@link runScenario}. */
export interface ScenarioOptions {
  client: GatewayClient;
  /** What seeding found or created. */
  directory: DemoDirectory;
  /** The demo users' password. */
  password: string;
  observer?: ScenarioObserver;
  timing?: Partial<ScenarioTiming>;
  /** How often the engagement and inboxes are polled (default 1000 ms). */
  pollIntervalMs?: number;
  /** Longest wait for one expected change (default 120 s). */
  stepTimeoutMs?: number;
}

/** What happened in one run (ids, levels, counts: no sensitive data). */
export interface ScenarioSummary {
  engagementId: string;
  organisationId: string;
  unitId: string;
  programManagerId: string;
  officerId: string;
  durationMs: number;
  phases: SeenPhase[];
  notifications: SeenNotification[];
  trainingSessions: Array<{ sessionId: string; planItemId: string }>;
  threatId: string;
  riskAssessments: Array<{ id: string; trigger: string; overallLevel: string }>;
  securityPlanId: string;
  followUps: Array<{ followUpId: string; obligationId: string; late: boolean }>;
  /** The follow-up let slip: its reminders (stages), its escalation, then held late. */
  slippedFollowUp: { obligationId: string; reminderStages: string[]; escalationId: string };
  incident: { id: string; serious: boolean };
  autonomyReviews: Array<{ id: string; level: number }>;
  cascade: { id: string; reachCount: number };
  postClosureCheckIn: { obligationId: string; followUpId: string; closed: boolean };
}

/**
 * Runs the demo engagement through every phase (see the file comment) and returns what
 * happened. Throws on the first refused request or on an expected change that does not show
 * within `stepTimeoutMs`.
 */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioSummary> {
  return new Scenario(options).run();
}

class Scenario {
  private readonly startedAt = Date.now();
  private readonly timing: ScenarioTiming;
  private readonly timeoutMs: number;
  private readonly notify: ScenarioObserver;

  constructor(private readonly options: ScenarioOptions) {
    this.timing = { ...DEMO_TIMING, ...options.timing };
    this.timeoutMs = options.stepTimeoutMs ?? 120_000;
    this.notify = options.observer ?? (() => undefined);
  }

  private elapsed(): number {
    return Date.now() - this.startedAt;
  }

  private step(actor: UserSession, action: string): void {
    this.notify({ type: 'step', elapsedMs: this.elapsed(), actor: actor.username, action });
  }

  private waiting(what: string): void {
    this.notify({ type: 'waiting', elapsedMs: this.elapsed(), what });
  }

  async run(): Promise<ScenarioSummary> {
    const { client, directory, password } = this.options;
    const organisation = directory.organisations[SCENARIO_CAST.organisationKey];
    if (!organisation) throw new Error('the demo organisation was not seeded');
    const pm = await client.login(SCENARIO_CAST.programManager, password);
    const officer = await client.login(SCENARIO_CAST.officer, password);
    const defender = await client.login(SCENARIO_CAST.defender, password);

    // ---------------------------------------------------------------------------- agreement
    const engagement = await pm.post<{ id: string; unitId: string; phase: Phase }>(
      '/api/engagement/engagements',
      { organisationId: organisation.id, leadOfficerId: officer.id },
      'open the engagement',
    );
    const engagementId = engagement.id;
    this.step(
      pm,
      `opened engagement ${engagementId} with ${SCENARIO_CAST.organisationKey} ` +
        `(routed to ${engagement.unitId}, lead officer ${officer.username})`,
    );
    const monitor = new EngagementMonitor(
      engagementId,
      pm,
      [officer, pm],
      {
        phase: (seen, from) =>
          this.notify({ type: 'phase', elapsedMs: seen.elapsedMs, phase: seen.phase, from }),
        notification: (n) =>
          this.notify({
            type: 'notification',
            elapsedMs: n.elapsedMs,
            recipient: n.recipient,
            kind: n.kind,
            ...(n.obligationKind !== undefined ? { obligationKind: n.obligationKind } : {}),
            ...(n.obligationId !== undefined ? { obligationId: n.obligationId } : {}),
            ...(n.stage !== undefined ? { stage: n.stage } : {}),
          }),
      },
      this.startedAt,
      this.options.pollIntervalMs ?? 1000,
    );
    await monitor.start();
    try {
      return await this.process(monitor, { pm, officer, defender }, engagement, organisation.id);
    } finally {
      await monitor.stop().catch(() => undefined);
    }
  }

  private async process(
    monitor: EngagementMonitor,
    cast: { pm: UserSession; officer: UserSession; defender: UserSession },
    engagement: { id: string; unitId: string },
    organisationId: string,
  ): Promise<ScenarioSummary> {
    const { pm, officer, defender } = cast;
    const engagementId = engagement.id;
    const unitId = engagement.unitId;
    const scope = { engagementId, organisationId, unitId };
    const base = `/api/engagement/engagements/${engagementId}`;

    const needs = await pm.post<{ suggestedLevel: string; overallMaturity: number }>(
      `${base}/needs-assessment`,
      {
        participantScores: [spokes(1), spokes(1, { training: 2 }), spokes(0)],
        capacities: {
          focalPointDesignated: false,
          riskAssessmentDone: false,
          securityPlanExists: false,
          incidentsRecorded: true,
          previousTraining: 'none',
        },
        threatTypes: ['surveillance', 'intimidation'],
      },
      'record the needs assessment',
    );
    this.step(
      pm,
      `recorded the baseline needs assessment (maturity ${needs.overallMaturity}/4, ` +
        `suggested level ${needs.suggestedLevel})`,
    );

    const terms = agreementTerms(this.timing, pm.id, officer.id);
    await pm.post(`${base}/agreements`, { terms }, 'draft the agreement');
    await pm.request('POST', `${base}/agreements/versions/1/propose`, {
      step: 'propose the agreement',
    });
    this.step(
      pm,
      `drafted and proposed agreement v1: follow-ups every ${terms.coachingCadence}, reminders ` +
        `${terms.reminderLeadTime} ahead, escalation ${terms.escalationGracePeriod} after, ` +
        `autonomy target level ${terms.autonomyGoals.targetLevel}`,
    );
    await pm.request('POST', `${base}/agreements/versions/1/sign`, {
      step: 'sign for the protection organisation',
    });
    this.step(pm, 'signed the agreement for the protection organisation');
    await defender.request('POST', `${base}/agreements/versions/1/sign`, {
      step: 'sign for the defender organisation',
    });
    this.step(defender, 'signed the agreement for the defender organisation');
    await pm.request('POST', `${base}/agreements/versions/1/activate`, {
      step: 'activate the agreement',
    });
    this.step(pm, 'activated the agreement');
    await monitor.waitForPhase('implementation', this.timeoutMs);

    // ----------------------------------------------------------------------- implementation
    const plan = await untilKnown(
      () =>
        officer.get<{ items: Array<{ planItemId: string; moduleIds: string[]; level: string }> }>(
          `/api/training/training-plans?engagementId=${engagementId}`,
          'read the training plan',
        ),
      this.timeoutMs,
    );
    const trainingSessions: ScenarioSummary['trainingSessions'] = [];
    for (const [i, item] of plan.items.entries()) {
      const session = await holdTrainingSession(officer, engagementId, item.planItemId, i);
      trainingSessions.push({ sessionId: session.id, planItemId: item.planItemId });
      this.step(
        officer,
        `held training session for plan item ${item.planItemId} (${item.moduleIds.join(', ')}, ` +
          `${session.level}): ${session.attendanceCount}/${PARTICIPANTS.length} present, ` +
          `knowledge gain ${session.gain ?? 'n/a'} points`,
      );
    }

    const threat = await assessThreat(officer, scope, this.timeoutMs);
    this.step(
      officer,
      `assessed threat ${threat.id} through the five steps in order ` +
        '(facts → pattern → objective → author → conclusion), with a vulnerability and a capacity',
    );
    const initial = await assessRisk(officer, engagementId, 'initial');
    this.step(
      officer,
      `completed the initial risk assessment: overall ${initial.overallLevel} ` +
        `(risk ${initial.overallScore})`,
    );
    const plannedPlan = await draftSecurityPlan(officer, initial.id, threat);
    this.step(officer, 'drafted the security plan (3 items) from the risk assessment');
    await defender.post(
      `/api/risk/security-plans/${plannedPlan.id}/adopt`,
      { version: plannedPlan.version, adoptedByRole: 'leadership' },
      'adopt the security plan',
    );
    this.step(defender, "adopted the security plan (the organisation's leadership)");
    await monitor.waitForPhase('follow-up', this.timeoutMs);

    // ---------------------------------------------------------------------------- follow-up
    const followUps: ScenarioSummary['followUps'] = [];
    const isFollowUpReminder = (n: SeenNotification) =>
      n.kind === 'reminder' && n.obligationKind === 'follow-up' && n.recipient === officer.username;

    this.waiting('the first follow-up reminder');
    const first = await monitor.waitForNotification(
      'a follow-up reminder to the officer',
      isFollowUpReminder,
      this.timeoutMs,
    );
    const firstObligation = required(first.obligationId, 'obligationId of the reminder');
    followUps.push(await holdFollowUp(officer, engagementId, first, 'coaching-session'));
    this.step(officer, `held follow-up ${firstObligation} on time (coaching session)`);

    const second = await monitor.waitForNotification(
      'the next follow-up reminder to the officer',
      (n) => isFollowUpReminder(n) && n.obligationId !== firstObligation,
      this.timeoutMs,
    );
    const slipped = required(second.obligationId, 'obligationId of the reminder');
    this.waiting(`follow-up ${slipped} deliberately let slip past its due time`);
    await monitor.waitForNotification(
      `the due reminder of ${slipped}`,
      (n) => isFollowUpReminder(n) && n.obligationId === slipped && n.stage === 'due',
      this.timeoutMs,
    );
    const escalation = await monitor.waitForNotification(
      `the escalation of ${slipped} to the program manager`,
      (n) => n.kind === 'escalation' && n.obligationId === slipped && n.recipient === pm.username,
      this.timeoutMs,
    );
    followUps.push(await holdFollowUp(officer, engagementId, second, 'leadership-meeting'));
    this.step(officer, `held the overdue follow-up ${slipped} late (leadership meeting)`);
    const slippedStages = monitor.notifications
      .filter((n) => n.kind === 'reminder' && n.obligationId === slipped)
      .map((n) => n.stage ?? 'unknown');

    const incident = await reportSeriousIncident(defender, scope, threat.id);
    this.step(
      defender,
      `reported incident ${incident.id} (raid/break-in, severity 4, ` +
        `${incident.serious ? 'serious' : 'not serious'})`,
    );
    await rateThreat(officer, threat.id, { likelihood: 5, impact: 4 });
    const reassessment = await assessRisk(officer, engagementId, 'after-incident', [incident.id]);
    this.step(
      officer,
      `re-assessed the risk after the incident: overall ${reassessment.overallLevel} ` +
        `(risk ${reassessment.overallScore})`,
    );

    const autonomyReviews: ScenarioSummary['autonomyReviews'] = [];
    const target = terms.autonomyGoals.targetLevel;
    for (const [maturity, milestones] of [
      [2, LEVEL_2_MILESTONES],
      [3, LEVEL_3_MILESTONES],
      [3, LEVEL_3_MILESTONES],
    ] as const) {
      const review = await recordAutonomyReview(officer, pm, engagementId, maturity, milestones);
      autonomyReviews.push(review);
      const atTarget = autonomyReviews.filter((r) => r.level >= target).length;
      this.step(
        pm,
        `recorded autonomy review ${autonomyReviews.length}: level ${review.level} ` +
          `(target ${target}${review.level >= target ? `, reached ${atTarget}×` : ''})`,
      );
    }
    await monitor.waitForPhase('knowledge-transfer', this.timeoutMs);

    // ------------------------------------------------------------------- knowledge transfer
    const cascade = await recordCascade(
      defender,
      engagementId,
      terms.autonomyGoals.cascadeTarget.reach + 5,
    );
    this.step(
      defender,
      `recorded cascade training ${cascade.id} (generation ${cascade.generation}, ` +
        `${cascade.reachCount} defenders reached)`,
    );
    await officer.post(
      `/api/training/cascades/${cascade.id}/verify`,
      { version: cascade.version },
      'verify the cascade training',
    );
    this.step(officer, `verified cascade training ${cascade.id}`);
    await monitor.waitForPhase('autonomous', this.timeoutMs);

    // --------------------------------------------------------------------------- autonomous
    const checkInReminder = await monitor.waitForNotification(
      'the post-closure check-in reminder',
      (n) =>
        n.kind === 'reminder' &&
        n.obligationKind === 'post-closure-check-in' &&
        n.recipient === officer.username,
      this.timeoutMs,
    );
    const checkInObligation = required(checkInReminder.obligationId, 'obligationId');
    const checkIn = await holdFollowUp(officer, engagementId, checkInReminder, 'consultation');
    this.step(officer, `held the post-closure check-in ${checkInObligation}`);
    // Closed: the check-in obligation is met, so no `due` reminder follows at its due instant.
    const dueAt = Date.parse(checkInReminder.dueAt ?? new Date().toISOString());
    const quietUntil = dueAt + 3_000;
    if (Date.now() < quietUntil) {
      this.waiting('the check-in due instant, to confirm no further reminder');
      await new Promise((resolve) => setTimeout(resolve, quietUntil - Date.now()));
    }
    await monitor.pollOnce();
    const lateReminder = monitor.notifications.find(
      (n) => n.obligationId === checkInObligation && n.stage === 'due',
    );
    if (lateReminder) {
      throw new Error(
        `the post-closure check-in ${checkInObligation} was reminded again after it was held`,
      );
    }
    this.notify({ type: 'closed', elapsedMs: this.elapsed(), engagementId });

    return {
      engagementId,
      organisationId,
      unitId,
      programManagerId: pm.id,
      officerId: officer.id,
      durationMs: this.elapsed(),
      phases: [...monitor.phases],
      notifications: [...monitor.notifications],
      trainingSessions,
      threatId: threat.id,
      riskAssessments: [
        { id: initial.id, trigger: 'initial', overallLevel: initial.overallLevel },
        { id: reassessment.id, trigger: 'after-incident', overallLevel: reassessment.overallLevel },
      ],
      securityPlanId: plannedPlan.id,
      followUps,
      slippedFollowUp: {
        obligationId: slipped,
        reminderStages: slippedStages,
        escalationId: escalation.id,
      },
      incident,
      autonomyReviews,
      cascade: { id: cascade.id, reachCount: cascade.reachCount },
      postClosureCheckIn: {
        obligationId: checkInObligation,
        followUpId: checkIn.followUpId,
        closed: true,
      },
    };
  }
}
