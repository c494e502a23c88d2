import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import type { MilestoneId } from '@trellis/contracts';
import { CurrentUser, Roles, type Principal } from '@trellis/platform-auth';
import { ApiOperation, ValidBody, ValidParam } from '@trellis/platform-http';
import { z } from 'zod';
import { READERS, STAFF } from '../common/access';
import {
  ClaimMilestoneSchema,
  CreateReviewSchema,
  EngagementIdParamSchema,
  MilestoneIdParamSchema,
  ReviewIdParamSchema,
  ReviewViewSchema,
  VersionOnlySchema,
  type ClaimMilestoneInput,
  type CreateReview,
  type ReviewView,
  type VersionOnly,
} from './autonomy.schema';
import { AutonomyService } from './autonomy.service';

const ENGAGEMENT_PARAM = { engagementId: EngagementIdParamSchema };
const MILESTONE_PARAMS = { reviewId: ReviewIdParamSchema, milestoneId: MilestoneIdParamSchema };
const CHANGE_ERRORS = ['NOT_FOUND', 'VERSION_CONFLICT', 'INVALID_STATE_TRANSITION'] as const;

/** Autonomy reviews: staff open, claim, verify and record; defender users read their own. */
@Controller()
export class AutonomyController {
  constructor(private readonly reviews: AutonomyService) {}

  @Post('engagements/:engagementId/autonomy-reviews')
  @Roles(...STAFF)
  @ApiOperation({
    summary: 'Open a draft autonomy review: spoke maturity 0–4 and milestone evidence',
    tags: ['autonomy'],
    roles: [...STAFF],
    params: ENGAGEMENT_PARAM,
    body: CreateReviewSchema,
    response: ReviewViewSchema,
    errors: ['NOT_FOUND'],
  })
  create(
    @ValidParam('engagementId', EngagementIdParamSchema) engagementId: string,
    @ValidBody(CreateReviewSchema) body: CreateReview,
    @CurrentUser() user: Principal,
  ): Promise<ReviewView> {
    return this.reviews.create(engagementId, body, user);
  }

  @Get('engagements/:engagementId/autonomy-reviews')
  @Roles(...READERS)
  @ApiOperation({
    summary: "An engagement's autonomy reviews, newest first",
    tags: ['autonomy'],
    roles: [...READERS],
    params: ENGAGEMENT_PARAM,
    response: z.array(ReviewViewSchema),
    errors: ['NOT_FOUND'],
  })
  list(
    @ValidParam('engagementId', EngagementIdParamSchema) engagementId: string,
    @CurrentUser() user: Principal,
  ): Promise<ReviewView[]> {
    return this.reviews.list(engagementId, user);
  }

  @Get('autonomy-reviews/:reviewId')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'One review, with its change since the baseline and since the last review',
    tags: ['autonomy'],
    roles: [...READERS],
    params: { reviewId: ReviewIdParamSchema },
    response: ReviewViewSchema,
    errors: ['NOT_FOUND'],
  })
  get(
    @ValidParam('reviewId', ReviewIdParamSchema) reviewId: string,
    @CurrentUser() user: Principal,
  ): Promise<ReviewView> {
    return this.reviews.get(reviewId, user);
  }

  @Post('autonomy-reviews/:reviewId/milestones/:milestoneId/claim')
  @HttpCode(200)
  @Roles(...STAFF)
  @ApiOperation({
    summary: 'Claim a milestone with evidence',
    tags: ['autonomy'],
    roles: [...STAFF],
    params: MILESTONE_PARAMS,
    body: ClaimMilestoneSchema,
    response: ReviewViewSchema,
    errors: [...CHANGE_ERRORS, 'CONFLICT'],
  })
  claim(
    @ValidParam('reviewId', ReviewIdParamSchema) reviewId: string,
    @ValidParam('milestoneId', MilestoneIdParamSchema) milestoneId: MilestoneId,
    @ValidBody(ClaimMilestoneSchema) body: ClaimMilestoneInput,
    @CurrentUser() user: Principal,
  ): Promise<ReviewView> {
    return this.reviews.claim(reviewId, milestoneId, body, user);
  }

  @Post('autonomy-reviews/:reviewId/milestones/:milestoneId/verify')
  @HttpCode(200)
  @Roles(...STAFF)
  @ApiOperation({
    summary: 'Verify a claimed milestone (a second person, never the claimant)',
    tags: ['autonomy'],
    roles: [...STAFF],
    params: MILESTONE_PARAMS,
    body: VersionOnlySchema,
    response: ReviewViewSchema,
    errors: [...CHANGE_ERRORS, 'SELF_VERIFICATION', 'CONFLICT'],
  })
  verify(
    @ValidParam('reviewId', ReviewIdParamSchema) reviewId: string,
    @ValidParam('milestoneId', MilestoneIdParamSchema) milestoneId: MilestoneId,
    @ValidBody(VersionOnlySchema) body: VersionOnly,
    @CurrentUser() user: Principal,
  ): Promise<ReviewView> {
    return this.reviews.verify(reviewId, milestoneId, body, user);
  }

  @Post('autonomy-reviews/:reviewId/record')
  @HttpCode(200)
  @Roles(...STAFF)
  @ApiOperation({
    summary: 'Record the review: the level is computed and published',
    tags: ['autonomy'],
    roles: [...STAFF],
    params: { reviewId: ReviewIdParamSchema },
    body: VersionOnlySchema,
    response: ReviewViewSchema,
    errors: [...CHANGE_ERRORS],
  })
  record(
    @ValidParam('reviewId', ReviewIdParamSchema) reviewId: string,
    @ValidBody(VersionOnlySchema) body: VersionOnly,
    @CurrentUser() user: Principal,
  ): Promise<ReviewView> {
    return this.reviews.record(reviewId, body, user);
  }
}
