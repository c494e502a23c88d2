import { Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { IdSchema } from '@trellis/contracts';
import { CurrentUser, Roles, type Principal } from '@trellis/platform-auth';
import { ApiOperation, ValidBody, ValidParam, ValidQuery } from '@trellis/platform-http';
import { READERS, STAFF } from '../common/access';
import { EngagementQuerySchema, type EngagementQuery } from '../common/http';
import {
  CancelSessionSchema,
  HoldSessionSchema,
  ParticipantsUpdateSchema,
  RescheduleSessionSchema,
  ScheduleSessionSchema,
  type CancelSession,
  type HoldSession,
  type ParticipantsUpdate,
  type RescheduleSession,
  type ScheduleSession,
  type SessionView,
} from './sessions.schema';
import { SessionsService } from './sessions.service';

const PARAMS = { sessionId: IdSchema };

/** `/sessions`: scheduling, holding and cancelling training sessions. */
@Controller('sessions')
@Roles(...READERS)
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Post()
  @Roles(...STAFF)
  @ApiOperation({
    summary: 'Schedule a session (future, facilitator free, prerequisites met or overridden)',
    tags: ['sessions'],
    roles: STAFF,
    body: ScheduleSessionSchema,
    errors: [
      'NOT_FOUND',
      'VALIDATION_FAILED',
      'DATE_IN_THE_PAST',
      'UNKNOWN_CATALOGUE_ITEM',
      'SCHEDULE_CONFLICT',
      'PREREQUISITE_NOT_MET',
    ],
  })
  schedule(
    @ValidBody(ScheduleSessionSchema) body: ScheduleSession,
    @CurrentUser() user: Principal,
  ): Promise<SessionView> {
    return this.sessions.schedule(body, user);
  }

  @Get()
  @ApiOperation({
    summary: 'The sessions of an engagement, by start',
    tags: ['sessions'],
    roles: READERS,
    query: EngagementQuerySchema,
  })
  list(
    @ValidQuery(EngagementQuerySchema) query: EngagementQuery,
    @CurrentUser() user: Principal,
  ): Promise<SessionView[]> {
    return this.sessions.list(query.engagementId, user);
  }

  @Get(':sessionId')
  @ApiOperation({
    summary: 'One session (facilitator notes for staff only)',
    tags: ['sessions'],
    roles: READERS,
    params: PARAMS,
    errors: ['NOT_FOUND'],
  })
  get(
    @ValidParam('sessionId', IdSchema) sessionId: string,
    @CurrentUser() user: Principal,
  ): Promise<SessionView> {
    return this.sessions.get(sessionId, user);
  }

  @Post(':sessionId/reschedule')
  @HttpCode(200)
  @Roles(...STAFF)
  @ApiOperation({
    summary: 'Move a scheduled session to another slot',
    tags: ['sessions'],
    roles: STAFF,
    params: PARAMS,
    body: RescheduleSessionSchema,
    errors: [
      'NOT_FOUND',
      'DATE_IN_THE_PAST',
      'SCHEDULE_CONFLICT',
      'PREREQUISITE_NOT_MET',
      'INVALID_STATE_TRANSITION',
      'VERSION_CONFLICT',
    ],
  })
  reschedule(
    @ValidParam('sessionId', IdSchema) sessionId: string,
    @ValidBody(RescheduleSessionSchema) body: RescheduleSession,
    @CurrentUser() user: Principal,
  ): Promise<SessionView> {
    return this.sessions.reschedule(sessionId, body, user);
  }

  @Put(':sessionId/participants')
  @ApiOperation({
    summary: 'Register the pseudonymous participants (role, gender if given; no names)',
    tags: ['sessions'],
    roles: READERS,
    params: PARAMS,
    body: ParticipantsUpdateSchema,
    errors: ['NOT_FOUND', 'VALIDATION_FAILED', 'INVALID_STATE_TRANSITION', 'VERSION_CONFLICT'],
  })
  participants(
    @ValidParam('sessionId', IdSchema) sessionId: string,
    @ValidBody(ParticipantsUpdateSchema) body: ParticipantsUpdate,
    @CurrentUser() user: Principal,
  ): Promise<SessionView> {
    return this.sessions.setParticipants(sessionId, body, user);
  }

  @Post(':sessionId/hold')
  @HttpCode(200)
  @Roles(...STAFF)
  @ApiOperation({
    summary: 'Record the session as held: attendance, knowledge checks, notes',
    tags: ['sessions'],
    roles: STAFF,
    params: PARAMS,
    body: HoldSessionSchema,
    errors: [
      'NOT_FOUND',
      'VALIDATION_FAILED',
      'UNKNOWN_PARTICIPANT',
      'INVALID_STATE_TRANSITION',
      'VERSION_CONFLICT',
    ],
  })
  hold(
    @ValidParam('sessionId', IdSchema) sessionId: string,
    @ValidBody(HoldSessionSchema) body: HoldSession,
    @CurrentUser() user: Principal,
  ): Promise<SessionView> {
    return this.sessions.hold(sessionId, body, user);
  }

  @Post(':sessionId/cancel')
  @HttpCode(200)
  @Roles(...STAFF)
  @ApiOperation({
    summary: 'Cancel a scheduled session',
    tags: ['sessions'],
    roles: STAFF,
    params: PARAMS,
    body: CancelSessionSchema,
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION', 'VERSION_CONFLICT'],
  })
  cancel(
    @ValidParam('sessionId', IdSchema) sessionId: string,
    @ValidBody(CancelSessionSchema) body: CancelSession,
    @CurrentUser() user: Principal,
  ): Promise<SessionView> {
    return this.sessions.cancel(sessionId, body, user);
  }
}
