import { Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { CurrentUser, Roles, type Principal } from '@trellis/platform-auth';
import { ApiOperation, ValidBody, ValidParam, ValidQuery } from '@trellis/platform-http';
import { RISK_ROLES } from '../common/access';
import { EngagementQuerySchema, type EngagementQuery } from '../common/http';
import {
  CompleteWheelRoundSchema,
  OpenWheelRoundSchema,
  ParticipantIdParamSchema,
  ScoreWheelSchema,
  WheelRoundIdParamSchema,
  type CompleteWheelRound,
  type OpenWheelRound,
  type ScoreWheel,
  type WheelRoundView,
} from './security-wheel.schema';
import { SecurityWheelService } from './security-wheel.service';

const ROLES = [...RISK_ROLES];

/** `/security-wheel/rounds`: rounds of the eight-spoke security wheel. */
@Controller('security-wheel/rounds')
@Roles(...ROLES)
export class SecurityWheelController {
  constructor(private readonly wheel: SecurityWheelService) {}

  @Post()
  @ApiOperation({
    summary: 'Open the next round of the security wheel',
    tags: ['security-wheel'],
    roles: ROLES,
    body: OpenWheelRoundSchema,
    errors: ['NOT_FOUND', 'VALIDATION_FAILED', 'CONFLICT', 'CROSS_ORGANISATION_REFERENCE'],
  })
  open(
    @ValidBody(OpenWheelRoundSchema) body: OpenWheelRound,
    @CurrentUser() user: Principal,
  ): Promise<WheelRoundView> {
    return this.wheel.open(body, user);
  }

  @Put(':roundId/participants/:participantId')
  @ApiOperation({
    summary: "Record a participant's scores (0–4 per spoke) with barriers and solutions",
    tags: ['security-wheel'],
    roles: ROLES,
    params: { roundId: WheelRoundIdParamSchema, participantId: ParticipantIdParamSchema },
    body: ScoreWheelSchema,
    errors: ['NOT_FOUND', 'VALIDATION_FAILED', 'VERSION_CONFLICT', 'INVALID_STATE_TRANSITION'],
  })
  score(
    @ValidParam('roundId', WheelRoundIdParamSchema) roundId: string,
    @ValidParam('participantId', ParticipantIdParamSchema) participantId: string,
    @ValidBody(ScoreWheelSchema) body: ScoreWheel,
    @CurrentUser() user: Principal,
  ): Promise<WheelRoundView> {
    return this.wheel.score(roundId, participantId, body, user);
  }

  @Post(':roundId/complete')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Complete the round: aggregate per spoke and publish the spoke means',
    tags: ['security-wheel'],
    roles: ROLES,
    params: { roundId: WheelRoundIdParamSchema },
    body: CompleteWheelRoundSchema,
    status: 200,
    errors: ['NOT_FOUND', 'VERSION_CONFLICT', 'CONFLICT', 'INVALID_STATE_TRANSITION'],
  })
  complete(
    @ValidParam('roundId', WheelRoundIdParamSchema) roundId: string,
    @ValidBody(CompleteWheelRoundSchema) body: CompleteWheelRound,
    @CurrentUser() user: Principal,
  ): Promise<WheelRoundView> {
    return this.wheel.complete(roundId, body, user);
  }

  @Get()
  @ApiOperation({
    summary: 'The rounds of an engagement, latest first',
    tags: ['security-wheel'],
    roles: ROLES,
    query: EngagementQuerySchema,
  })
  list(
    @ValidQuery(EngagementQuerySchema) query: EngagementQuery,
    @CurrentUser() user: Principal,
  ): Promise<WheelRoundView[]> {
    return this.wheel.list(query.engagementId, user);
  }

  @Get(':roundId')
  @ApiOperation({
    summary:
      'One round: per spoke mean, spread, leadership vs staff, change since the previous round',
    tags: ['security-wheel'],
    roles: ROLES,
    params: { roundId: WheelRoundIdParamSchema },
    errors: ['NOT_FOUND'],
  })
  get(
    @ValidParam('roundId', WheelRoundIdParamSchema) roundId: string,
    @CurrentUser() user: Principal,
  ): Promise<WheelRoundView> {
    return this.wheel.get(roundId, user);
  }
}
