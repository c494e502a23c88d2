import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  SessionCancelledV1,
  SessionHeldV1,
  SessionRescheduledV1,
  SessionScheduledV1,
} from '@trellis/contracts';
import { forbidden, type Principal } from '@trellis/platform-auth';
import { FieldCipher } from '@trellis/platform-crypto';
import { ApiError, ValidationFailedError, type FieldError } from '@trellis/platform-http';
import { InjectModel, ScopedRepository } from '@trellis/platform-mongo';
import { documentWithOutbox, withOutbox } from '@trellis/platform-outbox';
import { missingPrerequisites, participantGain, sessionKnowledge } from '@trellis/training-domain';
import type { Model } from 'mongoose';
import { CatalogueService } from '../catalogue/catalogue.service';
import {
  actorOf,
  dataScopeOf,
  holdsRole,
  isDefenderView,
  OVERRIDERS,
  STAFF,
} from '../common/access';
import { outboxEvent } from '@trellis/platform-outbox';
import { LIST_LIMIT } from '../common/http';
import { KnownEngagementsService } from '../engagements/known-engagements.service';
import { TrainingPlansService } from '../plans/training-plans.service';
import {
  SESSION_FIELD_CONTEXT,
  SESSION_MODEL,
  type CancelSession,
  type HoldSession,
  type ParticipantsUpdate,
  type RescheduleSession,
  type ScheduleSession,
  type SessionDocument,
  type SessionView,
  type StoredAttendance,
} from './sessions.schema';

/** How far in the future a held session's time may lie (clock skew), in milliseconds. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Training sessions: scheduled (in the future, the facilitator free, prerequisites met or
 * overridden by a program manager), rescheduled, held (attendance of registered pseudonymous
 * participants with knowledge checks, encrypted facilitator notes) or cancelled. Each step is
 * published on `trellis.training.v1`; holding one also raises the plan's levels when the
 * organisation progressed.
 */
@Injectable()
export class SessionsService {
  private readonly repo: ScopedRepository<SessionDocument>;

  constructor(
    @InjectModel(SESSION_MODEL) private readonly model: Model<SessionDocument>,
    private readonly cipher: FieldCipher,
    private readonly engagements: KnownEngagementsService,
    private readonly plans: TrainingPlansService,
    private readonly catalogue: CatalogueService,
  ) {
    this.repo = new ScopedRepository(
      model,
      { organisation: 'organisationId', unit: 'unitId' },
      { entity: 'TrainingSession' },
    );
  }

  /** Schedules a session for a plan item or as an extra one. */
  async schedule(input: ScheduleSession, principal: Principal): Promise<SessionView> {
    const scope = dataScopeOf(principal, 'schedule session');
    const owner = await this.engagements.resolve(principal, input.engagementId);
    let moduleIds = input.moduleIds;
    let level = input.level;
    if (input.planItemId !== undefined) {
      const item = await this.plans.planItem(owner.engagementId, input.planItemId);
      if (!item) {
        throw new ValidationFailedError([
          { path: 'planItemId', message: "is no item of the engagement's training plan" },
        ]);
      }
      moduleIds ??= item.moduleIds;
      level ??= item.level;
    }
    if (!moduleIds || !level) {
      throw new ValidationFailedError([
        { path: moduleIds ? 'level' : 'moduleIds', message: 'is required without a planItemId' },
      ]);
    }
    this.catalogue.trainingModules(moduleIds, 'moduleIds');
    const startsAt = new Date(input.startsAt);
    const endsAt = new Date(input.endsAt);
    assertFuture(startsAt);
    const id = randomUUID();
    await this.assertFacilitatorFree(input.facilitatorId, startsAt, endsAt, id);
    const missing = await this.missing(owner.engagementId, moduleIds, startsAt, id);
    if (missing.length > 0 || input.prerequisiteOverride) {
      if (input.prerequisiteOverride && !holdsRole(principal, OVERRIDERS)) {
        throw forbidden('only a program manager may override prerequisites');
      }
      if (missing.length > 0 && !input.prerequisiteOverride) throw prerequisiteError(missing);
    }
    const doc: Partial<SessionDocument> = {
      _id: id,
      ...owner,
      ...(input.planItemId ? { planItemId: input.planItemId } : {}),
      moduleIds,
      level,
      mode: input.mode,
      facilitatorId: input.facilitatorId,
      startsAt,
      endsAt,
      status: 'scheduled',
      participants: input.participants,
      ...(input.prerequisiteOverride
        ? { prerequisiteOverride: { by: principal.id, reason: input.prerequisiteOverride.reason } }
        : {}),
      attendance: [],
      scheduledBy: principal.id,
    };
    const event = outboxEvent(SessionScheduledV1, {
      actor: actorOf(principal, STAFF),
      ...owner,
      payload: {
        sessionId: id,
        ...(input.planItemId ? { planItemId: input.planItemId } : {}),
        moduleIds,
        level,
        mode: input.mode,
        facilitatorId: input.facilitatorId,
        startsAt: startsAt.toISOString(),
        endsAt: endsAt.toISOString(),
      },
    });
    return this.view(await this.repo.insert(scope, documentWithOutbox(doc, [event])), principal);
  }

  /** Moves a scheduled session to another (future, free) slot. */
  async reschedule(
    sessionId: string,
    input: RescheduleSession,
    principal: Principal,
  ): Promise<SessionView> {
    const scope = dataScopeOf(principal, 'reschedule session');
    const session = await this.scheduled(sessionId, principal);
    const startsAt = new Date(input.startsAt);
    const endsAt = new Date(input.endsAt);
    assertFuture(startsAt);
    await this.assertFacilitatorFree(session.facilitatorId, startsAt, endsAt, session._id);
    if (!session.prerequisiteOverride) {
      const missing = await this.missing(
        session.engagementId,
        session.moduleIds,
        startsAt,
        session._id,
      );
      if (missing.length > 0) throw prerequisiteError(missing);
    }
    const event = outboxEvent(SessionRescheduledV1, {
      actor: actorOf(principal, STAFF),
      ...ownerOf(session),
      payload: {
        sessionId: session._id,
        ...(session.planItemId ? { planItemId: session.planItemId } : {}),
        previousStartsAt: session.startsAt.toISOString(),
        startsAt: startsAt.toISOString(),
        endsAt: endsAt.toISOString(),
      },
    });
    const updated = await this.repo.updateById(
      scope,
      session._id,
      input.version,
      withOutbox({ $set: { startsAt, endsAt } }, [event]),
    );
    return this.view(updated, principal);
  }

  /** Replaces the roster of pseudonymous participants of a scheduled session. */
  async setParticipants(
    sessionId: string,
    input: ParticipantsUpdate,
    principal: Principal,
  ): Promise<SessionView> {
    const scope = dataScopeOf(principal, 'register participants');
    const session = await this.scheduled(sessionId, principal);
    const updated = await this.repo.updateById(scope, session._id, input.version, {
      $set: { participants: input.participants },
    });
    return this.view(updated, principal);
  }

  /** Records that a session took place; publishes `training.session.held`. */
  async hold(sessionId: string, input: HoldSession, principal: Principal): Promise<SessionView> {
    const scope = dataScopeOf(principal, 'hold session');
    const session = await this.scheduled(sessionId, principal);
    const heldAt = input.heldAt ? new Date(input.heldAt) : new Date();
    if (heldAt.getTime() > Date.now() + CLOCK_SKEW_MS) {
      throw new ValidationFailedError([{ path: 'heldAt', message: 'must not lie in the future' }]);
    }
    const registered = new Set(session.participants.map((p) => p.participantId));
    const unknown: FieldError[] = [];
    const invalid: FieldError[] = [];
    input.attendance.forEach((a, i) => {
      if (!registered.has(a.participantId)) {
        unknown.push({
          path: `attendance.${i}.participantId`,
          message: 'is no participant of the session',
        });
      } else if (!a.present && (a.preScore !== undefined || a.postScore !== undefined)) {
        invalid.push({ path: `attendance.${i}`, message: 'an absent participant has no scores' });
      }
    });
    if (unknown.length > 0) {
      throw new ApiError(
        'UNKNOWN_PARTICIPANT',
        'Attendance names a participant the session does not have.',
        unknown,
      );
    }
    if (invalid.length > 0) throw new ValidationFailedError(invalid);
    const attendance: StoredAttendance[] = input.attendance.map((a) => ({
      participantId: a.participantId,
      present: a.present,
      ...(a.preScore !== undefined ? { preScore: a.preScore } : {}),
      ...(a.postScore !== undefined ? { postScore: a.postScore } : {}),
      ...(a.preScore !== undefined && a.postScore !== undefined
        ? { gain: participantGain(a.preScore, a.postScore) }
        : {}),
    }));
    const present = attendance.filter((a) => a.present);
    const knowledge = sessionKnowledge(present);
    const actor = actorOf(principal, STAFF);
    const event = outboxEvent(SessionHeldV1, {
      actor,
      ...ownerOf(session),
      payload: {
        sessionId: session._id,
        ...(session.planItemId ? { planItemId: session.planItemId } : {}),
        moduleIds: session.moduleIds,
        level: session.level,
        mode: session.mode,
        facilitatorId: session.facilitatorId,
        heldAt: heldAt.toISOString(),
        participantCount: session.participants.length,
        attendanceCount: present.length,
        knowledgeCheckCount: knowledge.knowledgeCheckCount,
        averageKnowledgeGain: knowledge.averageKnowledgeGain,
      },
    });
    const notes = input.notes
      ? await this.cipher.encrypt(session.organisationId, input.notes, SESSION_FIELD_CONTEXT.notes)
      : undefined;
    const updated = await this.repo.updateById(
      scope,
      session._id,
      input.version,
      withOutbox(
        { $set: { status: 'held', heldAt, attendance, knowledge, ...(notes ? { notes } : {}) } },
        [event],
      ),
    );
    await this.plans.raiseLevels(session.engagementId, actor);
    return this.view(updated, principal);
  }

  /** Cancels a scheduled session; its plan item stays open. */
  async cancel(
    sessionId: string,
    input: CancelSession,
    principal: Principal,
  ): Promise<SessionView> {
    const scope = dataScopeOf(principal, 'cancel session');
    const session = await this.scheduled(sessionId, principal);
    const event = outboxEvent(SessionCancelledV1, {
      actor: actorOf(principal, STAFF),
      ...ownerOf(session),
      payload: {
        sessionId: session._id,
        ...(session.planItemId ? { planItemId: session.planItemId } : {}),
        reason: input.reason,
      },
    });
    const updated = await this.repo.updateById(
      scope,
      session._id,
      input.version,
      withOutbox(
        {
          $set: {
            status: 'cancelled',
            cancellation: { reason: input.reason, by: principal.id, at: new Date() },
          },
        },
        [event],
      ),
    );
    return this.view(updated, principal);
  }

  /** The sessions of an engagement, by start. */
  async list(engagementId: string, principal: Principal): Promise<SessionView[]> {
    const docs = await this.repo.find(
      dataScopeOf(principal, 'list sessions'),
      { engagementId },
      { sort: { startsAt: 1 }, limit: LIST_LIMIT },
    );
    return Promise.all(docs.map((d) => this.view(d, principal)));
  }

  /** One session in the caller's scope; 404 otherwise. */
  async get(sessionId: string, principal: Principal): Promise<SessionView> {
    const doc = await this.repo.getById(dataScopeOf(principal, 'read session'), sessionId);
    return this.view(doc, principal);
  }

  private async scheduled(sessionId: string, principal: Principal): Promise<SessionDocument> {
    const session = await this.repo.getById(dataScopeOf(principal, 'read session'), sessionId);
    if (session.status !== 'scheduled') {
      throw new ApiError('INVALID_STATE_TRANSITION', `The session is already ${session.status}.`);
    }
    return session;
  }

  /** 409 `SCHEDULE_CONFLICT` when the facilitator has another scheduled session in the slot. */
  private async assertFacilitatorFree(
    facilitatorId: string,
    startsAt: Date,
    endsAt: Date,
    sessionId: string,
  ): Promise<void> {
    const clash = await this.model.exists({
      facilitatorId,
      status: 'scheduled',
      _id: { $ne: sessionId },
      startsAt: { $lt: endsAt },
      endsAt: { $gt: startsAt },
    });
    if (clash) {
      throw new ApiError(
        'SCHEDULE_CONFLICT',
        'The facilitator already has a session at that time.',
        [{ path: 'startsAt', message: 'overlaps another session of the facilitator' }],
      );
    }
  }

  private async missing(
    engagementId: string,
    moduleIds: readonly string[],
    startsAt: Date,
    sessionId: string,
  ): Promise<string[]> {
    const prior = await this.model
      .find({ engagementId, _id: { $ne: sessionId }, status: { $in: ['scheduled', 'held'] } })
      .lean<SessionDocument[]>();
    return missingPrerequisites(moduleIds, startsAt, prior);
  }

  private async view(doc: SessionDocument, principal: Principal): Promise<SessionView> {
    const view: SessionView = {
      id: doc._id,
      engagementId: doc.engagementId,
      organisationId: doc.organisationId,
      unitId: doc.unitId,
      planItemId: doc.planItemId ?? null,
      moduleIds: doc.moduleIds,
      level: doc.level,
      mode: doc.mode,
      facilitatorId: doc.facilitatorId,
      startsAt: doc.startsAt.toISOString(),
      endsAt: doc.endsAt.toISOString(),
      status: doc.status,
      participants: doc.participants.map((p) => ({
        participantId: p.participantId,
        role: p.role,
        ...(p.gender ? { gender: p.gender } : {}),
      })),
      prerequisiteOverride: doc.prerequisiteOverride
        ? { by: doc.prerequisiteOverride.by, reason: doc.prerequisiteOverride.reason }
        : null,
      heldAt: doc.heldAt?.toISOString() ?? null,
      attendance: doc.attendance.map((a) => ({
        participantId: a.participantId,
        present: a.present,
        ...(a.preScore !== undefined && a.preScore !== null ? { preScore: a.preScore } : {}),
        ...(a.postScore !== undefined && a.postScore !== null ? { postScore: a.postScore } : {}),
        ...(a.gain !== undefined && a.gain !== null ? { gain: a.gain } : {}),
      })),
      knowledge: doc.knowledge
        ? {
            knowledgeCheckCount: doc.knowledge.knowledgeCheckCount,
            averageKnowledgeGain: doc.knowledge.averageKnowledgeGain ?? null,
            averagePreScore: doc.knowledge.averagePreScore ?? null,
            averagePostScore: doc.knowledge.averagePostScore ?? null,
          }
        : null,
      cancellation: doc.cancellation
        ? {
            reason: doc.cancellation.reason,
            by: doc.cancellation.by,
            at: doc.cancellation.at.toISOString(),
          }
        : null,
      version: doc.__v,
    };
    if (!isDefenderView(principal)) {
      view.notes = doc.notes
        ? await this.cipher.decrypt(doc.organisationId, doc.notes, SESSION_FIELD_CONTEXT.notes)
        : null;
    }
    return view;
  }
}

function ownerOf(s: SessionDocument): {
  engagementId: string;
  organisationId: string;
  unitId: string;
} {
  return { engagementId: s.engagementId, organisationId: s.organisationId, unitId: s.unitId };
}

/** 400 `DATE_IN_THE_PAST` unless `startsAt` lies in the future. */
function assertFuture(startsAt: Date): void {
  if (startsAt.getTime() <= Date.now()) {
    throw new ApiError('DATE_IN_THE_PAST', 'A session cannot be scheduled in the past.', [
      { path: 'startsAt', message: 'must lie in the future' },
    ]);
  }
}

function prerequisiteError(missing: readonly string[]): ApiError {
  return new ApiError(
    'PREREQUISITE_NOT_MET',
    'A module is scheduled before its prerequisites; a program manager may override with a reason.',
    missing.map((id) => ({ path: 'moduleIds', message: `needs ${id} first` })),
  );
}
