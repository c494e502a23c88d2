import { Injectable } from '@nestjs/common';
import type { EngagementCreatedV1, EventOf } from '@trellis/contracts';
import type { Principal } from '@trellis/platform-auth';
import { ApiError, ValidationFailedError } from '@trellis/platform-http';
import { InjectModel, ScopedRepository } from '@trellis/platform-mongo';
import type { Model } from 'mongoose';
import { dataScopeOf } from '../common/access';
import { KNOWN_ENGAGEMENT_MODEL, type KnownEngagementDocument } from './known-engagements.schema';

/** Where a risk record belongs: its engagement, organisation and unit. */
export interface EngagementRef {
  engagementId: string;
  organisationId: string;
  unitId: string;
}

/**
 * The engagements this service knows (see {@link KnownEngagementDocument}). Every risk record
 * is created for a known engagement in the caller's scope; the organisation and unit a client
 * names must be the engagement's own.
 */
@Injectable()
export class KnownEngagementsService {
  private readonly repo: ScopedRepository<KnownEngagementDocument>;

  constructor(
    @InjectModel(KNOWN_ENGAGEMENT_MODEL) private readonly model: Model<KnownEngagementDocument>,
  ) {
    this.repo = new ScopedRepository(
      model,
      { organisation: 'organisationId', unit: 'unitId' },
      { entity: 'Engagement' },
    );
  }

  /** Records (or confirms) an engagement from its created event; idempotent. */
  async applyCreated(event: EventOf<typeof EngagementCreatedV1>): Promise<void> {
    const { engagementId, organisationId, unitId } = event.payload;
    await this.model.updateOne(
      { _id: engagementId },
      { $set: { organisationId, unitId }, $setOnInsert: { sourceEventId: event.id } },
      { upsert: true },
    );
  }

  /**
   * The engagement if it is known and in the caller's scope (404 `NOT_FOUND` otherwise, also
   * for an engagement of another unit or organisation, so ids of others' engagements cannot be
   * probed). When the client also names the organisation and unit, they must be the
   * engagement's: 400 `CROSS_ORGANISATION_REFERENCE` or `VALIDATION_FAILED` otherwise.
   */
  async resolve(
    principal: Principal,
    engagementId: string,
    claimed: { organisationId?: string; unitId?: string } = {},
  ): Promise<EngagementRef> {
    const scope = dataScopeOf(principal, 'resolve engagement');
    const doc = await this.repo.getById(scope, engagementId);
    if (claimed.organisationId !== undefined && claimed.organisationId !== doc.organisationId) {
      throw new ApiError(
        'CROSS_ORGANISATION_REFERENCE',
        'The engagement belongs to another organisation.',
        [{ path: 'organisationId', message: "is not the engagement's organisation" }],
      );
    }
    if (claimed.unitId !== undefined && claimed.unitId !== doc.unitId) {
      throw new ValidationFailedError([
        { path: 'unitId', message: "is not the engagement's unit" },
      ]);
    }
    return { engagementId: doc._id, organisationId: doc.organisationId, unitId: doc.unitId };
  }
}
