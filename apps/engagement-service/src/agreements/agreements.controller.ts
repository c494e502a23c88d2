import { Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { CurrentUser, Roles, type Principal } from '@trellis/platform-auth';
import { ApiOperation, ValidParam, ValidQuery } from '@trellis/platform-http';
import { DurationAwareBody } from '../common/validation';
import { EngagementIdParamSchema } from '../engagements/engagements.schema';
import {
  AgreementDiffQuerySchema,
  AgreementDiffViewSchema,
  AgreementTermsBodySchema,
  AgreementVersionParamSchema,
  AgreementVersionViewSchema,
  AgreementViewSchema,
  AmendAgreementBodySchema,
  type AgreementDiffQuery,
  type AgreementDiffView,
  type AgreementTermsBody,
  type AgreementVersionView,
  type AgreementView,
  type AmendAgreementBody,
} from './agreements.schema';
import { AgreementsService } from './agreements.service';

const MANAGERS = ['admin', 'program-manager'] as const;
const SIGNERS = ['program-manager', 'protection-officer', 'defender'] as const;
const READERS = ['admin', 'program-manager', 'protection-officer', 'defender'] as const;
const params = { engagementId: EngagementIdParamSchema };
const versionParams = { ...params, version: AgreementVersionParamSchema };
const TERMS_ERRORS = [
  'NOT_FOUND',
  'UNKNOWN_CATALOGUE_ITEM',
  'DURATION_TOO_SHORT',
  'INVALID_DURATION',
] as const;

/**
 * `/engagements/:engagementId/agreements`: the versioned agreement — program managers draft,
 * propose, withdraw, activate and amend; both parties sign; unit staff and the organisation's
 * defenders read.
 */
@Controller('engagements/:engagementId/agreements')
export class AgreementsController {
  constructor(private readonly agreements: AgreementsService) {}

  @Post()
  @Roles(...MANAGERS)
  @ApiOperation({
    summary: 'Draft version 1 of the engagement’s agreement',
    tags: ['agreements'],
    roles: [...MANAGERS],
    params,
    body: AgreementTermsBodySchema,
    response: AgreementVersionViewSchema,
    errors: [...TERMS_ERRORS, 'CONFLICT'],
  })
  create(
    @ValidParam('engagementId', EngagementIdParamSchema) engagementId: string,
    @DurationAwareBody(AgreementTermsBodySchema) body: AgreementTermsBody,
    @CurrentUser() user: Principal,
  ): Promise<AgreementVersionView> {
    return this.agreements.create(engagementId, body.terms, user);
  }

  @Get()
  @Roles(...READERS)
  @ApiOperation({
    summary: 'The agreement: every version with its status and signatures',
    tags: ['agreements'],
    roles: [...READERS],
    params,
    response: AgreementViewSchema,
    errors: ['NOT_FOUND'],
  })
  get(
    @ValidParam('engagementId', EngagementIdParamSchema) engagementId: string,
    @CurrentUser() user: Principal,
  ): Promise<AgreementView> {
    return this.agreements.get(engagementId, user);
  }

  @Get('diff')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'Field-level differences between two versions’ terms',
    tags: ['agreements'],
    roles: [...READERS],
    params,
    query: AgreementDiffQuerySchema,
    response: AgreementDiffViewSchema,
    errors: ['NOT_FOUND'],
  })
  diff(
    @ValidParam('engagementId', EngagementIdParamSchema) engagementId: string,
    @ValidQuery(AgreementDiffQuerySchema) query: AgreementDiffQuery,
    @CurrentUser() user: Principal,
  ): Promise<AgreementDiffView> {
    return this.agreements.diff(engagementId, query.from, query.to, user);
  }

  @Get('versions/:version')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'One version with its terms',
    tags: ['agreements'],
    roles: [...READERS],
    params: versionParams,
    response: AgreementVersionViewSchema,
    errors: ['NOT_FOUND'],
  })
  getVersion(
    @ValidParam('engagementId', EngagementIdParamSchema) engagementId: string,
    @ValidParam('version', AgreementVersionParamSchema) version: number,
    @CurrentUser() user: Principal,
  ): Promise<AgreementVersionView> {
    return this.agreements.getVersion(engagementId, version, user);
  }

  @Put('versions/:version')
  @Roles(...MANAGERS)
  @ApiOperation({
    summary: 'Replace a draft version’s terms',
    tags: ['agreements'],
    roles: [...MANAGERS],
    params: versionParams,
    body: AgreementTermsBodySchema,
    response: AgreementVersionViewSchema,
    errors: [...TERMS_ERRORS, 'INVALID_STATE_TRANSITION'],
  })
  edit(
    @ValidParam('engagementId', EngagementIdParamSchema) engagementId: string,
    @ValidParam('version', AgreementVersionParamSchema) version: number,
    @DurationAwareBody(AgreementTermsBodySchema) body: AgreementTermsBody,
    @CurrentUser() user: Principal,
  ): Promise<AgreementVersionView> {
    return this.agreements.edit(engagementId, version, body.terms, user);
  }

  @Post('versions/:version/propose')
  @HttpCode(200)
  @Roles(...MANAGERS)
  @ApiOperation({
    summary: 'Propose a draft to both parties for signature',
    tags: ['agreements'],
    roles: [...MANAGERS],
    params: versionParams,
    response: AgreementVersionViewSchema,
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION', 'CONFLICT'],
  })
  propose(
    @ValidParam('engagementId', EngagementIdParamSchema) engagementId: string,
    @ValidParam('version', AgreementVersionParamSchema) version: number,
    @CurrentUser() user: Principal,
  ): Promise<AgreementVersionView> {
    return this.agreements.propose(engagementId, version, user);
  }

  @Post('versions/:version/withdraw')
  @HttpCode(200)
  @Roles(...MANAGERS)
  @ApiOperation({
    summary: 'Withdraw a proposed version back to draft (signatures dropped)',
    tags: ['agreements'],
    roles: [...MANAGERS],
    params: versionParams,
    response: AgreementVersionViewSchema,
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION'],
  })
  withdraw(
    @ValidParam('engagementId', EngagementIdParamSchema) engagementId: string,
    @ValidParam('version', AgreementVersionParamSchema) version: number,
    @CurrentUser() user: Principal,
  ): Promise<AgreementVersionView> {
    return this.agreements.withdraw(engagementId, version, user);
  }

  @Post('versions/:version/sign')
  @HttpCode(200)
  @Roles(...SIGNERS)
  @ApiOperation({
    summary:
      'Sign a proposed version: unit staff for the protection organisation, a defender for their organisation',
    tags: ['agreements'],
    roles: [...SIGNERS],
    params: versionParams,
    response: AgreementVersionViewSchema,
    errors: ['NOT_FOUND', 'FORBIDDEN', 'INVALID_STATE_TRANSITION'],
  })
  sign(
    @ValidParam('engagementId', EngagementIdParamSchema) engagementId: string,
    @ValidParam('version', AgreementVersionParamSchema) version: number,
    @CurrentUser() user: Principal,
  ): Promise<AgreementVersionView> {
    return this.agreements.sign(engagementId, version, user);
  }

  @Post('versions/:version/activate')
  @HttpCode(200)
  @Roles(...MANAGERS)
  @ApiOperation({
    summary: 'Bring a signed version into force (supersedes the version in force)',
    tags: ['agreements'],
    roles: [...MANAGERS],
    params: versionParams,
    response: AgreementVersionViewSchema,
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION', 'CONFLICT'],
  })
  activate(
    @ValidParam('engagementId', EngagementIdParamSchema) engagementId: string,
    @ValidParam('version', AgreementVersionParamSchema) version: number,
    @CurrentUser() user: Principal,
  ): Promise<AgreementVersionView> {
    return this.agreements.activate(engagementId, version, user);
  }

  @Post('versions/:version/amendments')
  @Roles(...MANAGERS)
  @ApiOperation({
    summary: 'Start amendment N+1 of the active version N (terms copied unless given)',
    tags: ['agreements'],
    roles: [...MANAGERS],
    params: versionParams,
    body: AmendAgreementBodySchema,
    response: AgreementVersionViewSchema,
    errors: [...TERMS_ERRORS, 'INVALID_STATE_TRANSITION'],
  })
  amend(
    @ValidParam('engagementId', EngagementIdParamSchema) engagementId: string,
    @ValidParam('version', AgreementVersionParamSchema) version: number,
    @DurationAwareBody(AmendAgreementBodySchema) body: AmendAgreementBody,
    @CurrentUser() user: Principal,
  ): Promise<AgreementVersionView> {
    return this.agreements.amend(engagementId, version, body.terms, user);
  }
}
