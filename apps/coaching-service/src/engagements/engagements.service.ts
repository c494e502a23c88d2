import { Injectable } from '@nestjs/common';
import type { TrellisEvent } from '@trellis/contracts';
import { forbidden, isInScope, scopeOf, type Principal } from '@trellis/platform-auth';
import { InjectModel, NotFoundError } from '@trellis/platform-mongo';
import type { Model } from 'mongoose';
import {
  ENGAGEMENT_PROJECTION_MODEL,
  type EngagementProjection,
} from './engagement-projection.schema';

/**
 * The local projection of engagements and the access rule built on it: unit staff reach the
 * engagements of their unit, defender users their organisation's, admins and services all;
 * analysts none. Unknown and out-of-scope engagements both answer 404.
 */
@Injectable()
export class EngagementsService {
  constructor(
    @InjectModel(ENGAGEMENT_PROJECTION_MODEL)
    private readonly model: Model<EngagementProjection>,
  ) {}

  /**
   * Applies an engagement-context event (others are ignored). Idempotent: every change is a
   * `$set` of absolute values, so a redelivered event changes nothing.
   */
  async apply(event: TrellisEvent): Promise<void> {
    const now = new Date();
    switch (event.type) {
      case 'engagement.engagement.created': {
        const p = event.payload;
        await this.model.updateOne(
          { _id: p.engagementId },
          {
            $set: {
              organisationId: p.organisationId,
              unitId: p.unitId,
              programManagerId: p.programManagerId,
              ...(p.leadOfficerId ? { leadOfficerId: p.leadOfficerId } : {}),
              lastEventId: event.id,
              updatedAt: now,
            },
          },
          { upsert: true },
        );
        return;
      }
      case 'engagement.engagement.rerouted':
        await this.set(event.engagementId, { unitId: event.payload.toUnitId }, event.id);
        return;
      case 'engagement.engagement.lead-officer-assigned':
        await this.set(
          event.engagementId,
          { leadOfficerId: event.payload.leadOfficerId },
          event.id,
        );
        return;
      case 'engagement.engagement.program-manager-assigned':
        await this.set(
          event.engagementId,
          { programManagerId: event.payload.programManagerId },
          event.id,
        );
        return;
      default:
        return;
    }
  }

  /** The engagement, whoever asks (internal use: consumers, watchdogs); `undefined` if unknown. */
  async find(engagementId: string): Promise<EngagementProjection | undefined> {
    const found = await this.model.findOne({ _id: engagementId }).lean<EngagementProjection>();
    return found ?? undefined;
  }

  /**
   * The engagement if `principal` may reach it: 404 `NOT_FOUND` when unknown or out of scope,
   * 403 for analysts.
   */
  async accessible(principal: Principal, engagementId: string): Promise<EngagementProjection> {
    const scope = scopeOf(principal);
    if (scope.kind === 'analyst') {
      throw forbidden('analysts see pseudonymous reports only, not coaching records');
    }
    const engagement = await this.find(engagementId);
    if (!engagement || !isInScope(scope, engagement)) throw new NotFoundError('Engagement');
    return engagement;
  }

  private async set(
    engagementId: string,
    fields: Partial<EngagementProjection>,
    eventId: string,
  ): Promise<void> {
    await this.model.updateOne(
      { _id: engagementId },
      { $set: { ...fields, lastEventId: eventId, updatedAt: new Date() } },
    );
  }
}
