import { Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { CurrentUser, Roles, type Principal } from '@trellis/platform-auth';
import { ApiOperation, ValidBody, ValidParam, ValidQuery } from '@trellis/platform-http';
import { RISK_ROLES } from '../common/access';
import { EngagementQuerySchema, type EngagementQuery } from '../common/http';
import {
  AdoptSecurityPlanSchema,
  ChangeItemStatusSchema,
  CreateSecurityPlanSchema,
  PlanIdParamSchema,
  PlanItemIdParamSchema,
  PlanVersionParamSchema,
  RecordRehearsalSchema,
  ReviseSecurityPlanSchema,
  type AdoptSecurityPlan,
  type ChangeItemStatus,
  type CreateSecurityPlan,
  type PlanVersionView,
  type RecordRehearsal,
  type ReviseSecurityPlan,
  type SecurityPlanView,
} from './security-plans.schema';
import { SecurityPlansService } from './security-plans.service';

const ROLES = [...RISK_ROLES];
const PLAN_ERRORS = ['NOT_FOUND', 'VALIDATION_FAILED', 'VERSION_CONFLICT'];
const ITEM_ERRORS = [...PLAN_ERRORS, 'UNKNOWN_CATALOGUE_ITEM', 'CROSS_ORGANISATION_REFERENCE'];

/** `/security-plans`: the plan built from a risk assessment, its versions and its adoption. */
@Controller('security-plans')
@Roles(...ROLES)
export class SecurityPlansController {
  constructor(private readonly plans: SecurityPlansService) {}

  @Post()
  @ApiOperation({
    summary: 'Build the security plan (version 1) from a risk assessment',
    tags: ['security-plans'],
    roles: ROLES,
    body: CreateSecurityPlanSchema,
    errors: [...ITEM_ERRORS, 'CONFLICT'],
  })
  create(
    @ValidBody(CreateSecurityPlanSchema) body: CreateSecurityPlan,
    @CurrentUser() user: Principal,
  ): Promise<SecurityPlanView> {
    return this.plans.create(body, user);
  }

  @Put(':planId')
  @ApiOperation({
    summary: 'Revise the plan: a new version (earlier versions are kept)',
    tags: ['security-plans'],
    roles: ROLES,
    params: { planId: PlanIdParamSchema },
    body: ReviseSecurityPlanSchema,
    errors: ITEM_ERRORS,
  })
  revise(
    @ValidParam('planId', PlanIdParamSchema) planId: string,
    @ValidBody(ReviseSecurityPlanSchema) body: ReviseSecurityPlan,
    @CurrentUser() user: Principal,
  ): Promise<SecurityPlanView> {
    return this.plans.revise(planId, body, user);
  }

  @Post(':planId/adopt')
  @HttpCode(200)
  @Roles('defender', 'admin')
  @ApiOperation({
    summary: "Adoption of the current version by the organisation's leadership",
    tags: ['security-plans'],
    roles: ['defender', 'admin'],
    params: { planId: PlanIdParamSchema },
    body: AdoptSecurityPlanSchema,
    status: 200,
    errors: [...PLAN_ERRORS, 'FORBIDDEN', 'INVALID_STATE_TRANSITION'],
  })
  adopt(
    @ValidParam('planId', PlanIdParamSchema) planId: string,
    @ValidBody(AdoptSecurityPlanSchema) body: AdoptSecurityPlan,
    @CurrentUser() user: Principal,
  ): Promise<SecurityPlanView> {
    return this.plans.adopt(planId, body, user);
  }

  @Put(':planId/items/:itemId/status')
  @ApiOperation({
    summary: 'Move an item forward: planned → in-progress → implemented',
    tags: ['security-plans'],
    roles: ROLES,
    params: { planId: PlanIdParamSchema, itemId: PlanItemIdParamSchema },
    body: ChangeItemStatusSchema,
    errors: [...PLAN_ERRORS, 'INVALID_STATE_TRANSITION'],
  })
  changeItemStatus(
    @ValidParam('planId', PlanIdParamSchema) planId: string,
    @ValidParam('itemId', PlanItemIdParamSchema) itemId: string,
    @ValidBody(ChangeItemStatusSchema) body: ChangeItemStatus,
    @CurrentUser() user: Principal,
  ): Promise<SecurityPlanView> {
    return this.plans.changeItemStatus(planId, itemId, body, user);
  }

  @Post(':planId/items/:itemId/rehearsals')
  @ApiOperation({
    summary: 'Record a rehearsal of a protocol',
    tags: ['security-plans'],
    roles: ROLES,
    params: { planId: PlanIdParamSchema, itemId: PlanItemIdParamSchema },
    body: RecordRehearsalSchema,
    errors: [...PLAN_ERRORS, 'CONFLICT'],
  })
  recordRehearsal(
    @ValidParam('planId', PlanIdParamSchema) planId: string,
    @ValidParam('itemId', PlanItemIdParamSchema) itemId: string,
    @ValidBody(RecordRehearsalSchema) body: RecordRehearsal,
    @CurrentUser() user: Principal,
  ): Promise<SecurityPlanView> {
    return this.plans.recordRehearsal(planId, itemId, body, user);
  }

  @Get()
  @ApiOperation({
    summary: 'The security plan of an engagement',
    tags: ['security-plans'],
    roles: ROLES,
    query: EngagementQuerySchema,
  })
  list(
    @ValidQuery(EngagementQuerySchema) query: EngagementQuery,
    @CurrentUser() user: Principal,
  ): Promise<SecurityPlanView[]> {
    return this.plans.list(query.engagementId, user);
  }

  @Get(':planId')
  @ApiOperation({
    summary: 'A plan with its current version',
    tags: ['security-plans'],
    roles: ROLES,
    params: { planId: PlanIdParamSchema },
    errors: ['NOT_FOUND'],
  })
  get(
    @ValidParam('planId', PlanIdParamSchema) planId: string,
    @CurrentUser() user: Principal,
  ): Promise<SecurityPlanView> {
    return this.plans.get(planId, user);
  }

  @Get(':planId/versions/:planVersion')
  @ApiOperation({
    summary: 'One version of a plan',
    tags: ['security-plans'],
    roles: ROLES,
    params: { planId: PlanIdParamSchema, planVersion: PlanVersionParamSchema },
    errors: ['NOT_FOUND'],
  })
  getVersion(
    @ValidParam('planId', PlanIdParamSchema) planId: string,
    @ValidParam('planVersion', PlanVersionParamSchema) planVersion: number,
    @CurrentUser() user: Principal,
  ): Promise<PlanVersionView> {
    return this.plans.getVersion(planId, planVersion, user);
  }
}
