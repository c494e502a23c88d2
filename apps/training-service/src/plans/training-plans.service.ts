import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  TrainingPlanCreatedV1,
  TrainingPlanRevisedV1,
  type Actor,
  type AgreementActivatedV1,
  type AgreementAmendedV1,
  type EventOf,
  type TrainingLevel,
  type TrainingPlanItem,
} from '@trellis/contracts';
import type { Principal } from '@trellis/platform-auth';
import { DataScope, InjectModel, NotFoundError, ScopedRepository } from '@trellis/platform-mongo';
import { documentWithOutbox, withOutbox, type OutboxEvent } from '@trellis/platform-outbox';
import { adaptLevel, organisationLevel } from '@trellis/training-domain';
import type { Model } from 'mongoose';
import { actorOf, dataScopeOf, SERVICE_ACTOR, STAFF } from '../common/access';
import { outboxEvent } from '@trellis/platform-outbox';
import { KnownEngagementsService } from '../engagements/known-engagements.service';
import { SESSION_MODEL, type SessionDocument } from '../sessions/sessions.schema';
import { CatalogueService } from '../catalogue/catalogue.service';
import {
  TRAINING_PLAN_MODEL,
  type AdjustPlanItem,
  type StoredPlanItem,
  type TrainingPlanDocument,
  type TrainingPlanView,
} from './training-plans.schema';

const FIELDS = { organisation: 'organisationId', unit: 'unitId' } as const;

/**
 * Training plans: one per engagement, created from `engagement.agreement.activated` (the
 * agreement's training plan items, each level adapted to the organisation's baseline), replaced
 * by amendments, adjusted by staff, and raised as held sessions show progress. Every change is
 * published (`training.plan.created`, `training.plan.revised` with the full item list).
 */
@Injectable()
export class TrainingPlansService {
  private readonly repo: ScopedRepository<TrainingPlanDocument>;

  constructor(
    @InjectModel(TRAINING_PLAN_MODEL) private readonly model: Model<TrainingPlanDocument>,
    @InjectModel(SESSION_MODEL) private readonly sessions: Model<SessionDocument>,
    private readonly engagements: KnownEngagementsService,
    private readonly catalogue: CatalogueService,
  ) {
    this.repo = new ScopedRepository(model, FIELDS, { entity: 'TrainingPlan' });
  }

  /**
   * Creates the plan from the activated agreement; nothing when the engagement already has one
   * (a redelivered or replayed event) or is unknown (its created event comes first on the same
   * partition, so that means it was never created).
   */
  async createFromAgreement(event: EventOf<typeof AgreementActivatedV1>): Promise<void> {
    const engagement = await this.engagements.find(event.engagementId);
    if (!engagement) return;
    if (await this.model.exists({ engagementId: event.engagementId })) return;
    const level = await this.organisationLevelOf(event.engagementId, engagement.baselineLevel);
    const items = event.payload.terms.trainingPlan.items.map((i) => this.fromTerms(i, level));
    const id = randomUUID();
    const owner = {
      engagementId: engagement._id,
      organisationId: engagement.organisationId,
      unitId: engagement.unitId,
    };
    const doc = {
      _id: id,
      ...owner,
      agreementId: event.payload.agreementId,
      agreementVersion: event.payload.agreementVersion,
      revision: 1,
      items,
    };
    const created = outboxEvent(TrainingPlanCreatedV1, {
      actor: SERVICE_ACTOR,
      ...owner,
      ...(event.correlationId ? { correlationId: event.correlationId } : {}),
      payload: {
        trainingPlanId: id,
        agreementId: doc.agreementId,
        agreementVersion: doc.agreementVersion,
        items: items.map(toContract),
      },
    });
    try {
      await this.model.create(documentWithOutbox(doc, [created]));
    } catch (err) {
      // A concurrent delivery created it first (unique engagementId): nothing to do.
      if ((err as { code?: number }).code !== 11000) throw err;
    }
  }

  /**
   * Replaces the items with an amended agreement's training plan (a newer agreement version
   * whose training plan changed); an item kept by id keeps a level already raised.
   */
  async reviseFromAmendment(event: EventOf<typeof AgreementAmendedV1>): Promise<void> {
    const plan = await this.model
      .findOne({ engagementId: event.engagementId })
      .lean<TrainingPlanDocument>();
    if (!plan || plan.agreementVersion >= event.payload.agreementVersion) return;
    if (!event.payload.changedSections.includes('training-plan')) {
      // Other sections changed: the items stay; only the version they belong to moves on.
      await this.model.updateOne(
        { _id: plan._id, __v: plan.__v },
        { $set: { agreementVersion: event.payload.agreementVersion }, $inc: { __v: 1 } },
      );
      return;
    }
    const engagement = await this.engagements.find(event.engagementId);
    const level = await this.organisationLevelOf(event.engagementId, engagement?.baselineLevel);
    const current = new Map(plan.items.map((i) => [i.planItemId, i.level]));
    const items = event.payload.terms.trainingPlan.items.map((i) =>
      this.fromTerms(i, level, current.get(i.planItemId)),
    );
    await this.revise(plan, items, SERVICE_ACTOR, event.payload.agreementVersion);
  }

  /** Staff adjust one item (level, due instant, modules). */
  async adjust(
    planId: string,
    planItemId: string,
    input: AdjustPlanItem,
    principal: Principal,
  ): Promise<TrainingPlanView> {
    const scope = dataScopeOf(principal, 'adjust training plan');
    const plan = await this.repo.getById(scope, planId);
    const index = plan.items.findIndex((i) => i.planItemId === planItemId);
    const item = plan.items[index];
    if (!item) throw new NotFoundError('TrainingPlan');
    if (input.moduleIds) this.catalogue.trainingModules(input.moduleIds, 'moduleIds');
    const items = plan.items.map((i, n) =>
      n === index
        ? {
            ...i,
            ...(input.level ? { level: input.level } : {}),
            ...(input.dueAt ? { dueAt: new Date(input.dueAt) } : {}),
            ...(input.moduleIds ? { moduleIds: input.moduleIds } : {}),
          }
        : i,
    );
    const updated = await this.revise(
      { ...plan, __v: input.version },
      items,
      actorOf(principal, STAFF),
      plan.agreementVersion,
      scope,
    );
    return this.view(updated);
  }

  /**
   * Raises the items' levels to the organisation's current level (after a session was held);
   * publishes a revision only when a level changed.
   */
  async raiseLevels(engagementId: string, actor: Actor): Promise<void> {
    const plan = await this.model.findOne({ engagementId }).lean<TrainingPlanDocument>();
    if (!plan) return;
    const engagement = await this.engagements.find(engagementId);
    const level = await this.organisationLevelOf(engagementId, engagement?.baselineLevel);
    const items = plan.items.map((i) => ({
      ...i,
      level: adaptLevel({ agreed: i.level, organisation: level, current: i.level }),
    }));
    if (items.every((i, n) => i.level === plan.items[n]?.level)) return;
    await this.revise(plan, items, actor, plan.agreementVersion);
  }

  /** The engagement's plan (404 when it has none or it is out of scope). */
  async forEngagement(engagementId: string, principal: Principal): Promise<TrainingPlanView> {
    const scope = dataScopeOf(principal, 'read training plan');
    const plan = await this.repo.findOne(scope, { engagementId });
    if (!plan) throw new NotFoundError('TrainingPlan');
    return this.view(plan);
  }

  /** One plan in the caller's scope. */
  async get(planId: string, principal: Principal): Promise<TrainingPlanView> {
    return this.view(await this.repo.getById(dataScopeOf(principal, 'read training plan'), planId));
  }

  /** The plan item of an engagement, or undefined. */
  async planItem(engagementId: string, planItemId: string): Promise<StoredPlanItem | undefined> {
    const plan = await this.model.findOne({ engagementId }).lean<TrainingPlanDocument>();
    return plan?.items.find((i) => i.planItemId === planItemId);
  }

  /** The organisation's current level: its baseline raised by its held sessions. */
  async organisationLevelOf(
    engagementId: string,
    baseline: TrainingLevel | undefined,
  ): Promise<TrainingLevel> {
    const held = await this.sessions
      .find({ engagementId, status: 'held' }, { level: 1, knowledge: 1 })
      .lean<Pick<SessionDocument, 'level' | 'knowledge'>[]>();
    return organisationLevel(
      baseline,
      held.map((s) => ({
        level: s.level,
        averagePostScore: s.knowledge?.averagePostScore ?? null,
      })),
    );
  }

  private fromTerms(
    item: TrainingPlanItem,
    organisation: TrainingLevel,
    current?: TrainingLevel,
  ): StoredPlanItem {
    return {
      planItemId: item.planItemId,
      moduleIds: [...item.moduleIds],
      agreedLevel: item.level,
      level: adaptLevel({ agreed: item.level, organisation, current }),
      dueAt: new Date(item.dueAt),
    };
  }

  private async revise(
    plan: TrainingPlanDocument,
    items: StoredPlanItem[],
    actor: Actor,
    agreementVersion: number,
    scope: DataScope = DataScope.all('training-service plan revision'),
  ): Promise<TrainingPlanDocument> {
    const revision = plan.revision + 1;
    const event: OutboxEvent = outboxEvent(TrainingPlanRevisedV1, {
      actor,
      engagementId: plan.engagementId,
      organisationId: plan.organisationId,
      unitId: plan.unitId,
      payload: {
        trainingPlanId: plan._id,
        revision,
        agreementVersion,
        items: items.map(toContract),
      },
    });
    return this.repo.updateById(
      scope,
      plan._id,
      plan.__v,
      withOutbox({ $set: { items, revision, agreementVersion } }, [event]),
    );
  }

  private async view(plan: TrainingPlanDocument): Promise<TrainingPlanView> {
    const engagement = await this.engagements.find(plan.engagementId);
    const baseline = engagement?.baselineLevel;
    return {
      id: plan._id,
      engagementId: plan.engagementId,
      organisationId: plan.organisationId,
      unitId: plan.unitId,
      agreementId: plan.agreementId,
      agreementVersion: plan.agreementVersion,
      revision: plan.revision,
      baselineLevel: baseline ?? null,
      organisationLevel: await this.organisationLevelOf(plan.engagementId, baseline),
      items: plan.items.map((i) => ({ ...toContract(i), agreedLevel: i.agreedLevel })),
      version: plan.__v,
    };
  }
}

function toContract(item: StoredPlanItem): TrainingPlanItem {
  return {
    planItemId: item.planItemId,
    moduleIds: [...item.moduleIds],
    level: item.level,
    dueAt: item.dueAt.toISOString(),
  };
}
