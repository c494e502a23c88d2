import {
  AgreementActivatedV1,
  AutonomyReviewRecordedV1,
  CAPACITY_BUILDING_TASK_QUEUE,
  CAPACITY_BUILDING_WORKFLOW_TYPE,
  CapacityBuildingInputSchema,
  ContractViolationError,
  DeskCreatedV1,
  EngagementCreatedV1,
  EngagementStatusSchema,
  ERROR_CODES,
  FollowUpHeldV1,
  LeadOfficerAssignedV1,
  WORKFLOW_QUERIES,
  WORKFLOW_REJECTION_CODES,
  WORKFLOW_SIGNALS,
  WORKFLOW_UPDATES,
  allEventDefinitions,
  engagementIdFromWorkflowId,
  eventRegistry,
  parseEvent,
  parseSignalArgs,
  signalFromEvent,
  workflowIdForEngagement,
  workflowStartFromEvent,
} from './index';
import { EVENT_FIXTURES, eventFixture } from './fixtures/events.fixtures';

describe('workflow ids', () => {
  it('derives the workflow id from the engagement id and back', () => {
    expect(workflowIdForEngagement('eng-0001')).toBe('capacity-building-eng-0001');
    expect(engagementIdFromWorkflowId('capacity-building-eng-0001')).toBe('eng-0001');
    expect(engagementIdFromWorkflowId('deadline-eng-0001')).toBeUndefined();
    expect(engagementIdFromWorkflowId('capacity-building-')).toBeUndefined();
  });

  it('refuses an engagement id that is not an id', () => {
    expect(() => workflowIdForEngagement('')).toThrow(ContractViolationError);
    expect(() => workflowIdForEngagement('a b')).toThrow(ContractViolationError);
  });

  it('names the workflow type and task queue', () => {
    expect(CAPACITY_BUILDING_WORKFLOW_TYPE).toBe('capacityBuildingWorkflow');
    expect(CAPACITY_BUILDING_TASK_QUEUE).toBe('trellis-capacity-building');
  });
});

describe('message names', () => {
  it('are unique and versioned', () => {
    const names = [
      ...Object.values(WORKFLOW_SIGNALS).map((s) => s.name),
      ...Object.values(WORKFLOW_QUERIES).map((q) => q.name),
      ...Object.values(WORKFLOW_UPDATES).map((u) => u.name),
    ];
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z][A-Za-z]*\.v\d+$/);
  });

  it('signal keys match their names', () => {
    for (const [key, contract] of Object.entries(WORKFLOW_SIGNALS)) {
      expect(contract.name).toBe(`${key}.v1`);
    }
  });

  it('name update rejections that are HTTP error codes', () => {
    for (const code of WORKFLOW_REJECTION_CODES) expect(ERROR_CODES).toHaveProperty(code);
  });
});

describe('events → workflow', () => {
  it('starts the workflow from engagement created, with the event id', () => {
    const event = parseEvent(EVENT_FIXTURES[EngagementCreatedV1.key]);
    const start = workflowStartFromEvent(event);
    expect(start).toEqual({
      workflowId: 'capacity-building-eng-0001',
      workflowType: 'capacityBuildingWorkflow',
      taskQueue: 'trellis-capacity-building',
      input: {
        engagementId: 'eng-0001',
        organisationId: 'org-0001',
        unitId: 'desk-andes',
        programManagerId: 'user-pm-0001',
        leadOfficerId: 'user-officer-0001',
        eventId: event.id,
        createdAt: event.occurredAt,
      },
    });
    expect(CapacityBuildingInputSchema.parse(start?.input)).toEqual(start?.input);
    expect(workflowStartFromEvent(parseEvent(EVENT_FIXTURES[DeskCreatedV1.key]))).toBeUndefined();
  });

  const sourced = Object.entries(WORKFLOW_SIGNALS).flatMap(([key, contract]) =>
    contract.sources.map((source) => [source, key] as const),
  );

  it('every signal source is a registered event', () => {
    expect(sourced.length).toBeGreaterThan(0);
    for (const [source] of sourced) {
      const [type, version] = source.split('@');
      expect(eventRegistry.definition(type, Number(version))).toBeDefined();
    }
  });

  it.each(sourced)('%s maps to a valid %s signal carrying the event id', (source, key) => {
    const event = parseEvent(EVENT_FIXTURES[source]);
    const call = signalFromEvent(event);
    expect(call?.signal).toBe(key);
    expect(call?.name).toBe(WORKFLOW_SIGNALS[key as keyof typeof WORKFLOW_SIGNALS].name);
    expect(call?.args).toMatchObject({ eventId: event.id, eventOccurredAt: event.occurredAt });
    expect(parseSignalArgs(key as keyof typeof WORKFLOW_SIGNALS, call?.args)).toEqual(call?.args);
  });

  it('maps no other event to a signal', () => {
    const sources = new Set(sourced.map(([s]) => s));
    for (const definition of allEventDefinitions.filter((d) => !sources.has(d.key))) {
      expect(signalFromEvent(parseEvent(EVENT_FIXTURES[definition.key]))).toBeUndefined();
    }
  });

  it('carries the agreement terms and the verified milestones', () => {
    const activated = eventFixture(AgreementActivatedV1);
    const call = signalFromEvent(activated);
    expect(call?.signal === 'agreementActivated' && call.args.terms).toEqual(
      activated.payload.terms,
    );

    const review = signalFromEvent(eventFixture(AutonomyReviewRecordedV1));
    expect(review?.signal === 'autonomyReviewRecorded' && review.args.verifiedMilestoneIds).toEqual(
      ['focal-point-designated', 'risk-assessment-with-support', 'plan-adopted-by-leadership'],
    );

    const lead = signalFromEvent(eventFixture(LeadOfficerAssignedV1));
    expect(lead?.args).not.toHaveProperty('programManagerId');

    const held = eventFixture(FollowUpHeldV1);
    delete held.payload.obligationId;
    expect(signalFromEvent(held)?.args).not.toHaveProperty('obligationId');
  });
});

describe('commands, query and update', () => {
  const actor = { kind: 'user', id: 'user-pm-0001', role: 'program-manager' } as const;
  const commandId = '5b1f6c2e-2d7a-4c1e-9f3b-0a1b2c3d4e5f';

  it('validates commands with actor and reason', () => {
    const pause = {
      commandId,
      actor,
      requestedAt: '2026-05-01T10:00:00.000Z',
      reason: 'security-situation',
    };
    expect(parseSignalArgs('pause', pause)).toEqual(pause);
    expect(() =>
      parseSignalArgs('pause', { ...pause, reason: 'because the director said so' }),
    ).toThrow(/pause\.v1 violates its contract.*reason/);
    expect(() => parseSignalArgs('terminate', { ...pause, reason: 'funding', note: 'x' })).toThrow(
      /note/,
    );
    expect(
      WORKFLOW_SIGNALS.terminate.args.safeParse({
        commandId,
        actor: { kind: 'service', id: 'gateway' },
        requestedAt: '2026-05-01T10:00:00.000Z',
        reason: 'organisation-erased',
      }).success,
    ).toBe(true);
  });

  it('describes the status query result', () => {
    const status = {
      engagementId: 'eng-0001',
      phase: 'follow-up',
      asOf: '2026-07-02T00:00:00.000Z',
      agreement: { agreementId: 'agr-0001', agreementVersion: 2 },
      coachingCadence: 'P6W',
      openObligations: [
        {
          obligationId: 'obl-follow-up-4',
          kind: 'follow-up',
          assigneeId: 'user-officer-0001',
          dueAt: '2026-08-12T17:00:00.000Z',
          overdue: false,
          escalated: false,
        },
      ],
      overdueCount: 0,
      autonomy: {
        goalLevel: 3,
        consecutiveReviewsAtGoal: 0,
        trend: [{ reviewId: 'rev-0001', reviewedAt: '2026-04-01T10:00:00.000Z', level: 1 }],
      },
      knowledgeTransfer: { verifiedCascades: 0, reach: 0 },
      history: {
        phases: [
          { phase: 'agreement', since: '2026-01-12T10:00:00.000Z' },
          { phase: 'implementation', since: '2026-02-01T09:00:00.000Z' },
          { phase: 'follow-up', since: '2026-06-01T09:00:00.000Z' },
        ],
        appliedMessageCount: 17,
        continuedAsNewCount: 0,
        lastMessageAt: '2026-06-28T16:00:00.000Z',
      },
    };
    expect(EngagementStatusSchema.parse(status)).toEqual(status);
    expect(EngagementStatusSchema.safeParse({ ...status, phase: 'closed' }).success).toBe(false);
  });

  it('validates the reschedule update', () => {
    const { args, result } = WORKFLOW_UPDATES.rescheduleObligation;
    const request = {
      requestId: commandId,
      obligationId: 'obl-training-pi-2',
      dueAt: '2026-06-15T17:00:00.000Z',
      actor,
      reason: 'organisation-request',
    };
    expect(args.parse(request)).toEqual(request);
    expect(args.safeParse({ ...request, dueAt: 'next week' }).success).toBe(false);
    expect(
      result.safeParse({
        obligationId: 'obl-training-pi-2',
        previousDueAt: '2026-05-15T17:00:00.000Z',
        dueAt: '2026-06-15T17:00:00.000Z',
      }).success,
    ).toBe(true);
  });
});
