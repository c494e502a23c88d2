import { Controller, Get, Put } from '@nestjs/common';
import { IdSchema } from '@trellis/contracts';
import { CurrentUser, Roles, type Principal } from '@trellis/platform-auth';
import { ApiOperation, ValidBody, ValidParam, ValidQuery } from '@trellis/platform-http';
import { READERS, STAFF } from '../common/access';
import { EngagementQuerySchema, type EngagementQuery } from '../common/http';
import {
  AdjustPlanItemSchema,
  type AdjustPlanItem,
  type TrainingPlanView,
} from './training-plans.schema';
import { TrainingPlansService } from './training-plans.service';

/** `/training-plans`: the engagement's training plan (created from the activated agreement). */
@Controller('training-plans')
@Roles(...READERS)
export class TrainingPlansController {
  constructor(private readonly plans: TrainingPlansService) {}

  @Get()
  @ApiOperation({
    summary: "The engagement's training plan with the organisation's baseline and current level",
    tags: ['training-plans'],
    roles: READERS,
    query: EngagementQuerySchema,
    errors: ['NOT_FOUND'],
  })
  forEngagement(
    @ValidQuery(EngagementQuerySchema) query: EngagementQuery,
    @CurrentUser() user: Principal,
  ): Promise<TrainingPlanView> {
    return this.plans.forEngagement(query.engagementId, user);
  }

  @Get(':planId')
  @ApiOperation({
    summary: 'One training plan',
    tags: ['training-plans'],
    roles: READERS,
    params: { planId: IdSchema },
    errors: ['NOT_FOUND'],
  })
  get(
    @ValidParam('planId', IdSchema) planId: string,
    @CurrentUser() user: Principal,
  ): Promise<TrainingPlanView> {
    return this.plans.get(planId, user);
  }

  @Put(':planId/items/:planItemId')
  @Roles(...STAFF)
  @ApiOperation({
    summary: 'Adjust a plan item (level, due instant, modules); publishes training.plan.revised',
    tags: ['training-plans'],
    roles: STAFF,
    params: { planId: IdSchema, planItemId: IdSchema },
    body: AdjustPlanItemSchema,
    errors: ['NOT_FOUND', 'VALIDATION_FAILED', 'UNKNOWN_CATALOGUE_ITEM', 'VERSION_CONFLICT'],
  })
  adjust(
    @ValidParam('planId', IdSchema) planId: string,
    @ValidParam('planItemId', IdSchema) planItemId: string,
    @ValidBody(AdjustPlanItemSchema) body: AdjustPlanItem,
    @CurrentUser() user: Principal,
  ): Promise<TrainingPlanView> {
    return this.plans.adjust(planId, planItemId, body, user);
  }
}
