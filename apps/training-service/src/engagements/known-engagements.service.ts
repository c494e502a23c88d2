import { Injectable } from '@nestjs/common';
import type { TrellisEvent } from '@trellis/contracts';
import type { Principal } from '@trellis/platform-auth';
import { InjectModel, ScopedRepository } from '@trellis/platform-mongo';
import type { Model } from 'mongoose';
import { dataScopeOf } from '../common/access';
import { KNOWN_ENGAGEMENT_MODEL, type KnownEngagementDocument } from './known-engagements.schema';

/** Where a training record belongs: its engagement, organisation and unit. */
export interface EngagementRef {
  engagementId: string;
  organisationId: string;
  unitId: string;
}

/**
 * The engagements this service knows (see {@link KnownEngagementDocument}) and the access rule
 * built on them: a record is created for a known engagement in the caller's scope.
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

  /** Applies an engagement-context event to the projection (other types are ignored). */
  async apply(event: TrellisEvent): Promise<void> {
    switch (event.type) {
      case 'engagement.engagement.created': {
        const p = event.payload;
        await this.model.updateOne(
          { _id: p.engagementId },
          {
            $set: {
              organisationId: p.organisationId,
              unitId: p.unitId,
              lastEventId: event.id,
            },
          },
          { upsert: true },
        );
        return;
      }
      case 'engagement.engagement.rerouted':
        await this.set(event.engagementId, { unitId: event.payload.toUnitId }, event.id);
        return;
      case 'engagement.needs-assessment.recorded':
        await this.set(
          event.engagementId,
          { baselineLevel: event.payload.suggestedLevel },
          event.id,
        );
        return;
      default:
        return;
    }
  }

  /** The engagement whoever asks (internal use); `undefined` when unknown. */
  async find(engagementId: string): Promise<KnownEngagementDocument | undefined> {
    return (
      (await this.model.findOne({ _id: engagementId }).lean<KnownEngagementDocument>()) ?? undefined
    );
  }

  /**
   * The engagement if it is known and in the caller's scope: 404 `NOT_FOUND` otherwise (also
   * for others' engagements, so their ids cannot be probed), 403 for analysts.
   */
  async resolve(principal: Principal, engagementId: string): Promise<EngagementRef> {
    const doc = await this.repo.getById(dataScopeOf(principal, 'resolve engagement'), engagementId);
    return { engagementId: doc._id, organisationId: doc.organisationId, unitId: doc.unitId };
  }

  private async set(
    engagementId: string,
    fields: Partial<KnownEngagementDocument>,
    eventId: string,
  ): Promise<void> {
    await this.model.updateOne(
      { _id: engagementId },
      { $set: { ...fields, lastEventId: eventId } },
    );
  }
}
