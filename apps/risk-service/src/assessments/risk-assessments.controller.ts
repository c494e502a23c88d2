import { Controller, Get, Post } from '@nestjs/common';
import { CurrentUser, Roles, type Principal } from '@trellis/platform-auth';
import { ApiOperation, ValidBody, ValidParam, ValidQuery } from '@trellis/platform-http';
import { RISK_ROLES } from '../common/access';
import { EngagementQuerySchema, type EngagementQuery } from '../common/http';
import {
  CreateRiskAssessmentSchema,
  RiskAssessmentIdParamSchema,
  type CreateRiskAssessment,
  type RiskAssessmentView,
  type SuggestionsView,
} from './risk-assessments.schema';
import { RiskAssessmentsService } from './risk-assessments.service';

const ROLES = [...RISK_ROLES];

/** `/risk-assessments`: dated snapshots of risk per threat and overall, matrix, suggestions. */
@Controller('risk-assessments')
@Roles(...ROLES)
export class RiskAssessmentsController {
  constructor(private readonly assessments: RiskAssessmentsService) {}

  @Post()
  @ApiOperation({
    summary: "Assess the engagement's risk now from its concluded threats",
    tags: ['risk-assessments'],
    roles: ROLES,
    body: CreateRiskAssessmentSchema,
    errors: [
      'NOT_FOUND',
      'VALIDATION_FAILED',
      'STEP_OUT_OF_ORDER',
      'CONFLICT',
      'CROSS_ORGANISATION_REFERENCE',
    ],
  })
  create(
    @ValidBody(CreateRiskAssessmentSchema) body: CreateRiskAssessment,
    @CurrentUser() user: Principal,
  ): Promise<RiskAssessmentView> {
    return this.assessments.create(body, user);
  }

  @Get()
  @ApiOperation({
    summary: 'The risk assessments of an engagement, newest first',
    tags: ['risk-assessments'],
    roles: ROLES,
    query: EngagementQuerySchema,
  })
  list(
    @ValidQuery(EngagementQuerySchema) query: EngagementQuery,
    @CurrentUser() user: Principal,
  ): Promise<RiskAssessmentView[]> {
    return this.assessments.list(query.engagementId, user);
  }

  @Get(':riskAssessmentId')
  @ApiOperation({
    summary:
      'One risk assessment with its likelihood × impact matrix and the change since the previous',
    tags: ['risk-assessments'],
    roles: ROLES,
    params: { riskAssessmentId: RiskAssessmentIdParamSchema },
    errors: ['NOT_FOUND'],
  })
  get(
    @ValidParam('riskAssessmentId', RiskAssessmentIdParamSchema) id: string,
    @CurrentUser() user: Principal,
  ): Promise<RiskAssessmentView> {
    return this.assessments.get(id, user);
  }

  @Get(':riskAssessmentId/suggestions')
  @ApiOperation({
    summary:
      'Catalogue items matching the type and vulnerability categories of each high or critical threat',
    tags: ['risk-assessments'],
    roles: ROLES,
    params: { riskAssessmentId: RiskAssessmentIdParamSchema },
    errors: ['NOT_FOUND'],
  })
  suggestions(
    @ValidParam('riskAssessmentId', RiskAssessmentIdParamSchema) id: string,
    @CurrentUser() user: Principal,
  ): Promise<SuggestionsView> {
    return this.assessments.suggestions(id, user);
  }
}
