import { Controller, Get, Post, Put } from '@nestjs/common';
import { CurrentUser, Roles, type Principal } from '@trellis/platform-auth';
import { ApiOperation, ValidBody, ValidParam, ValidQuery } from '@trellis/platform-http';
import { z } from 'zod';
import {
  AssignLeadOfficerSchema,
  CreateEngagementSchema,
  EngagementIdParamSchema,
  EngagementViewSchema,
  ListEngagementsQuerySchema,
  type AssignLeadOfficer,
  type CreateEngagement,
  type EngagementView,
  type ListEngagementsQuery,
} from './engagements.schema';
import { EngagementsService } from './engagements.service';

const READERS = ['admin', 'program-manager', 'protection-officer', 'defender'] as const;

/**
 * `/engagements`: program managers open engagements (routed to a desk or the TRU); staff see
 * their unit's, defender users their organisation's.
 */
@Controller('engagements')
export class EngagementsController {
  constructor(private readonly engagements: EngagementsService) {}

  @Post()
  @Roles('admin', 'program-manager')
  @ApiOperation({
    summary: "Open an engagement with an organisation, routed by the organisation's country",
    tags: ['engagements'],
    roles: ['admin', 'program-manager'],
    body: CreateEngagementSchema,
    response: EngagementViewSchema,
    errors: ['NOT_FOUND'],
  })
  create(
    @ValidBody(CreateEngagementSchema) body: CreateEngagement,
    @CurrentUser() user: Principal,
  ): Promise<EngagementView> {
    return this.engagements.create(body, user);
  }

  @Put(':engagementId/lead-officer')
  @Roles('admin', 'program-manager')
  @ApiOperation({
    summary: 'Make a protection officer the lead officer of an engagement',
    tags: ['engagements'],
    roles: ['admin', 'program-manager'],
    params: { engagementId: EngagementIdParamSchema },
    body: AssignLeadOfficerSchema,
    response: EngagementViewSchema,
    errors: ['NOT_FOUND', 'VERSION_CONFLICT'],
  })
  assignLeadOfficer(
    @ValidParam('engagementId', EngagementIdParamSchema) engagementId: string,
    @ValidBody(AssignLeadOfficerSchema) body: AssignLeadOfficer,
    @CurrentUser() user: Principal,
  ): Promise<EngagementView> {
    return this.engagements.assignLeadOfficer(engagementId, body, user);
  }

  @Get()
  @Roles(...READERS)
  @ApiOperation({
    summary: "The engagements in the caller's scope",
    tags: ['engagements'],
    roles: [...READERS],
    query: ListEngagementsQuerySchema,
    response: z.array(EngagementViewSchema),
  })
  list(
    @ValidQuery(ListEngagementsQuerySchema) query: ListEngagementsQuery,
    @CurrentUser() user: Principal,
  ): Promise<EngagementView[]> {
    return this.engagements.list(query, user);
  }

  @Get(':engagementId')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'One engagement',
    tags: ['engagements'],
    roles: [...READERS],
    params: { engagementId: EngagementIdParamSchema },
    response: EngagementViewSchema,
    errors: ['NOT_FOUND'],
  })
  get(
    @ValidParam('engagementId', EngagementIdParamSchema) engagementId: string,
    @CurrentUser() user: Principal,
  ): Promise<EngagementView> {
    return this.engagements.get(engagementId, user);
  }
}
