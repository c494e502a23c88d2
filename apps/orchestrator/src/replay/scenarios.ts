import {
  AgreementActivatedV1,
  AutonomyReviewRecordedV1,
  EngagementCreatedV1,
  eventFixture,
  FollowUpHeldV1,
  IncidentReportedV1,
  RiskAssessmentCompletedV1,
  SecurityPlanAdoptedV1,
  SessionHeldV1,
  signalFromEvent,
  workflowStartFromEvent,
  type AnyEventDefinition,
  type CapacityBuildingInput,
} from '@trellis/contracts';

/** One step of a recorded scenario: a signal, or workflow time passing. */
export type ScenarioStep =
  { kind: 'signal'; name: string; args: unknown } | { kind: 'sleep'; ms: number };

export interface Scenario {
  name: string;
  input: CapacityBuildingInput;
  workflowId: string;
  steps: ScenarioStep[];
}

const DAY = 24 * 3600 * 1000;

/** A contract fixture re-keyed to `engagementId`, with a deterministic event id. */
function event(definition: AnyEventDefinition, engagementId: string, n: number) {
  const fixture = eventFixture(definition) as { engagementId: string };
  const text = JSON.stringify(fixture).replaceAll(fixture.engagementId, engagementId);
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return { ...(JSON.parse(text) as Record<string, unknown>), id } as never;
}

function signalStep(definition: AnyEventDefinition, engagementId: string, n: number): ScenarioStep {
  const call = signalFromEvent(event(definition, engagementId, n));
  if (!call) throw new Error(`${definition.type} maps to no signal`);
  return { kind: 'signal', name: call.name, args: call.args };
}

function command(
  name: 'pause.v1' | 'resume.v1' | 'terminate.v1',
  reason: string,
  n: number,
): ScenarioStep {
  return {
    kind: 'signal',
    name,
    args: {
      commandId: `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`,
      actor: { kind: 'user', id: 'pm-replay', role: 'program-manager' },
      requestedAt: '2026-02-01T00:00:00.000Z',
      reason,
    },
  };
}

/**
 * The scenarios whose histories are recorded into `apps/orchestrator/test/histories` and
 * replayed by `replay.int.spec.ts`: a whole engagement path and a paused-then-terminated one.
 */
export function scenarios(): Scenario[] {
  const lifecycleId = '11111111-1111-4111-8111-111111111111';
  const pausedId = '22222222-2222-4222-8222-222222222222';
  const start = (engagementId: string) => {
    const s = workflowStartFromEvent(event(EngagementCreatedV1, engagementId, 1));
    if (!s) throw new Error('no start');
    return { input: s.input, workflowId: s.workflowId };
  };
  return [
    {
      name: 'engagement-lifecycle',
      ...start(lifecycleId),
      steps: [
        { kind: 'sleep', ms: 2 * DAY },
        signalStep(AgreementActivatedV1, lifecycleId, 2),
        { kind: 'sleep', ms: 10 * DAY },
        signalStep(SessionHeldV1, lifecycleId, 3),
        signalStep(RiskAssessmentCompletedV1, lifecycleId, 4),
        signalStep(RiskAssessmentCompletedV1, lifecycleId, 4), // duplicate delivery
        { kind: 'sleep', ms: 20 * DAY },
        signalStep(SecurityPlanAdoptedV1, lifecycleId, 5),
        signalStep(FollowUpHeldV1, lifecycleId, 6),
        signalStep(IncidentReportedV1, lifecycleId, 7),
        { kind: 'sleep', ms: 40 * DAY },
        signalStep(AutonomyReviewRecordedV1, lifecycleId, 8),
        { kind: 'sleep', ms: 30 * DAY },
        command('terminate.v1', 'other', 9),
      ],
    },
    {
      name: 'paused-and-terminated',
      ...start(pausedId),
      steps: [
        signalStep(AgreementActivatedV1, pausedId, 2),
        { kind: 'sleep', ms: 3 * DAY },
        command('pause.v1', 'other', 3),
        { kind: 'sleep', ms: 15 * DAY },
        command('resume.v1', 'situation-improved', 4),
        { kind: 'sleep', ms: 5 * DAY },
        command('terminate.v1', 'other', 5),
      ],
    },
  ];
}
