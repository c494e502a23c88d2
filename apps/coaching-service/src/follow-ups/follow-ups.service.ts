import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  FollowUpCancelledV1,
  FollowUpHeldV1,
  FollowUpMissedV1,
  FollowUpPlannedV1,
  SiteVisitCheckInConfirmedV1,
  SiteVisitCheckInDueV1,
  SiteVisitCheckInMissedV1,
  type Role,
} from '@trellis/contracts';
import {
  assertCheckInAllowed,
  assertOutcomeDate,
  assertTransition,
  confirmCheckIn,
  FollowUpRuleError,
  FollowUpTransitionError,
  type FollowUpOutcome,
} from '@trellis/coaching-domain';
import type { Principal } from '@trellis/platform-auth';
import { FieldCipher, type EncryptedField } from '@trellis/platform-crypto';
import { ApiError } from '@trellis/platform-http';
import {
  DataScope,
  InjectModel,
  ScopedRepository,
  VersionConflictError,
} from '@trellis/platform-mongo';
import { documentWithOutbox, withOutbox, type OutboxEvent } from '@trellis/platform-outbox';
import type { Model } from 'mongoose';
import { actorOf, dataScopeOf, isDefenderView, SERVICE_ACTOR, STAFF } from '../common/access';
import { outboxEvent } from '@trellis/platform-outbox';
import type { EngagementProjection } from '../engagements/engagement-projection.schema';
import { EngagementsService } from '../engagements/engagements.service';
import { NotificationsService } from '../notifications/notifications.service';
import {
  FOLLOW_UP_CONTEXTS,
  FOLLOW_UP_MODEL,
  type CancelFollowUp,
  type ConfirmCheckInInput,
  type FollowUpDocument,
  type FollowUpView,
  type HoldFollowUp,
  type MissFollowUp,
  type OpenCheckIn,
  type PlanFollowUp,
} from './follow-ups.schema';

const LIST_LIMIT = 200;
const ACTING: readonly Role[] = STAFF;

/**
 * Follow-ups of engagements and site-visit check-ins. Every change is written together with
 * its event (embedded outbox): planned, held (the orchestrator closes the obligation and plans
 * the next), missed, cancelled, check-in due / confirmed / missed.
 */
@Injectable()
export class FollowUpsService {
  private readonly repo: ScopedRepository<FollowUpDocument>;

  constructor(
    @InjectModel(FOLLOW_UP_MODEL) model: Model<FollowUpDocument>,
    private readonly engagements: EngagementsService,
    private readonly notifications: NotificationsService,
    private readonly cipher: FieldCipher,
  ) {
    this.repo = new ScopedRepository(
      model,
      { organisation: 'organisationId', unit: 'unitId' },
      { entity: 'FollowUp' },
    );
  }

  /** Plans a follow-up of an engagement the caller's unit holds (404 otherwise). */
  async plan(
    engagementId: string,
    input: PlanFollowUp,
    principal: Principal,
  ): Promise<FollowUpView> {
    const engagement = await this.engagements.accessible(principal, engagementId);
    const id = randomUUID();
    const assigneeId = input.assigneeId ?? engagement.leadOfficerId ?? principal.id;
    const event = outboxEvent(FollowUpPlannedV1, {
      actor: actorOf(principal, ACTING),
      ...envelopeScope(engagement),
      payload: {
        followUpId: id,
        kind: input.kind,
        ...(input.obligationId ? { obligationId: input.obligationId } : {}),
        assigneeId,
        dueAt: input.dueAt,
      },
    });
    const doc = {
      _id: id,
      engagementId,
      organisationId: engagement.organisationId,
      unitId: engagement.unitId,
      kind: input.kind,
      state: 'planned' as const,
      dueAt: new Date(input.dueAt),
      assigneeId,
      ...(input.obligationId ? { obligationId: input.obligationId } : {}),
      plannedBy: principal.id,
      nextActions: [],
    };
    const created = await this.repo.insert(
      DataScope.unit(engagement.unitId),
      documentWithOutbox(doc, [event]),
    );
    return this.view(created, principal);
  }

  /** The follow-ups of an engagement, by due date. */
  async list(engagementId: string, principal: Principal): Promise<FollowUpView[]> {
    await this.engagements.accessible(principal, engagementId);
    const docs = await this.repo.find(
      dataScopeOf(principal, 'list follow-ups'),
      { engagementId },
      { sort: { dueAt: 1 }, limit: LIST_LIMIT },
    );
    return Promise.all(docs.map((d) => this.view(d, principal)));
  }

  /** One follow-up in the caller's scope (404 otherwise). */
  async get(followUpId: string, principal: Principal): Promise<FollowUpView> {
    const doc = await this.repo.getById(dataScopeOf(principal, 'read follow-up'), followUpId);
    return this.view(doc, principal);
  }

  /** Records a held follow-up: notes and next actions encrypted; publishes `follow-up.held`. */
  async hold(followUpId: string, input: HoldFollowUp, principal: Principal): Promise<FollowUpView> {
    const scope = dataScopeOf(principal, 'hold follow-up');
    const current = await this.repo.getById(scope, followUpId);
    const heldAt = new Date(input.heldAt);
    this.checkOutcome(current, 'held', heldAt);
    const org = current.organisationId;
    const encrypt = (value: string | undefined, context: string) =>
      value === undefined ? Promise.resolve(undefined) : this.cipher.encrypt(org, value, context);
    const [notes, observedChange, obstacles] = await Promise.all([
      encrypt(input.notes, FOLLOW_UP_CONTEXTS.notes),
      encrypt(input.observedChange, FOLLOW_UP_CONTEXTS.observedChange),
      encrypt(input.obstacles, FOLLOW_UP_CONTEXTS.obstacles),
    ]);
    const nextActions = await Promise.all(
      input.nextActions.map(async (a) => ({
        actionId: randomUUID(),
        description: await this.cipher.encrypt(org, a.description, FOLLOW_UP_CONTEXTS.nextAction),
        ownerId: a.ownerId,
        dueDate: a.dueDate,
      })),
    );
    const event = outboxEvent(FollowUpHeldV1, {
      actor: actorOf(principal, ACTING),
      ...envelopeScope(current),
      payload: {
        ...followUpRef(current),
        heldAt: input.heldAt,
        behaviourChange: input.behaviourChange,
        nextActionCount: nextActions.length,
      },
    });
    const set = {
      state: 'held',
      heldAt,
      closedAt: new Date(),
      closedBy: principal.id,
      behaviourChange: input.behaviourChange,
      nextActions,
      ...(notes ? { notes } : {}),
      ...(observedChange ? { observedChange } : {}),
      ...(obstacles ? { obstacles } : {}),
    };
    return this.update(scope, current, input.version, set, event, principal);
  }

  /** Records a follow-up that did not take place (only once due). */
  async miss(followUpId: string, input: MissFollowUp, principal: Principal): Promise<FollowUpView> {
    const scope = dataScopeOf(principal, 'miss follow-up');
    const current = await this.repo.getById(scope, followUpId);
    this.checkOutcome(current, 'missed', new Date());
    const event = outboxEvent(FollowUpMissedV1, {
      actor: actorOf(principal, ACTING),
      ...envelopeScope(current),
      payload: { ...followUpRef(current), dueAt: current.dueAt.toISOString() },
    });
    const set = { state: 'missed', closedAt: new Date(), closedBy: principal.id };
    return this.update(scope, current, input.version, set, event, principal);
  }

  /** Cancels a planned follow-up with a reason. */
  async cancel(
    followUpId: string,
    input: CancelFollowUp,
    principal: Principal,
  ): Promise<FollowUpView> {
    const scope = dataScopeOf(principal, 'cancel follow-up');
    const current = await this.repo.getById(scope, followUpId);
    this.checkOutcome(current, 'cancelled', new Date());
    const event = outboxEvent(FollowUpCancelledV1, {
      actor: actorOf(principal, ACTING),
      ...envelopeScope(current),
      payload: { ...followUpRef(current), reason: input.reason },
    });
    const set = {
      state: 'cancelled',
      closedAt: new Date(),
      closedBy: principal.id,
      cancellationReason: input.reason,
    };
    return this.update(scope, current, input.version, set, event, principal);
  }

  /**
   * The officer leaves for a site visit and must confirm safe return by `checkInDueAt`
   * (publishes `site-visit.check-in-due`; the orchestrator may open an obligation for it).
   */
  async openCheckIn(
    followUpId: string,
    input: OpenCheckIn,
    principal: Principal,
  ): Promise<FollowUpView> {
    const scope = dataScopeOf(principal, 'open check-in');
    const current = await this.repo.getById(scope, followUpId);
    this.rule(() => assertCheckInAllowed(current.kind, current.state));
    if (current.checkIn && current.checkIn.state === 'open') {
      throw new ApiError('CONFLICT', 'A check-in is already open for this site visit.');
    }
    const dueAt = new Date(input.checkInDueAt);
    if (dueAt.getTime() <= Date.now()) {
      throw new ApiError('DATE_IN_THE_PAST', 'The safe-return deadline must lie in the future.', [
        { path: 'checkInDueAt', message: 'must lie in the future' },
      ]);
    }
    const checkInId = randomUUID();
    const event = outboxEvent(SiteVisitCheckInDueV1, {
      actor: actorOf(principal, ACTING),
      ...envelopeScope(current),
      payload: {
        followUpId: current._id,
        checkInId,
        officerId: current.assigneeId,
        checkInDueAt: input.checkInDueAt,
      },
    });
    const set = {
      checkIn: { checkInId, officerId: current.assigneeId, state: 'open', dueAt },
    };
    return this.update(scope, current, input.version, set, event, principal);
  }

  /** Safe return confirmed (by the officer or unit staff), late when after the deadline. */
  async confirmCheckIn(
    followUpId: string,
    input: ConfirmCheckInInput,
    principal: Principal,
  ): Promise<FollowUpView> {
    const scope = dataScopeOf(principal, 'confirm check-in');
    const current = await this.repo.getById(scope, followUpId);
    const checkIn = current.checkIn;
    if (!checkIn) throw new ApiError('CONFLICT', 'This follow-up has no check-in.');
    const now = new Date();
    const { late } = this.rule(() => confirmCheckIn(checkIn, now));
    const event = outboxEvent(SiteVisitCheckInConfirmedV1, {
      actor: actorOf(principal, ACTING),
      ...envelopeScope(current),
      payload: {
        followUpId: current._id,
        checkInId: checkIn.checkInId,
        officerId: checkIn.officerId,
        checkInDueAt: checkIn.dueAt.toISOString(),
        confirmedAt: now.toISOString(),
        late,
      },
    });
    const set = { 'checkIn.state': 'confirmed', 'checkIn.confirmedAt': now };
    return this.update(scope, current, input.version, set, event, principal);
  }

  /**
   * The check-in watchdog: every open check-in past its deadline alerts the engagement's
   * program manager (a `check-in-missed` notification, one per check-in — the reminders
   * escalation of the same check-in lands on the same notification) and publishes
   * `site-visit.check-in-missed`. Returns how many were raised.
   */
  async raiseMissedCheckIns(now = new Date()): Promise<number> {
    const scope = DataScope.all('check-in watchdog');
    const overdue = await this.repo.find(
      scope,
      { 'checkIn.state': 'open', 'checkIn.dueAt': { $lt: now } },
      { limit: 50 },
    );
    let raised = 0;
    for (const followUp of overdue) {
      const checkIn = followUp.checkIn;
      if (!checkIn) continue;
      const engagement = await this.engagements.find(followUp.engagementId);
      if (!engagement) continue;
      const event = outboxEvent(SiteVisitCheckInMissedV1, {
        actor: SERVICE_ACTOR,
        ...envelopeScope(followUp),
        payload: {
          followUpId: followUp._id,
          checkInId: checkIn.checkInId,
          officerId: checkIn.officerId,
          checkInDueAt: checkIn.dueAt.toISOString(),
          programManagerId: engagement.programManagerId,
        },
      });
      // Alert first (idempotent by check-in), then record: a crash in between alerts once.
      await this.notifications.notify({
        id: `check-in-missed:${checkIn.checkInId}`,
        recipientId: engagement.programManagerId,
        kind: 'check-in-missed',
        engagementId: followUp.engagementId,
        organisationId: followUp.organisationId,
        unitId: followUp.unitId,
        obligationKind: 'site-visit-check-in',
        subjectId: checkIn.checkInId,
        dueAt: checkIn.dueAt,
        sourceEventId: event.envelope.id,
      });
      try {
        await this.repo.updateOne(
          scope,
          { _id: followUp._id, 'checkIn.state': 'open' },
          followUp.__v,
          withOutbox({ $set: { 'checkIn.state': 'missed', 'checkIn.missedAt': now } }, [event]),
        );
        raised += 1;
      } catch (err) {
        if (!(err instanceof VersionConflictError)) throw err;
        // Changed meanwhile (confirmed, or another watchdog): looked at again next round.
      }
    }
    return raised;
  }

  /** Every follow-up of an engagement (the timeline; access checked by the caller). */
  ofEngagement(engagement: EngagementProjection, reason: string): Promise<FollowUpDocument[]> {
    return this.repo.find(
      DataScope.all(reason),
      { engagementId: engagement._id },
      { sort: { createdAt: 1 }, limit: 1000 },
    );
  }

  private checkOutcome(current: FollowUpDocument, outcome: FollowUpOutcome, at: Date): void {
    this.rule(() => {
      assertTransition(current.state, outcome);
      assertOutcomeDate(outcome, current.dueAt, at, new Date());
    });
  }

  /** Runs a domain rule, mapping its errors to HTTP errors. */
  private rule<T>(check: () => T): T {
    try {
      return check();
    } catch (err) {
      if (err instanceof FollowUpTransitionError) {
        throw new ApiError('INVALID_STATE_TRANSITION', err.message);
      }
      if (err instanceof FollowUpRuleError) {
        throw new ApiError('VALIDATION_FAILED', err.message, [
          { path: err.field, message: err.message },
        ]);
      }
      throw err;
    }
  }

  private async update(
    scope: DataScope,
    current: FollowUpDocument,
    version: number,
    set: Record<string, unknown>,
    event: OutboxEvent,
    principal: Principal,
  ): Promise<FollowUpView> {
    const updated = await this.repo.updateById(
      scope,
      current._id,
      version,
      withOutbox({ $set: set }, [event]),
    );
    return this.view(updated, principal);
  }

  /** The API view: decrypted text; the officers' internal notes never for defender users. */
  async view(doc: FollowUpDocument, principal: Principal): Promise<FollowUpView> {
    const org = doc.organisationId;
    const decrypt = (field: EncryptedField | undefined, context: string) =>
      field ? this.cipher.decrypt(org, field, context) : Promise.resolve(undefined);
    const defender = isDefenderView(principal);
    const [notes, observedChange, obstacles] = await Promise.all([
      defender ? undefined : decrypt(doc.notes, FOLLOW_UP_CONTEXTS.notes),
      decrypt(doc.observedChange, FOLLOW_UP_CONTEXTS.observedChange),
      decrypt(doc.obstacles, FOLLOW_UP_CONTEXTS.obstacles),
    ]);
    const nextActions = await Promise.all(
      (doc.nextActions ?? []).map(async (a) => ({
        actionId: a.actionId,
        description: await this.cipher.decrypt(org, a.description, FOLLOW_UP_CONTEXTS.nextAction),
        ownerId: a.ownerId,
        dueDate: a.dueDate,
      })),
    );
    const c = doc.checkIn;
    return {
      id: doc._id,
      engagementId: doc.engagementId,
      kind: doc.kind,
      state: doc.state,
      dueAt: doc.dueAt.toISOString(),
      assigneeId: doc.assigneeId,
      ...(doc.obligationId ? { obligationId: doc.obligationId } : {}),
      ...(doc.heldAt ? { heldAt: doc.heldAt.toISOString() } : {}),
      ...(doc.closedAt ? { closedAt: doc.closedAt.toISOString() } : {}),
      ...(doc.behaviourChange ? { behaviourChange: doc.behaviourChange } : {}),
      ...(notes !== undefined ? { notes } : {}),
      ...(observedChange !== undefined ? { observedChange } : {}),
      ...(obstacles !== undefined ? { obstacles } : {}),
      nextActions,
      ...(doc.cancellationReason ? { cancellationReason: doc.cancellationReason } : {}),
      ...(c
        ? {
            checkIn: {
              checkInId: c.checkInId,
              officerId: c.officerId,
              state: c.state,
              dueAt: c.dueAt.toISOString(),
              ...(c.confirmedAt ? { confirmedAt: c.confirmedAt.toISOString() } : {}),
              ...(c.missedAt ? { missedAt: c.missedAt.toISOString() } : {}),
            },
          }
        : {}),
      version: doc.__v,
      createdAt: doc.createdAt.toISOString(),
    };
  }
}

/** The envelope scope of an event about an engagement or one of its records. */
function envelopeScope(record: {
  engagementId?: string;
  _id: string;
  organisationId: string;
  unitId: string;
}): { engagementId: string; organisationId: string; unitId: string } {
  return {
    engagementId: record.engagementId ?? record._id,
    organisationId: record.organisationId,
    unitId: record.unitId,
  };
}

function followUpRef(doc: FollowUpDocument): {
  followUpId: string;
  kind: FollowUpDocument['kind'];
  obligationId?: string;
} {
  return {
    followUpId: doc._id,
    kind: doc.kind,
    ...(doc.obligationId ? { obligationId: doc.obligationId } : {}),
  };
}
