import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  AUTONOMY_MILESTONES,
  AutonomyReviewRecordedV1,
  autonomyLevelName,
  MilestoneClaimedV1,
  MilestoneVerifiedV1,
  type MilestoneId,
  type MilestoneStatus,
  type Role,
} from '@trellis/contracts';
import {
  claimMilestone,
  computeAutonomyLevel,
  MaturityOutOfRangeError,
  MilestoneRuleError,
  reviewProgress,
  verifyMilestone,
  type MilestoneRecord,
  type ReviewSnapshot,
} from '@trellis/coaching-domain';
import type { Principal } from '@trellis/platform-auth';
import { FieldCipher } from '@trellis/platform-crypto';
import { ApiError } from '@trellis/platform-http';
import { DataScope, InjectModel, ScopedRepository } from '@trellis/platform-mongo';
import { documentWithOutbox, withOutbox, type OutboxEvent } from '@trellis/platform-outbox';
import type { Model } from 'mongoose';
import { actorOf, dataScopeOf, STAFF } from '../common/access';
import { outboxEvent } from '@trellis/platform-outbox';
import type { EngagementProjection } from '../engagements/engagement-projection.schema';
import { EngagementsService } from '../engagements/engagements.service';
import {
  AUTONOMY_REVIEW_MODEL,
  EVIDENCE_CONTEXT,
  type AutonomyReviewDocument,
  type ClaimMilestoneInput,
  type CreateReview,
  type Evidence,
  type ReviewView,
  type StoredMilestone,
  type VersionOnly,
} from './autonomy.schema';

const ACTING: readonly Role[] = STAFF;

/**
 * Autonomy reviews: opened as a draft with spoke maturity and milestone evidence, milestones
 * verified by a second person, then recorded — the level computed by the coaching domain's
 * rule and published with the previous and baseline levels.
 */
@Injectable()
export class AutonomyService {
  private readonly repo: ScopedRepository<AutonomyReviewDocument>;

  constructor(
    @InjectModel(AUTONOMY_REVIEW_MODEL) model: Model<AutonomyReviewDocument>,
    private readonly engagements: EngagementsService,
    private readonly cipher: FieldCipher,
  ) {
    this.repo = new ScopedRepository(
      model,
      { organisation: 'organisationId', unit: 'unitId' },
      { entity: 'AutonomyReview' },
    );
  }

  /** Opens a draft review; milestones given as `claimed` are claimed by the caller. */
  async create(
    engagementId: string,
    input: CreateReview,
    principal: Principal,
  ): Promise<ReviewView> {
    const engagement = await this.engagements.accessible(principal, engagementId);
    this.rule(() => computeAutonomyLevel(input.spokeMaturity, {}));
    const id = randomUUID();
    const now = new Date();
    const given = new Map(input.milestones.map((m) => [m.milestoneId, m]));
    const events: OutboxEvent[] = [];
    const milestones: StoredMilestone[] = [];
    for (const milestoneId of AUTONOMY_MILESTONES) {
      const m = given.get(milestoneId);
      if (m?.status !== 'claimed') {
        milestones.push({ milestoneId, status: m?.status ?? 'not-started' });
        if (m?.evidence) {
          const last = milestones[milestones.length - 1];
          if (last)
            last.evidence = await this.encryptEvidence(engagement.organisationId, m.evidence);
        }
        continue;
      }
      const claimed = this.rule(() =>
        claimMilestone({ milestoneId, status: 'not-started' }, principal.id, !!m.evidence, now),
      );
      milestones.push({
        ...claimed,
        ...(m.evidence
          ? { evidence: await this.encryptEvidence(engagement.organisationId, m.evidence) }
          : {}),
      });
      events.push(
        outboxEvent(MilestoneClaimedV1, {
          actor: actorOf(principal, ACTING),
          ...scopeOf(engagement),
          payload: { milestoneId, reviewId: id, claimedBy: principal.id },
        }),
      );
    }
    const doc = {
      _id: id,
      engagementId,
      organisationId: engagement.organisationId,
      unitId: engagement.unitId,
      state: 'draft' as const,
      reviewedAt: new Date(input.reviewedAt),
      spokeMaturity: input.spokeMaturity,
      milestones,
      createdBy: principal.id,
    };
    const created = await this.repo.insert(
      DataScope.unit(engagement.unitId),
      documentWithOutbox(doc, events),
    );
    return this.view(created);
  }

  /** Claims a milestone of a draft with evidence (the caller becomes the claimant). */
  async claim(
    reviewId: string,
    milestoneId: MilestoneId,
    input: ClaimMilestoneInput,
    principal: Principal,
  ): Promise<ReviewView> {
    const scope = dataScopeOf(principal, 'claim milestone');
    const review = await this.draft(scope, reviewId);
    const now = new Date();
    const current = milestoneOf(review, milestoneId);
    const claimed = this.rule(() => claimMilestone(current, principal.id, true, now));
    const evidence = await this.encryptEvidence(review.organisationId, input.evidence);
    const event = outboxEvent(MilestoneClaimedV1, {
      actor: actorOf(principal, ACTING),
      ...scopeOf(review),
      payload: { milestoneId, reviewId, claimedBy: principal.id },
    });
    const milestones = replaceMilestone(review, { ...claimed, evidence });
    return this.save(scope, review, input.version, { milestones }, [event]);
  }

  /** Verifies a claimed milestone: never by its claimant (403 `SELF_VERIFICATION`). */
  async verify(
    reviewId: string,
    milestoneId: MilestoneId,
    input: VersionOnly,
    principal: Principal,
  ): Promise<ReviewView> {
    const scope = dataScopeOf(principal, 'verify milestone');
    const review = await this.draft(scope, reviewId);
    const now = new Date();
    const current = milestoneOf(review, milestoneId);
    const verified = this.rule(() => verifyMilestone(current, principal.id, now));
    const event = outboxEvent(MilestoneVerifiedV1, {
      actor: actorOf(principal, ACTING),
      ...scopeOf(review),
      payload: {
        milestoneId,
        reviewId,
        claimedBy: verified.claimedBy ?? '',
        verifiedBy: principal.id,
        verifiedAt: now.toISOString(),
      },
    });
    const stored = review.milestones.find((m) => m.milestoneId === milestoneId);
    const milestones = replaceMilestone(review, {
      ...verified,
      ...(stored?.evidence ? { evidence: stored.evidence } : {}),
    });
    return this.save(scope, review, input.version, { milestones }, [event]);
  }

  /**
   * Records a draft: computes the level from its verified milestones and spoke maturity, with
   * the level of the last recorded review (previous) and of the first (baseline), and
   * publishes `autonomy.review.recorded`. A recorded review does not change any more.
   */
  async record(reviewId: string, input: VersionOnly, principal: Principal): Promise<ReviewView> {
    const scope = dataScopeOf(principal, 'record autonomy review');
    const review = await this.draft(scope, reviewId);
    const statuses = statusesOf(review);
    const { level } = this.rule(() => computeAutonomyLevel(review.spokeMaturity, statuses));
    const history = await this.recordedOf(review.engagementId);
    const earlier = history.filter((r) => r.reviewedAt.getTime() <= review.reviewedAt.getTime());
    const baselineLevel = earlier[0]?.level ?? null;
    const previousLevel = earlier[earlier.length - 1]?.level ?? null;
    const event = outboxEvent(AutonomyReviewRecordedV1, {
      actor: actorOf(principal, ACTING),
      ...scopeOf(review),
      payload: {
        reviewId,
        reviewedAt: review.reviewedAt.toISOString(),
        level,
        previousLevel,
        baselineLevel,
        spokeMaturity: review.spokeMaturity,
        milestones: statuses,
      },
    });
    const set = {
      state: 'recorded',
      level,
      previousLevel,
      baselineLevel,
      recordedAt: new Date(),
      recordedBy: principal.id,
    };
    return this.save(scope, review, input.version, set, [event]);
  }

  /** The reviews of an engagement, newest first. */
  async list(engagementId: string, principal: Principal): Promise<ReviewView[]> {
    await this.engagements.accessible(principal, engagementId);
    const docs = await this.repo.find(
      dataScopeOf(principal, 'list autonomy reviews'),
      { engagementId },
      { sort: { reviewedAt: -1 }, limit: 100 },
    );
    const history = docs.filter((d) => d.state === 'recorded').map(snapshotOf);
    return Promise.all(docs.map((d) => this.view(d, history)));
  }

  /** One review with its change since the baseline and since the last review. */
  async get(reviewId: string, principal: Principal): Promise<ReviewView> {
    const doc = await this.repo.getById(dataScopeOf(principal, 'read autonomy review'), reviewId);
    const history = (await this.recordedOf(doc.engagementId)).map(snapshotOf);
    return this.view(doc, history);
  }

  /** Every review of an engagement (the timeline; access checked by the caller). */
  ofEngagement(
    engagement: EngagementProjection,
    reason: string,
  ): Promise<AutonomyReviewDocument[]> {
    return this.repo.find(DataScope.all(reason), { engagementId: engagement._id }, { limit: 1000 });
  }

  private recordedOf(engagementId: string): Promise<AutonomyReviewDocument[]> {
    return this.repo.find(
      DataScope.all('autonomy review history'),
      { engagementId, state: 'recorded' },
      { sort: { reviewedAt: 1 }, limit: 1000 },
    );
  }

  private async draft(scope: DataScope, reviewId: string): Promise<AutonomyReviewDocument> {
    const review = await this.repo.getById(scope, reviewId);
    if (review.state !== 'draft') {
      throw new ApiError('INVALID_STATE_TRANSITION', 'The review is recorded; it does not change.');
    }
    return review;
  }

  private async save(
    scope: DataScope,
    review: AutonomyReviewDocument,
    version: number,
    set: Record<string, unknown>,
    events: OutboxEvent[],
  ): Promise<ReviewView> {
    const updated = await this.repo.updateById(
      scope,
      review._id,
      version,
      withOutbox({ $set: set }, events),
    );
    const history = (await this.recordedOf(updated.engagementId)).map(snapshotOf);
    return this.view(updated, history);
  }

  private encryptEvidence(organisationId: string, evidence: Evidence) {
    return this.cipher.encryptJson(organisationId, evidence, EVIDENCE_CONTEXT);
  }

  /** Runs a domain rule, mapping its errors to HTTP errors. */
  private rule<T>(check: () => T): T {
    try {
      return check();
    } catch (err) {
      if (err instanceof MilestoneRuleError) {
        switch (err.violation) {
          case 'SELF_VERIFICATION':
            throw new ApiError('SELF_VERIFICATION', err.message);
          case 'NO_EVIDENCE':
            throw new ApiError('VALIDATION_FAILED', err.message, [
              { path: `milestones.${err.milestoneId}.evidence`, message: 'is required to claim' },
            ]);
          default:
            throw new ApiError('CONFLICT', err.message);
        }
      }
      if (err instanceof MaturityOutOfRangeError) {
        throw new ApiError(
          'VALIDATION_FAILED',
          err.message,
          err.spokes.map((s) => ({ path: `spokeMaturity.${s}`, message: 'must be 0–4' })),
        );
      }
      throw err;
    }
  }

  private async view(
    doc: AutonomyReviewDocument,
    history: readonly ReviewSnapshot[] = [],
  ): Promise<ReviewView> {
    const statuses = statusesOf(doc);
    const assessment = computeAutonomyLevel(doc.spokeMaturity, statuses);
    const level =
      doc.state === 'recorded' && doc.level !== undefined ? doc.level : assessment.level;
    const progress = reviewProgress({ ...snapshotOf(doc), level }, history);
    const milestones = await Promise.all(
      doc.milestones.map(async (m) => ({
        milestoneId: m.milestoneId,
        status: m.status,
        ...(m.evidence
          ? {
              evidence: await this.cipher.decryptJson<Evidence>(
                doc.organisationId,
                m.evidence,
                EVIDENCE_CONTEXT,
              ),
            }
          : {}),
        ...(m.claimedBy ? { claimedBy: m.claimedBy } : {}),
        ...(m.claimedAt ? { claimedAt: m.claimedAt } : {}),
        ...(m.verifiedBy ? { verifiedBy: m.verifiedBy } : {}),
        ...(m.verifiedAt ? { verifiedAt: m.verifiedAt } : {}),
      })),
    );
    return {
      id: doc._id,
      engagementId: doc.engagementId,
      state: doc.state,
      reviewedAt: doc.reviewedAt.toISOString(),
      spokeMaturity: doc.spokeMaturity,
      milestones,
      level,
      levelName: autonomyLevelName(level),
      meanMaturity: assessment.meanMaturity,
      ...(assessment.shortfall ? { shortfall: assessment.shortfall } : {}),
      ...(doc.state === 'recorded'
        ? { previousLevel: doc.previousLevel ?? null, baselineLevel: doc.baselineLevel ?? null }
        : {}),
      ...progress,
      ...(doc.recordedAt ? { recordedAt: doc.recordedAt.toISOString() } : {}),
      version: doc.__v,
    };
  }
}

function scopeOf(record: {
  engagementId?: string;
  _id: string;
  organisationId: string;
  unitId: string;
}) {
  return {
    engagementId: record.engagementId ?? record._id,
    organisationId: record.organisationId,
    unitId: record.unitId,
  };
}

function milestoneOf(review: AutonomyReviewDocument, milestoneId: MilestoneId): MilestoneRecord {
  const found = review.milestones.find((m) => m.milestoneId === milestoneId);
  const { evidence: _evidence, ...record } = found ?? { milestoneId, status: 'not-started' };
  return record;
}

function replaceMilestone(
  review: AutonomyReviewDocument,
  next: StoredMilestone,
): StoredMilestone[] {
  const others = review.milestones.filter((m) => m.milestoneId !== next.milestoneId);
  return AUTONOMY_MILESTONES.map(
    (id) =>
      (id === next.milestoneId ? next : others.find((m) => m.milestoneId === id)) ?? {
        milestoneId: id,
        status: 'not-started' as const,
      },
  );
}

function statusesOf(review: AutonomyReviewDocument): Record<MilestoneId, MilestoneStatus> {
  const statuses = Object.fromEntries(
    AUTONOMY_MILESTONES.map((id) => [id, 'not-started']),
  ) as Record<MilestoneId, MilestoneStatus>;
  for (const m of review.milestones) statuses[m.milestoneId] = m.status;
  return statuses;
}

function snapshotOf(doc: AutonomyReviewDocument): ReviewSnapshot {
  return {
    reviewId: doc._id,
    reviewedAt: doc.reviewedAt.toISOString(),
    level: doc.level ?? computeAutonomyLevel(doc.spokeMaturity, statusesOf(doc)).level,
    spokeMaturity: doc.spokeMaturity,
    milestones: statusesOf(doc),
  };
}
