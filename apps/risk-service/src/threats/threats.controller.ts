import { Body, Controller, Get, Post, Put } from '@nestjs/common';
import { CurrentUser, Roles, type Principal } from '@trellis/platform-auth';
import { ApiOperation, ValidBody, ValidParam, ValidQuery, ZodPipe } from '@trellis/platform-http';
import type { ThreatStep } from '@trellis/risk-domain';
import { RISK_ROLES } from '../common/access';
import { EngagementQuerySchema, type EngagementQuery } from '../common/http';
import {
  AddFactorSchema,
  CreateThreatSchema,
  FactorKindSchema,
  RateThreatSchema,
  STEP_BODY_SCHEMAS,
  ThreatIdParamSchema,
  ThreatStepSchema,
  type AddFactor,
  type CreateThreat,
  type RateThreat,
  type RecordStep,
  type ThreatView,
} from './threats.schema';
import { ThreatsService, type FactorKind } from './threats.service';

const ROLES = [...RISK_ROLES];
const THREAT_ERRORS = ['NOT_FOUND', 'VERSION_CONFLICT', 'VALIDATION_FAILED'];

/**
 * `/threats`: the five-step threat assessment (in order), ratings, vulnerabilities and
 * capacities, and each threat's current risk. Staff of the engagement's unit and the
 * organisation's defender users.
 */
@Controller('threats')
@Roles(...ROLES)
export class ThreatsController {
  constructor(private readonly threats: ThreatsService) {}

  @Post()
  @ApiOperation({
    summary: 'Record a threat of an engagement (optionally with its facts, step 1)',
    tags: ['threats'],
    roles: ROLES,
    body: CreateThreatSchema,
    errors: ['NOT_FOUND', 'VALIDATION_FAILED', 'CROSS_ORGANISATION_REFERENCE'],
  })
  create(
    @ValidBody(CreateThreatSchema) body: CreateThreat,
    @CurrentUser() user: Principal,
  ): Promise<ThreatView> {
    return this.threats.create(body, user);
  }

  @Get()
  @ApiOperation({
    summary: 'The threats of an engagement, with their current risk',
    tags: ['threats'],
    roles: ROLES,
    query: EngagementQuerySchema,
  })
  list(
    @ValidQuery(EngagementQuerySchema) query: EngagementQuery,
    @CurrentUser() user: Principal,
  ): Promise<ThreatView[]> {
    return this.threats.list(query.engagementId, user);
  }

  @Get(':threatId')
  @ApiOperation({
    summary: 'One threat: steps, factors, current risk',
    tags: ['threats'],
    roles: ROLES,
    params: { threatId: ThreatIdParamSchema },
    errors: ['NOT_FOUND'],
  })
  get(
    @ValidParam('threatId', ThreatIdParamSchema) threatId: string,
    @CurrentUser() user: Principal,
  ): Promise<ThreatView> {
    return this.threats.get(threatId, user);
  }

  @Put(':threatId/steps/:step')
  @ApiOperation({
    summary:
      'Record a step of the five-step assessment (facts, pattern, objective, author, conclusion), in order',
    tags: ['threats'],
    roles: ROLES,
    params: { threatId: ThreatIdParamSchema, step: ThreatStepSchema },
    errors: [...THREAT_ERRORS, 'STEP_OUT_OF_ORDER', 'CROSS_ORGANISATION_REFERENCE'],
  })
  recordStep(
    @ValidParam('threatId', ThreatIdParamSchema) threatId: string,
    @ValidParam('step', ThreatStepSchema) step: ThreatStep,
    @Body() body: unknown,
    @CurrentUser() user: Principal,
  ): Promise<ThreatView> {
    const input: RecordStep = new ZodPipe(STEP_BODY_SCHEMAS[step]).transform(body);
    return this.threats.recordStep(threatId, step, input, user);
  }

  @Put(':threatId/rating')
  @ApiOperation({
    summary: 'Change likelihood and impact (1–5)',
    tags: ['threats'],
    roles: ROLES,
    params: { threatId: ThreatIdParamSchema },
    body: RateThreatSchema,
    errors: THREAT_ERRORS,
  })
  rate(
    @ValidParam('threatId', ThreatIdParamSchema) threatId: string,
    @ValidBody(RateThreatSchema) body: RateThreat,
    @CurrentUser() user: Principal,
  ): Promise<ThreatView> {
    return this.threats.rate(threatId, body, user);
  }

  @Post(':threatId/vulnerabilities')
  @ApiOperation({
    summary: 'Add a vulnerability (category, description, rating 1–5)',
    tags: ['threats'],
    roles: ROLES,
    params: { threatId: ThreatIdParamSchema },
    body: AddFactorSchema,
    errors: THREAT_ERRORS,
  })
  addVulnerability(
    @ValidParam('threatId', ThreatIdParamSchema) threatId: string,
    @ValidBody(AddFactorSchema) body: AddFactor,
    @CurrentUser() user: Principal,
  ): Promise<ThreatView> {
    return this.threats.addFactor(threatId, 'vulnerabilities', body, user);
  }

  @Post(':threatId/capacities')
  @ApiOperation({
    summary: 'Add a capacity (category, description, rating 1–5)',
    tags: ['threats'],
    roles: ROLES,
    params: { threatId: ThreatIdParamSchema },
    body: AddFactorSchema,
    errors: THREAT_ERRORS,
  })
  addCapacity(
    @ValidParam('threatId', ThreatIdParamSchema) threatId: string,
    @ValidBody(AddFactorSchema) body: AddFactor,
    @CurrentUser() user: Principal,
  ): Promise<ThreatView> {
    return this.threats.addFactor(threatId, 'capacities', body, user);
  }

  @Put(':threatId/:kind/:factorId')
  @ApiOperation({
    summary: 'Replace a vulnerability or capacity (category, description, rating 1–5)',
    tags: ['threats'],
    roles: ROLES,
    params: {
      threatId: ThreatIdParamSchema,
      kind: FactorKindSchema,
      factorId: ThreatIdParamSchema,
    },
    body: AddFactorSchema,
    errors: THREAT_ERRORS,
  })
  replaceFactor(
    @ValidParam('threatId', ThreatIdParamSchema) threatId: string,
    @ValidParam('kind', FactorKindSchema) kind: FactorKind,
    @ValidParam('factorId', ThreatIdParamSchema) factorId: string,
    @ValidBody(AddFactorSchema) body: AddFactor,
    @CurrentUser() user: Principal,
  ): Promise<ThreatView> {
    return this.threats.replaceFactor(threatId, kind, factorId, body, user);
  }
}
