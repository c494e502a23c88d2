import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CascadeRecordedV1, CascadeVerifiedV1 } from '@trellis/contracts';
import type { Principal } from '@trellis/platform-auth';
import { ApiError, ValidationFailedError } from '@trellis/platform-http';
import { InjectModel, ScopedRepository } from '@trellis/platform-mongo';
import { documentWithOutbox, withOutbox } from '@trellis/platform-outbox';
import { cascadeLineage, generationProblem } from '@trellis/training-domain';
import type { Model } from 'mongoose';
import { CatalogueService } from '../catalogue/catalogue.service';
import { actorOf, dataScopeOf, READERS, STAFF } from '../common/access';
import { outboxEvent } from '@trellis/platform-outbox';
import { LIST_LIMIT } from '../common/http';
import { KnownEngagementsService } from '../engagements/known-engagements.service';
import { SESSION_MODEL, type SessionDocument } from '../sessions/sessions.schema';
import {
  CASCADE_MODEL,
  type CascadeDocument,
  type CascadeView,
  type LineageView,
  type RecordCascade,
  type VerifyCascade,
} from './cascades.schema';

/** How far in the future a delivery time may lie (clock skew), in milliseconds. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Knowledge transfer: cascade trainings the organisation delivered, their generation checked
 * against their trainers, verification by an officer, and the lineage with its reach.
 */
@Injectable()
export class CascadesService {
  private readonly repo: ScopedRepository<CascadeDocument>;

  constructor(
    @InjectModel(CASCADE_MODEL) model: Model<CascadeDocument>,
    @InjectModel(SESSION_MODEL) private readonly sessions: Model<SessionDocument>,
    private readonly engagements: KnownEngagementsService,
    private readonly catalogue: CatalogueService,
  ) {
    this.repo = new ScopedRepository(
      model,
      { organisation: 'organisationId', unit: 'unitId' },
      { entity: 'CascadeTraining' },
    );
  }

  /**
   * Records a cascade (the organisation's defenders or staff). Trainers must have attended a
   * held session of the engagement (400 `UNKNOWN_PARTICIPANT`); a parent must be a cascade of
   * the engagement; the generation must follow (400 `INVALID_CASCADE_GENERATION`).
   */
  async record(input: RecordCascade, principal: Principal): Promise<CascadeView> {
    const scope = dataScopeOf(principal, 'record cascade');
    const owner = await this.engagements.resolve(principal, input.engagementId);
    this.catalogue.trainingModules(input.moduleIds, 'moduleIds');
    const deliveredAt = new Date(input.deliveredAt);
    if (deliveredAt.getTime() > Date.now() + CLOCK_SKEW_MS) {
      throw new ValidationFailedError([
        { path: 'deliveredAt', message: 'must not lie in the future' },
      ]);
    }
    let parent: CascadeDocument | undefined;
    if (input.parentCascadeId !== undefined) {
      parent =
        (await this.repo.findOne(scope, {
          _id: input.parentCascadeId,
          engagementId: owner.engagementId,
        })) ?? undefined;
      if (!parent) {
        throw new ValidationFailedError([
          { path: 'parentCascadeId', message: 'is no cascade of the engagement' },
        ]);
      }
    }
    const trainerSessionIds = await this.trainerSessions(
      owner.engagementId,
      input.trainerParticipantIds,
    );
    const problem = generationProblem(input.generation, {
      trainerSessionIds,
      parent: parent ? { cascadeId: parent._id, generation: parent.generation } : undefined,
    });
    if (problem) {
      throw new ApiError(
        'INVALID_CASCADE_GENERATION',
        'The generation does not follow from the trainers.',
        [{ path: 'generation', message: problem }],
      );
    }
    const id = randomUUID();
    const doc: Partial<CascadeDocument> = {
      _id: id,
      ...owner,
      generation: input.generation,
      ...(parent ? { parentCascadeId: parent._id } : {}),
      trainerParticipantIds: input.trainerParticipantIds,
      trainerSessionIds,
      audienceType: input.audienceType,
      reachCount: input.reachCount,
      moduleIds: input.moduleIds,
      deliveredAt,
      recordedBy: principal.id,
      status: 'recorded',
    };
    const event = outboxEvent(CascadeRecordedV1, {
      actor: actorOf(principal, READERS),
      ...owner,
      payload: {
        cascadeId: id,
        ...(parent ? { parentCascadeId: parent._id } : {}),
        generation: input.generation,
        audienceType: input.audienceType,
        reachCount: input.reachCount,
        moduleIds: input.moduleIds,
        deliveredAt: deliveredAt.toISOString(),
        trainerSessionIds,
      },
    });
    return view(await this.repo.insert(scope, documentWithOutbox(doc, [event])));
  }

  /** An officer verifies a recorded cascade; publishes `training.cascade.verified`. */
  async verify(
    cascadeId: string,
    input: VerifyCascade,
    principal: Principal,
  ): Promise<CascadeView> {
    const scope = dataScopeOf(principal, 'verify cascade');
    const cascade = await this.repo.getById(scope, cascadeId);
    if (cascade.status !== 'recorded') {
      throw new ApiError('INVALID_STATE_TRANSITION', 'The cascade is already verified.');
    }
    const event = outboxEvent(CascadeVerifiedV1, {
      actor: actorOf(principal, STAFF),
      engagementId: cascade.engagementId,
      organisationId: cascade.organisationId,
      unitId: cascade.unitId,
      payload: {
        cascadeId: cascade._id,
        ...(cascade.parentCascadeId ? { parentCascadeId: cascade.parentCascadeId } : {}),
        generation: cascade.generation,
        audienceType: cascade.audienceType,
        reachCount: cascade.reachCount,
        moduleIds: cascade.moduleIds,
        deliveredAt: cascade.deliveredAt.toISOString(),
        verifiedBy: principal.id,
      },
    });
    const updated = await this.repo.updateById(
      scope,
      cascade._id,
      input.version,
      withOutbox(
        { $set: { status: 'verified', verifiedBy: principal.id, verifiedAt: new Date() } },
        [event],
      ),
    );
    return view(updated);
  }

  /** The cascades of an engagement, by delivery. */
  async list(engagementId: string, principal: Principal): Promise<CascadeView[]> {
    const docs = await this.repo.find(
      dataScopeOf(principal, 'list cascades'),
      { engagementId },
      { sort: { deliveredAt: 1 }, limit: LIST_LIMIT },
    );
    return docs.map(view);
  }

  /** One cascade in the caller's scope. */
  async get(cascadeId: string, principal: Principal): Promise<CascadeView> {
    return view(await this.repo.getById(dataScopeOf(principal, 'read cascade'), cascadeId));
  }

  /** The cascade tree of an engagement with pseudonymous node labels and reach. */
  async lineage(engagementId: string, principal: Principal): Promise<LineageView> {
    await this.engagements.resolve(principal, engagementId);
    const docs = await this.repo.find(
      dataScopeOf(principal, 'cascade lineage'),
      { engagementId },
      { sort: { deliveredAt: 1 }, limit: LIST_LIMIT },
    );
    const lineage = cascadeLineage(
      docs.map((d) => ({
        cascadeId: d._id,
        parentCascadeId: d.parentCascadeId,
        generation: d.generation,
        reachCount: d.reachCount,
        verified: d.status === 'verified',
        audienceType: d.audienceType,
        moduleIds: d.moduleIds,
      })),
    );
    return { engagementId, ...lineage };
  }

  /**
   * The held sessions of the engagement the trainers attended (present); 400
   * `UNKNOWN_PARTICIPANT` for a trainer who attended none.
   */
  private async trainerSessions(
    engagementId: string,
    trainers: readonly string[],
  ): Promise<string[]> {
    if (trainers.length === 0) return [];
    const held = await this.sessions
      .find(
        { engagementId, status: 'held', 'attendance.participantId': { $in: [...trainers] } },
        { attendance: 1, heldAt: 1 },
      )
      .sort({ heldAt: 1 })
      .lean<Pick<SessionDocument, '_id' | 'attendance'>[]>();
    const trained = new Set<string>();
    const sessionIds: string[] = [];
    for (const s of held) {
      const present = s.attendance.filter((a) => a.present && trainers.includes(a.participantId));
      if (present.length === 0) continue;
      sessionIds.push(s._id);
      for (const a of present) trained.add(a.participantId);
    }
    const unknown = trainers
      .map((t, i) => ({ t, i }))
      .filter(({ t }) => !trained.has(t))
      .map(({ i }) => ({
        path: `trainerParticipantIds.${i}`,
        message: 'attended no held session of the engagement',
      }));
    if (unknown.length > 0) {
      throw new ApiError(
        'UNKNOWN_PARTICIPANT',
        'A trainer was not trained in a session of ours.',
        unknown,
      );
    }
    return sessionIds;
  }
}

function view(d: CascadeDocument): CascadeView {
  return {
    id: d._id,
    engagementId: d.engagementId,
    organisationId: d.organisationId,
    unitId: d.unitId,
    generation: d.generation,
    parentCascadeId: d.parentCascadeId ?? null,
    trainerParticipantIds: d.trainerParticipantIds,
    trainerSessionIds: d.trainerSessionIds,
    audienceType: d.audienceType,
    reachCount: d.reachCount,
    moduleIds: d.moduleIds,
    deliveredAt: d.deliveredAt.toISOString(),
    recordedBy: d.recordedBy,
    status: d.status,
    verifiedBy: d.verifiedBy ?? null,
    verifiedAt: d.verifiedAt?.toISOString() ?? null,
    version: d.__v,
  };
}
