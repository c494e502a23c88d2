import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CurrentUser, Roles, type Principal } from '@trellis/platform-auth';
import { ApiOperation, ValidBody, ValidParam } from '@trellis/platform-http';
import { z } from 'zod';
import { READERS, STAFF } from '../common/access';
import {
  CancelFollowUpSchema,
  ConfirmCheckInSchema,
  EngagementIdParamSchema,
  FollowUpIdParamSchema,
  FollowUpViewSchema,
  HoldFollowUpSchema,
  MissFollowUpSchema,
  OpenCheckInSchema,
  PlanFollowUpSchema,
  type CancelFollowUp,
  type ConfirmCheckInInput,
  type FollowUpView,
  type HoldFollowUp,
  type MissFollowUp,
  type OpenCheckIn,
  type PlanFollowUp,
} from './follow-ups.schema';
import { FollowUpsService } from './follow-ups.service';

const FOLLOW_UP_PARAM = { followUpId: FollowUpIdParamSchema };
const CHANGE_ERRORS = ['NOT_FOUND', 'VERSION_CONFLICT', 'INVALID_STATE_TRANSITION'] as const;

/** Follow-ups of engagements: staff plan and record them; defender users read their own. */
@Controller()
export class FollowUpsController {
  constructor(private readonly followUps: FollowUpsService) {}

  @Post('engagements/:engagementId/follow-ups')
  @Roles(...STAFF)
  @ApiOperation({
    summary: 'Plan a follow-up (coaching session, leadership meeting, staff debate, ...)',
    tags: ['follow-ups'],
    roles: [...STAFF],
    params: { engagementId: EngagementIdParamSchema },
    body: PlanFollowUpSchema,
    response: FollowUpViewSchema,
    errors: ['NOT_FOUND'],
  })
  plan(
    @ValidParam('engagementId', EngagementIdParamSchema) engagementId: string,
    @ValidBody(PlanFollowUpSchema) body: PlanFollowUp,
    @CurrentUser() user: Principal,
  ): Promise<FollowUpView> {
    return this.followUps.plan(engagementId, body, user);
  }

  @Get('engagements/:engagementId/follow-ups')
  @Roles(...READERS)
  @ApiOperation({
    summary: "An engagement's follow-ups (defender users: without the officers' notes)",
    tags: ['follow-ups'],
    roles: [...READERS],
    params: { engagementId: EngagementIdParamSchema },
    response: z.array(FollowUpViewSchema),
    errors: ['NOT_FOUND'],
  })
  list(
    @ValidParam('engagementId', EngagementIdParamSchema) engagementId: string,
    @CurrentUser() user: Principal,
  ): Promise<FollowUpView[]> {
    return this.followUps.list(engagementId, user);
  }

  @Get('follow-ups/:followUpId')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'One follow-up',
    tags: ['follow-ups'],
    roles: [...READERS],
    params: FOLLOW_UP_PARAM,
    response: FollowUpViewSchema,
    errors: ['NOT_FOUND'],
  })
  get(
    @ValidParam('followUpId', FollowUpIdParamSchema) followUpId: string,
    @CurrentUser() user: Principal,
  ): Promise<FollowUpView> {
    return this.followUps.get(followUpId, user);
  }

  @Post('follow-ups/:followUpId/held')
  @HttpCode(200)
  @Roles(...STAFF)
  @ApiOperation({
    summary: 'Record a held follow-up: notes, behaviour change, obstacles, next actions',
    tags: ['follow-ups'],
    roles: [...STAFF],
    params: FOLLOW_UP_PARAM,
    body: HoldFollowUpSchema,
    response: FollowUpViewSchema,
    errors: [...CHANGE_ERRORS],
  })
  hold(
    @ValidParam('followUpId', FollowUpIdParamSchema) followUpId: string,
    @ValidBody(HoldFollowUpSchema) body: HoldFollowUp,
    @CurrentUser() user: Principal,
  ): Promise<FollowUpView> {
    return this.followUps.hold(followUpId, body, user);
  }

  @Post('follow-ups/:followUpId/missed')
  @HttpCode(200)
  @Roles(...STAFF)
  @ApiOperation({
    summary: 'Record that a due follow-up did not take place',
    tags: ['follow-ups'],
    roles: [...STAFF],
    params: FOLLOW_UP_PARAM,
    body: MissFollowUpSchema,
    response: FollowUpViewSchema,
    errors: [...CHANGE_ERRORS],
  })
  miss(
    @ValidParam('followUpId', FollowUpIdParamSchema) followUpId: string,
    @ValidBody(MissFollowUpSchema) body: MissFollowUp,
    @CurrentUser() user: Principal,
  ): Promise<FollowUpView> {
    return this.followUps.miss(followUpId, body, user);
  }

  @Post('follow-ups/:followUpId/cancel')
  @HttpCode(200)
  @Roles(...STAFF)
  @ApiOperation({
    summary: 'Cancel a planned follow-up',
    tags: ['follow-ups'],
    roles: [...STAFF],
    params: FOLLOW_UP_PARAM,
    body: CancelFollowUpSchema,
    response: FollowUpViewSchema,
    errors: [...CHANGE_ERRORS],
  })
  cancel(
    @ValidParam('followUpId', FollowUpIdParamSchema) followUpId: string,
    @ValidBody(CancelFollowUpSchema) body: CancelFollowUp,
    @CurrentUser() user: Principal,
  ): Promise<FollowUpView> {
    return this.followUps.cancel(followUpId, body, user);
  }

  @Post('follow-ups/:followUpId/check-in')
  @HttpCode(200)
  @Roles(...STAFF)
  @ApiOperation({
    summary: 'Leaving for a site visit: safe return to be confirmed by checkInDueAt',
    tags: ['follow-ups'],
    roles: [...STAFF],
    params: FOLLOW_UP_PARAM,
    body: OpenCheckInSchema,
    response: FollowUpViewSchema,
    errors: ['NOT_FOUND', 'VERSION_CONFLICT', 'CONFLICT', 'DATE_IN_THE_PAST'],
  })
  openCheckIn(
    @ValidParam('followUpId', FollowUpIdParamSchema) followUpId: string,
    @ValidBody(OpenCheckInSchema) body: OpenCheckIn,
    @CurrentUser() user: Principal,
  ): Promise<FollowUpView> {
    return this.followUps.openCheckIn(followUpId, body, user);
  }

  @Post('follow-ups/:followUpId/check-in/confirm')
  @HttpCode(200)
  @Roles(...STAFF)
  @ApiOperation({
    summary: 'Confirm safe return from a site visit (late after the deadline)',
    tags: ['follow-ups'],
    roles: [...STAFF],
    params: FOLLOW_UP_PARAM,
    body: ConfirmCheckInSchema,
    response: FollowUpViewSchema,
    errors: ['NOT_FOUND', 'VERSION_CONFLICT', 'CONFLICT'],
  })
  confirmCheckIn(
    @ValidParam('followUpId', FollowUpIdParamSchema) followUpId: string,
    @ValidBody(ConfirmCheckInSchema) body: ConfirmCheckInInput,
    @CurrentUser() user: Principal,
  ): Promise<FollowUpView> {
    return this.followUps.confirmCheckIn(followUpId, body, user);
  }
}
