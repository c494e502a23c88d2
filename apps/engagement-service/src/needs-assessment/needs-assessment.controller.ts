import { Controller, Get, Post } from '@nestjs/common';
import { CurrentUser, Roles, type Principal } from '@trellis/platform-auth';
import { ApiOperation, ValidBody, ValidParam } from '@trellis/platform-http';
import { EngagementIdParamSchema } from '../engagements/engagements.schema';
import {
  NeedsAssessmentViewSchema,
  RecordNeedsAssessmentSchema,
  type NeedsAssessmentView,
  type RecordNeedsAssessment,
} from './needs-assessment.schema';
import { NeedsAssessmentService } from './needs-assessment.service';

const RECORDERS = ['admin', 'program-manager', 'protection-officer'] as const;
const READERS = [...RECORDERS, 'defender'] as const;

/** `/engagements/:engagementId/needs-assessment`: the engagement's baseline and its suggestions. */
@Controller('engagements/:engagementId/needs-assessment')
export class NeedsAssessmentController {
  constructor(private readonly needs: NeedsAssessmentService) {}

  @Post()
  @Roles(...RECORDERS)
  @ApiOperation({
    summary:
      'Record the baseline (security wheel, capacities, threats); answers the suggested level, interventions and training modules',
    tags: ['needs-assessment'],
    roles: [...RECORDERS],
    params: { engagementId: EngagementIdParamSchema },
    body: RecordNeedsAssessmentSchema,
    response: NeedsAssessmentViewSchema,
    errors: ['NOT_FOUND', 'CONFLICT'],
  })
  record(
    @ValidParam('engagementId', EngagementIdParamSchema) engagementId: string,
    @ValidBody(RecordNeedsAssessmentSchema) body: RecordNeedsAssessment,
    @CurrentUser() user: Principal,
  ): Promise<NeedsAssessmentView> {
    return this.needs.record(engagementId, body, user);
  }

  @Get()
  @Roles(...READERS)
  @ApiOperation({
    summary: "The engagement's baseline needs assessment with its suggestions",
    tags: ['needs-assessment'],
    roles: [...READERS],
    params: { engagementId: EngagementIdParamSchema },
    response: NeedsAssessmentViewSchema,
    errors: ['NOT_FOUND'],
  })
  get(
    @ValidParam('engagementId', EngagementIdParamSchema) engagementId: string,
    @CurrentUser() user: Principal,
  ): Promise<NeedsAssessmentView> {
    return this.needs.get(engagementId, user);
  }
}
