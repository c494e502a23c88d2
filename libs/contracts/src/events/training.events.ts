import { z } from 'zod';
import {
  CancellationReasonSchema,
  CascadeAudienceTypeSchema,
  CatalogueRefSchema,
  CountSchema,
  IdSchema,
  IsoDateTimeSchema,
  KnowledgeGainSchema,
  SessionModeSchema,
  TrainingLevelSchema,
  uniqueList,
} from '../domain-values';
import { defineEvent } from '../event-definition';
import { TOPICS } from '../topics';
import { TrainingPlanItemsSchema } from './engagement.events';

/*
 * Training context (training-service): training plans, sessions, attendance, knowledge checks,
 * cascade trainings. Participants are pseudonymous and appear only as counts here; facilitator
 * notes stay in the service.
 */

const topic = TOPICS.training;
const producer = 'training-service';
const aggregate = 'engagementId';

const ModuleIdsSchema = uniqueList(CatalogueRefSchema).min(1);

export const TrainingPlanCreatedV1 = defineEvent({
  type: 'training.plan.created',
  version: 1,
  topic,
  aggregate,
  producer,
  description:
    "The engagement's training plan was created from the active agreement: planned items with modules, level (adapted to the baseline) and due instant.",
  payload: z.strictObject({
    trainingPlanId: IdSchema,
    agreementId: IdSchema,
    agreementVersion: z.int().min(1),
    items: TrainingPlanItemsSchema,
  }),
});

export const TrainingPlanRevisedV1 = defineEvent({
  type: 'training.plan.revised',
  version: 1,
  topic,
  aggregate,
  producer,
  description:
    'The training plan changed (amended agreement, level raised as the organisation progresses, prerequisite override); the payload is the full new list of items.',
  payload: z.strictObject({
    trainingPlanId: IdSchema,
    revision: z.int().min(2),
    agreementVersion: z.int().min(1),
    items: TrainingPlanItemsSchema,
  }),
});

const sessionSlot = {
  startsAt: IsoDateTimeSchema,
  endsAt: IsoDateTimeSchema,
};

function endsAfterStart(p: { startsAt: string; endsAt: string }, ctx: z.RefinementCtx): void {
  if (Date.parse(p.endsAt) <= Date.parse(p.startsAt)) {
    ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
  }
}

export const SessionScheduledV1 = defineEvent({
  type: 'training.session.scheduled',
  version: 1,
  topic,
  aggregate,
  producer,
  description: 'A training session was scheduled, for a plan item or as an extra session.',
  payload: z
    .strictObject({
      sessionId: IdSchema,
      planItemId: IdSchema.optional(),
      moduleIds: ModuleIdsSchema,
      level: TrainingLevelSchema,
      mode: SessionModeSchema,
      facilitatorId: IdSchema,
      ...sessionSlot,
    })
    .superRefine(endsAfterStart),
});

export const SessionRescheduledV1 = defineEvent({
  type: 'training.session.rescheduled',
  version: 1,
  topic,
  aggregate,
  producer,
  description: 'A scheduled session moved to another time slot.',
  payload: z
    .strictObject({
      sessionId: IdSchema,
      planItemId: IdSchema.optional(),
      previousStartsAt: IsoDateTimeSchema,
      ...sessionSlot,
    })
    .superRefine(endsAfterStart),
});

export const SessionHeldV1 = defineEvent({
  type: 'training.session.held',
  version: 1,
  topic,
  aggregate,
  producer,
  description:
    'A session took place. participantCount = registered pseudonymous participants, attendanceCount = those present; averageKnowledgeGain = mean (post − pre) knowledge-check score in percentage points, null without checks. The orchestrator closes the matching training obligation.',
  payload: z
    .strictObject({
      sessionId: IdSchema,
      planItemId: IdSchema.optional(),
      moduleIds: ModuleIdsSchema,
      level: TrainingLevelSchema,
      mode: SessionModeSchema,
      facilitatorId: IdSchema,
      heldAt: IsoDateTimeSchema,
      participantCount: CountSchema,
      attendanceCount: CountSchema,
      knowledgeCheckCount: CountSchema,
      averageKnowledgeGain: KnowledgeGainSchema.nullable(),
    })
    .superRefine((p, ctx) => {
      if (p.attendanceCount > p.participantCount) {
        ctx.addIssue({
          code: 'custom',
          path: ['attendanceCount'],
          message: 'must not exceed participantCount',
        });
      }
      if (p.knowledgeCheckCount > p.attendanceCount) {
        ctx.addIssue({
          code: 'custom',
          path: ['knowledgeCheckCount'],
          message: 'must not exceed attendanceCount',
        });
      }
      if ((p.knowledgeCheckCount === 0) !== (p.averageKnowledgeGain === null)) {
        ctx.addIssue({
          code: 'custom',
          path: ['averageKnowledgeGain'],
          message: 'must be null exactly when knowledgeCheckCount is 0',
        });
      }
    }),
});

export const SessionCancelledV1 = defineEvent({
  type: 'training.session.cancelled',
  version: 1,
  topic,
  aggregate,
  producer,
  description: 'A scheduled session was cancelled; its plan item (if any) stays open.',
  payload: z.strictObject({
    sessionId: IdSchema,
    planItemId: IdSchema.optional(),
    reason: CancellationReasonSchema,
  }),
});

/**
 * A cascade in the knowledge-transfer tree. Generation 1 is training by the protection
 * organisation (sessions); a cascade delivered by the organisation's trained people is
 * generation 2 and has no parent cascade; one delivered by people trained in a cascade is the
 * parent's generation + 1 and names its parent.
 */
const cascadeShape = {
  cascadeId: IdSchema,
  parentCascadeId: IdSchema.optional(),
  generation: z.int().min(2),
  audienceType: CascadeAudienceTypeSchema,
  reachCount: z.int().min(1),
  moduleIds: ModuleIdsSchema,
};

function parentMatchesGeneration(
  p: { generation: number; parentCascadeId?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if ((p.generation === 2) !== (p.parentCascadeId === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['parentCascadeId'],
      message: 'is required from generation 3 and absent in generation 2',
    });
  }
}

export const CascadeRecordedV1 = defineEvent({
  type: 'training.cascade.recorded',
  version: 1,
  topic,
  aggregate,
  producer,
  description:
    'The organisation recorded a training it delivered to others (audience type, reach, modules, generation); it counts once an officer verifies it.',
  payload: z
    .strictObject({
      ...cascadeShape,
      deliveredAt: IsoDateTimeSchema,
      /** Our sessions the trainers of a generation-2 cascade were trained in. */
      trainerSessionIds: uniqueList(IdSchema),
    })
    .superRefine(parentMatchesGeneration),
});

export const CascadeVerifiedV1 = defineEvent({
  type: 'training.cascade.verified',
  version: 1,
  topic,
  aggregate,
  producer,
  description:
    'An officer verified a recorded cascade training; reporting counts its reach, the orchestrator its progress towards the knowledge-transfer target.',
  payload: z
    .strictObject({ ...cascadeShape, deliveredAt: IsoDateTimeSchema, verifiedBy: IdSchema })
    .superRefine(parentMatchesGeneration),
});

/** Every training-context event definition. */
export const trainingEvents = [
  TrainingPlanCreatedV1,
  TrainingPlanRevisedV1,
  SessionScheduledV1,
  SessionRescheduledV1,
  SessionHeldV1,
  SessionCancelledV1,
  CascadeRecordedV1,
  CascadeVerifiedV1,
] as const;
