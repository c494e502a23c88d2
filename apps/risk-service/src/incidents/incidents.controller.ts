import { Controller, Get, Post } from '@nestjs/common';
import { IdSchema } from '@trellis/contracts';
import { CurrentUser, Roles, type Principal } from '@trellis/platform-auth';
import { ApiOperation, ValidBody, ValidParam, ValidQuery } from '@trellis/platform-http';
import { RISK_ROLES } from '../common/access';
import { EngagementQuerySchema, type EngagementQuery } from '../common/http';
import { ReportIncidentSchema, type IncidentView, type ReportIncident } from './incidents.schema';
import { IncidentsService } from './incidents.service';

const ROLES = [...RISK_ROLES];

/** `/incidents`: the organisation's incident register. */
@Controller('incidents')
@Roles(...ROLES)
export class IncidentsController {
  constructor(private readonly incidents: IncidentsService) {}

  @Post()
  @ApiOperation({
    summary: 'Enter an incident in the register (a serious one demands a re-assessment)',
    tags: ['incidents'],
    roles: ROLES,
    body: ReportIncidentSchema,
    errors: ['NOT_FOUND', 'VALIDATION_FAILED', 'CROSS_ORGANISATION_REFERENCE'],
  })
  report(
    @ValidBody(ReportIncidentSchema) body: ReportIncident,
    @CurrentUser() user: Principal,
  ): Promise<IncidentView> {
    return this.incidents.report(body, user);
  }

  @Get()
  @ApiOperation({
    summary: 'The incidents of an engagement, most recent first',
    tags: ['incidents'],
    roles: ROLES,
    query: EngagementQuerySchema,
  })
  list(
    @ValidQuery(EngagementQuerySchema) query: EngagementQuery,
    @CurrentUser() user: Principal,
  ): Promise<IncidentView[]> {
    return this.incidents.list(query.engagementId, user);
  }

  @Get(':incidentId')
  @ApiOperation({
    summary: 'One incident',
    tags: ['incidents'],
    roles: ROLES,
    params: { incidentId: IdSchema },
    errors: ['NOT_FOUND'],
  })
  get(
    @ValidParam('incidentId', IdSchema) incidentId: string,
    @CurrentUser() user: Principal,
  ): Promise<IncidentView> {
    return this.incidents.get(incidentId, user);
  }
}
