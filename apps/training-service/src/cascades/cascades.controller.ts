import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { IdSchema } from '@trellis/contracts';
import { CurrentUser, Roles, type Principal } from '@trellis/platform-auth';
import { ApiOperation, ValidBody, ValidParam, ValidQuery } from '@trellis/platform-http';
import { READERS, STAFF } from '../common/access';
import { EngagementQuerySchema, type EngagementQuery } from '../common/http';
import {
  RecordCascadeSchema,
  VerifyCascadeSchema,
  type CascadeView,
  type LineageView,
  type RecordCascade,
  type VerifyCascade,
} from './cascades.schema';
import { CascadesService } from './cascades.service';

/** `/cascades`: knowledge transfer — cascade trainings, verification, lineage. */
@Controller('cascades')
@Roles(...READERS)
export class CascadesController {
  constructor(private readonly cascades: CascadesService) {}

  @Post()
  @ApiOperation({
    summary: 'Record a cascade training the organisation delivered',
    tags: ['cascades'],
    roles: READERS,
    body: RecordCascadeSchema,
    errors: [
      'NOT_FOUND',
      'VALIDATION_FAILED',
      'UNKNOWN_CATALOGUE_ITEM',
      'UNKNOWN_PARTICIPANT',
      'INVALID_CASCADE_GENERATION',
    ],
  })
  record(
    @ValidBody(RecordCascadeSchema) body: RecordCascade,
    @CurrentUser() user: Principal,
  ): Promise<CascadeView> {
    return this.cascades.record(body, user);
  }

  @Get()
  @ApiOperation({
    summary: 'The cascades of an engagement',
    tags: ['cascades'],
    roles: READERS,
    query: EngagementQuerySchema,
  })
  list(
    @ValidQuery(EngagementQuerySchema) query: EngagementQuery,
    @CurrentUser() user: Principal,
  ): Promise<CascadeView[]> {
    return this.cascades.list(query.engagementId, user);
  }

  @Get('lineage')
  @ApiOperation({
    summary: 'The cascade tree with pseudonymous nodes and total reach',
    tags: ['cascades'],
    roles: READERS,
    query: EngagementQuerySchema,
    errors: ['NOT_FOUND'],
  })
  lineage(
    @ValidQuery(EngagementQuerySchema) query: EngagementQuery,
    @CurrentUser() user: Principal,
  ): Promise<LineageView> {
    return this.cascades.lineage(query.engagementId, user);
  }

  @Get(':cascadeId')
  @ApiOperation({
    summary: 'One cascade',
    tags: ['cascades'],
    roles: READERS,
    params: { cascadeId: IdSchema },
    errors: ['NOT_FOUND'],
  })
  get(
    @ValidParam('cascadeId', IdSchema) cascadeId: string,
    @CurrentUser() user: Principal,
  ): Promise<CascadeView> {
    return this.cascades.get(cascadeId, user);
  }

  @Post(':cascadeId/verify')
  @HttpCode(200)
  @Roles(...STAFF)
  @ApiOperation({
    summary: 'Verify a recorded cascade (officers); publishes training.cascade.verified',
    tags: ['cascades'],
    roles: STAFF,
    params: { cascadeId: IdSchema },
    body: VerifyCascadeSchema,
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION', 'VERSION_CONFLICT'],
  })
  verify(
    @ValidParam('cascadeId', IdSchema) cascadeId: string,
    @ValidBody(VerifyCascadeSchema) body: VerifyCascade,
    @CurrentUser() user: Principal,
  ): Promise<CascadeView> {
    return this.cascades.verify(cascadeId, body, user);
  }
}
